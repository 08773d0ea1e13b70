// GET /r/:linkKey over real HTTP: the click row, the 302 with partner parameters, bots, the
// 404 page, the server-set attribution cookie on a shared root domain, first-click cookie
// keeping, and the per-IP rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IpHasher } from '../../ingest/http/ip-hash.js';
import { BROWSER_UA, startTestIngest, type TestIngest } from '../helpers/ingest.js';

let t: TestIngest;
let ann: { key: string; linkKey: string };
let bob: { key: string; linkKey: string };

async function partner(u: TestIngest, key: string, destination: string) {
  const res = await u.api('/v1/partners', { body: { email: `${key}@partner.test`, name: key, key } });
  const link = await u.api(`/v1/partners/${key}/links`, { body: { destination } });
  return { key: res.body.partner.key as string, linkKey: link.body.link.linkKey as string };
}

const clicks = (u: TestIngest) => u.db.all<Record<string, unknown>>('SELECT * FROM click ORDER BY id');

beforeAll(async () => {
  t = await startTestIngest();
  ann = await partner(t, 'ann', 'https://www.acme.test/pricing?plan=pro&ps_xid=old&ps_partner_key=stale#top');
  bob = await partner(t, 'bob', 'https://www.acme.test/');
});
afterAll(() => t.close());

describe('GET /r/:linkKey', () => {
  it('records one click and redirects with ps_partner_key and ps_xid, keeping the query and fragment and replacing old ps_ params', async () => {
    const before = clicks(t).length;
    const res = await t.request(`/r/${ann.linkKey}`, { headers: { 'user-agent': BROWSER_UA, referer: 'https://blog.example/post' } });
    expect(res.status).toBe(302);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const location = res.headers.get('location')!;
    const xid = new URL(location).searchParams.get('ps_xid')!;
    expect(xid).toMatch(/^rx_[A-Za-z0-9]{24}$/);
    expect(location).toBe(`https://www.acme.test/pricing?plan=pro&ps_partner_key=ann&ps_xid=${xid}#top`);
    const rows = clicks(t);
    expect(rows.length).toBe(before + 1);
    const row = rows[rows.length - 1];
    expect(row).toMatchObject({ xid, source: 'link', referrer: 'https://blog.example/post', browser: 'Chrome', os: 'Mac OS', device: 'desktop', url: 'https://www.acme.test/pricing?plan=pro&ps_xid=old&ps_partner_key=stale#top' });
    expect(row.ip_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(row)).not.toContain('127.0.0.1');
    // No cookie: the test server's host (127.0.0.1) shares nothing with www.acme.test.
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('hashes the same IP the same way within a day', async () => {
    await t.request(`/r/${bob.linkKey}`, { headers: { 'user-agent': BROWSER_UA } });
    await t.request(`/r/${bob.linkKey}`, { headers: { 'user-agent': BROWSER_UA } });
    const rows = clicks(t).slice(-2);
    expect(rows[0].ip_hash).toBe(rows[1].ip_hash);
  });

  it('salts the IP hash per program and per day (and forgets old salts)', () => {
    const hasher = new IpHasher();
    const day = 86_400_000;
    const h = hasher.hash(1, '203.0.113.9', 10 * day);
    expect(hasher.hash(1, '203.0.113.9', 10 * day + 5_000)).toBe(h);
    expect(hasher.hash(2, '203.0.113.9', 10 * day)).not.toBe(h);
    expect(hasher.hash(1, '203.0.113.9', 11 * day)).not.toBe(h);
    expect(hasher.hash(1, '203.0.113.9', 10 * day)).not.toBe(h);
  });

  it('redirects bots and empty user agents without counting them (and without ps_xid)', async () => {
    const before = clicks(t).length;
    for (const ua of ['Googlebot/2.1 (+http://www.google.com/bot.html)', '', 'curl/8.4.0']) {
      const res = await t.request(`/r/${bob.linkKey}`, { headers: { 'user-agent': ua } });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://www.acme.test/?ps_partner_key=bob');
    }
    const head = await t.request(`/r/${bob.linkKey}`, { method: 'HEAD', headers: { 'user-agent': BROWSER_UA } });
    expect(head.status).toBe(302);
    expect(clicks(t).length).toBe(before);
  });

  it('counts headless browsers and the bare default agent of Node fetch as visitors', async () => {
    const before = clicks(t).length;
    const headless = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36';
    for (const ua of [headless, 'node']) {
      const res = await t.request(`/r/${bob.linkKey}`, { headers: { 'user-agent': ua } });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toMatch(/^https:\/\/www\.acme\.test\/\?ps_partner_key=bob&ps_xid=rx_[A-Za-z0-9]{24}$/);
    }
    expect(clicks(t).length).toBe(before + 2);
  });

  it('answers an unknown link with a small escaped 404 page and no redirect', async () => {
    const res = await t.request('/r/nope<script>');
    expect(res.status).toBe(404);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.body).not.toContain('<script>');
    const unknown = await t.request('/r/abcdefgh', { headers: { 'user-agent': BROWSER_UA } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('abcdefgh');
    const badEncoding = await t.request('/r/%E0%A4%A');
    expect(badEncoding.status).toBe(404);
  });

  it('sets the HttpOnly refstack_xid cookie on the shared registrable domain (track.acme.test -> www.acme.test)', async () => {
    const res = await t.raw(`/r/${ann.linkKey}`, { headers: { host: 'track.acme.test', 'user-agent': BROWSER_UA } });
    expect(res.status).toBe(302);
    const xid = new URL(res.headers.location!).searchParams.get('ps_xid');
    const cookies = res.headers['set-cookie'] ?? [];
    expect(cookies).toHaveLength(1);
    const cookie = cookies[0];
    expect(cookie).toContain(`refstack_xid=${xid}`);
    expect(cookie).toContain('Domain=acme.test');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain(`Max-Age=${90 * 86400}`);
    expect(cookie).not.toContain('Secure');
  });

  it('marks the cookie Secure behind an https proxy, and sets none for another site', async () => {
    const u = await startTestIngest({ trustProxy: true });
    try {
      const p = await partner(u, 'cat', 'https://www.acme.test/');
      const secure = await u.raw(`/r/${p.linkKey}`, { headers: { host: 'track.acme.test', 'x-forwarded-proto': 'https', 'user-agent': BROWSER_UA } });
      expect(secure.headers['set-cookie']?.[0]).toMatch(/; Secure/);
      const other = await u.raw(`/r/${p.linkKey}`, { headers: { host: 'track.other.test', 'user-agent': BROWSER_UA } });
      expect(other.headers['set-cookie']).toBeUndefined();
    } finally {
      await u.close();
    }
  });

  it('first_click keeps an existing live cookie of another partner; last_click overwrites it', async () => {
    const u = await startTestIngest({ attributionModel: 'first_click' });
    try {
      const a = await partner(u, 'ann', 'https://www.acme.test/');
      const b = await partner(u, 'bob', 'https://www.acme.test/');
      const headers = { host: 'track.acme.test', 'user-agent': BROWSER_UA };
      const first = await u.raw(`/r/${a.linkKey}`, { headers });
      const annXid = new URL(first.headers.location!).searchParams.get('ps_xid')!;
      const second = await u.raw(`/r/${b.linkKey}`, { headers: { ...headers, cookie: `refstack_xid=${annXid}` } });
      expect(second.status).toBe(302);
      expect(second.headers['set-cookie']).toBeUndefined();
      // Still counted as a click of bob.
      expect(u.db.get<{ n: number }>("SELECT count(*) n FROM click c JOIN partner p ON p.id = c.partner_id WHERE p.key = 'bob'")!.n).toBe(1);
      // Same partner again: refreshed.
      const again = await u.raw(`/r/${a.linkKey}`, { headers: { ...headers, cookie: `refstack_xid=${annXid}` } });
      expect(again.headers['set-cookie']?.[0]).toContain('refstack_xid=rx_');
      // After the window the old cookie no longer holds.
      u.clock.advanceDays(91);
      const later = await u.raw(`/r/${b.linkKey}`, { headers: { ...headers, cookie: `refstack_xid=${annXid}` } });
      expect(later.headers['set-cookie']?.[0]).toContain('refstack_xid=rx_');

      await u.api('/v1/program', { method: 'PATCH', body: { attributionModel: 'last_click' } });
      const fresh = await u.raw(`/r/${a.linkKey}`, { headers });
      const freshXid = new URL(fresh.headers.location!).searchParams.get('ps_xid')!;
      const overwrite = await u.raw(`/r/${b.linkKey}`, { headers: { ...headers, cookie: `refstack_xid=${freshXid}` } });
      expect(overwrite.headers['set-cookie']?.[0]).toContain('refstack_xid=rx_');
    } finally {
      await u.close();
    }
  });

  it('sets a host-only cookie when ingest and destination are the same localhost', async () => {
    const u = await startTestIngest();
    try {
      const p = await partner(u, 'dan', 'http://localhost:3000/');
      const res = await u.raw(`/r/${p.linkKey}`, { headers: { host: 'localhost:8787', 'user-agent': BROWSER_UA } });
      const cookie = res.headers['set-cookie']?.[0] ?? '';
      expect(cookie).toContain('refstack_xid=rx_');
      expect(cookie).not.toContain('Domain=');
      const ip = await u.raw(`/r/${p.linkKey}`, { headers: { host: '127.0.0.1:8787', 'user-agent': BROWSER_UA } });
      expect(ip.headers['set-cookie']).toBeUndefined();
    } finally {
      await u.close();
    }
  });

  it('rate limits per IP per minute with 429 and Retry-After', async () => {
    const u = await startTestIngest({ rateLimitPerMinute: 3 });
    try {
      const p = await partner(u, 'eve', 'https://www.acme.test/');
      u.clock.set(Math.floor(u.clock.now() / 60_000) * 60_000 + 1_000);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await u.request(`/r/${p.linkKey}`, { headers: { 'user-agent': BROWSER_UA } })).status);
      expect(statuses).toEqual([302, 302, 302, 429]);
      const limited = await u.request(`/r/${p.linkKey}`, { headers: { 'user-agent': BROWSER_UA } });
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(limited.headers.get('retry-after')).toBe('59');
      expect(u.db.get<{ n: number }>('SELECT count(*) n FROM click')!.n).toBe(3);
      // Server routes are not limited.
      expect((await u.api('/v1/partners/eve')).status).toBe(200);
      u.clock.advance(60_000);
      expect((await u.request(`/r/${p.linkKey}`, { headers: { 'user-agent': BROWSER_UA } })).status).toBe(302);
    } finally {
      await u.close();
    }
  });
});
