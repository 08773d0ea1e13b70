// The browser endpoints over real HTTP: publishable key, allowed origins and exact-origin
// CORS, preflight, body parsing (text/plain beacons), size cap, clicks, signups, identify.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../ingest/domain/events.js';
import { BROWSER_UA, startTestIngest, type TestIngest } from '../helpers/ingest.js';

const ORIGIN = 'https://www.acme.test';
let t: TestIngest;
const events: DomainEvent[] = [];

beforeAll(async () => {
  t = await startTestIngest({ allowedOrigins: [ORIGIN, 'https://app.acme.test'] });
  t.ctx.bus.on((_db, e) => events.push(e));
  await t.api('/v1/partners', { body: { email: 'ann@partner.test', name: 'Ann', key: 'ann' } });
});
afterAll(() => t.close());

const count = (sql: string, ...params: unknown[]) => t.db.get<{ n: number }>(sql, ...params)!.n;

describe('keys, origins and CORS', () => {
  it('rejects a missing, unknown or secret key with 401 (and never shows a secret key in the answer)', async () => {
    const body = { customerKey: 'k1', email: 'k1@cust.test' };
    const none = await t.browser('/v1/signups', body, { key: null, origin: ORIGIN });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('missing_key');
    const secret = await t.browser('/v1/signups', body, { key: t.keys.secretKey, origin: ORIGIN });
    expect(secret.status).toBe(401);
    expect(secret.body.error.code).toBe('wrong_key_type');
    expect(JSON.stringify(secret.body)).not.toContain(t.keys.secretKey);
    const unknown = await t.browser('/v1/signups', body, { key: 'pk_live_nope', origin: ORIGIN });
    expect(unknown.status).toBe(401);
    // The error is readable by the allowed page.
    expect(unknown.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(count("SELECT count(*) n FROM customer WHERE key = 'k1'")).toBe(0);
  });

  it('accepts the key in the body field "key"', async () => {
    const res = await t.browser('/v1/signups', { key: t.keys.publishableKey, customerKey: 'body-key', email: 'b@cust.test' }, { key: null, origin: ORIGIN });
    expect(res.status).toBe(201);
  });

  it('answers 403 origin_not_allowed for an origin outside the list, without CORS headers', async () => {
    const res = await t.browser('/v1/signups', { customerKey: 'evil', email: 'e@cust.test' }, { origin: 'https://evil.test' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('origin_not_allowed');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const nullOrigin = await t.browser('/v1/signups', { customerKey: 'evil', email: 'e@cust.test' }, { origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    expect(count("SELECT count(*) n FROM customer WHERE key = 'evil'")).toBe(0);
  });

  it('lets requests without an Origin through (servers, curl)', async () => {
    const res = await t.browser('/v1/signups', { customerKey: 'no-origin', email: 'n@cust.test' });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('echoes an allowed origin with credentials and Vary: Origin', async () => {
    const res = await t.browser('/v1/signups', { customerKey: 'cors', email: 'c@cust.test' }, { origin: 'https://app.acme.test' });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.acme.test');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it('answers the preflight with 204 for an allowed origin and 403 otherwise', async () => {
    for (const path of ['/v1/clicks', '/v1/signups', '/v1/identify']) {
      const ok = await t.request(path, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-refstack-key' } });
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
      expect(ok.headers.get('access-control-allow-methods')).toBe('POST');
      expect(ok.headers.get('access-control-allow-headers')).toBe('Content-Type, X-Refstack-Key');
      expect(ok.headers.get('access-control-max-age')).toBe('86400');
      const bad = await t.request(path, { method: 'OPTIONS', headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' } });
      expect(bad.status).toBe(403);
      expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('never puts CORS headers on server routes', async () => {
    const res = await t.api('/v1/customers', { headers: { origin: ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await t.request('/v1/customers', { method: 'OPTIONS', headers: { origin: ORIGIN } });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('accepts any origin when the program has no list', async () => {
    const u = await startTestIngest();
    try {
      const res = await u.browser('/v1/signups', { customerKey: 'x', email: 'x@cust.test' }, { origin: 'https://anything.test' });
      expect(res.status).toBe(201);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://anything.test');
      const pre = await u.request('/v1/signups', { method: 'OPTIONS', headers: { origin: 'https://anything.test' } });
      expect(pre.status).toBe(204);
    } finally {
      await u.close();
    }
  });
});

describe('bodies', () => {
  it('reads a text/plain body (sendBeacon)', async () => {
    const res = await t.browser('/v1/signups', JSON.stringify({ customerKey: 'beacon', email: 'beacon@cust.test' }), { origin: ORIGIN, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    expect(res.status).toBe(201);
    expect(res.body.customer.key).toBe('beacon');
  });

  it('answers 400 for malformed JSON, an empty body or a non-object', async () => {
    for (const body of ['{"customerKey":', '', 'null', '"str"', '[]']) {
      const res = await t.browser('/v1/signups', body, { origin: ORIGIN });
      expect(res.status, body).toBe(400);
      expect(res.body.error.code).toMatch(/invalid_json/);
    }
  });

  it('answers 413 over 16 KB, declared or streamed', async () => {
    const big = { customerKey: 'big', email: 'big@cust.test', metadata: { x: 'y'.repeat(17_000) } };
    const res = await t.browser('/v1/signups', big, { origin: ORIGIN });
    expect(res.status).toBe(413);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const chunks = [JSON.stringify(big)];
    const stream = new ReadableStream({
      pull(ctrl) {
        const next = chunks.shift();
        if (next) ctrl.enqueue(new TextEncoder().encode(next));
        else ctrl.close();
      },
    });
    const streamed = await fetch(`${t.url}/v1/signups`, { method: 'POST', body: stream, headers: { 'x-refstack-key': t.keys.publishableKey }, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(count("SELECT count(*) n FROM customer WHERE key = 'big'")).toBe(0);
  });

  it('ignores unknown fields on browser routes but rejects wrong types with 422 naming the field', async () => {
    const extra = await t.browser('/v1/signups', { customerKey: 'extra', email: 'extra@cust.test', futureField: 1 }, { origin: ORIGIN });
    expect(extra.status).toBe(201);
    for (const [body, field] of [
      [{ customerKey: 5, email: 'a@b.test' }, 'customerKey'],
      [{ customerKey: 'x' }, 'email'],
      [{ customerKey: 'x', email: 'nope' }, 'email'],
      [{ customerKey: '', email: 'a@b.test' }, 'customerKey'],
      [{ customerKey: 'x', email: 'a@b.test', metadata: [1] }, 'metadata'],
    ] as const) {
      const res = await t.browser('/v1/signups', body, { origin: ORIGIN });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.field).toBe(field);
    }
  });
});

describe('POST /v1/clicks', () => {
  it('records a script click (201) and returns the model; a known xid answers 200 without a new click', async () => {
    const before = count('SELECT count(*) n FROM click');
    const res = await t.browser('/v1/clicks', { partnerKey: 'ann', url: 'https://www.acme.test/?ps_partner_key=ann', referrer: 'https://ref.test/' }, { origin: ORIGIN, headers: { 'user-agent': BROWSER_UA } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ xid: expect.stringMatching(/^rx_/), partnerKey: 'ann', cookieWindowDays: 90, attributionModel: 'last_click' });
    expect(count("SELECT count(*) n FROM click WHERE source = 'script' AND xid = ?", res.body.xid)).toBe(1);
    const again = await t.browser('/v1/clicks', { partnerKey: 'ann', url: 'https://www.acme.test/', xid: res.body.xid }, { origin: ORIGIN });
    expect(again.status).toBe(200);
    expect(again.body.xid).toBe(res.body.xid);
    expect(count('SELECT count(*) n FROM click')).toBe(before + 1);
  });

  it('resolves a base64 / base64url key and a link key to the partner', async () => {
    const linkKey = (await t.api('/v1/partners/ann')).body.partner.links[0].linkKey;
    for (const partnerKey of [Buffer.from('ann').toString('base64'), 'YW5u', linkKey]) {
      const res = await t.browser('/v1/clicks', { partnerKey, url: 'https://www.acme.test/' }, { origin: ORIGIN });
      expect(res.status).toBe(201);
      expect(res.body.partnerKey).toBe('ann');
    }
  });

  it('answers 404 partner_not_found for an unknown partner', async () => {
    const res = await t.browser('/v1/clicks', { partnerKey: 'nobody', url: 'https://www.acme.test/' }, { origin: ORIGIN });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'partner_not_found', field: 'partnerKey' });
  });

  it('sets refstack_xid when the page origin shares the ingest root domain', async () => {
    const body = JSON.stringify({ partnerKey: 'ann', url: 'https://www.acme.test/' });
    const res = await t.raw('/v1/clicks', { method: 'POST', body, headers: { host: 'track.acme.test', origin: ORIGIN, 'x-refstack-key': t.keys.publishableKey, 'content-type': 'application/json' } });
    expect(res.status).toBe(201);
    const cookie = res.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toContain(`refstack_xid=${JSON.parse(res.text).xid}`);
    expect(cookie).toContain('Domain=acme.test');
    expect(cookie).toContain('HttpOnly');
  });
});

describe('POST /v1/signups', () => {
  it('creates one customer, retries answer 200 with the same customer, and emits customer.created once', async () => {
    const click = await t.browser('/v1/clicks', { partnerKey: 'ann', url: 'https://www.acme.test/' }, { origin: ORIGIN });
    const before = events.length;
    const body = { customerKey: 'cust-1', email: 'cust1@cust.test', name: 'Cust One', xid: click.body.xid, metadata: { plan: 'pro' } };
    const first = await t.browser('/v1/signups', body, { origin: ORIGIN });
    expect(first.status).toBe(201);
    expect(first.body.customer).toEqual({
      key: 'cust-1',
      email: 'cust1@cust.test',
      name: 'Cust One',
      partnerKey: 'ann',
      xid: click.body.xid,
      createdAt: new Date(t.clock.now()).toISOString(),
      metadata: { plan: 'pro' },
      selfReferral: false,
      attributedAt: new Date(t.clock.now()).toISOString(),
    });
    const retry = await t.browser('/v1/signups', body, { origin: ORIGIN });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(count("SELECT count(*) n FROM customer WHERE key = 'cust-1'")).toBe(1);
    const mine = events.slice(before);
    expect(mine.map((e) => e.type)).toEqual(['customer.created']);
    expect(mine[0].ids).toMatchObject({ customerId: expect.any(Number), partnerId: expect.any(Number), clickId: expect.any(Number) });
  });

  it('20 concurrent identical signups make one row and one answer', async () => {
    const before = events.length;
    const body = { customerKey: 'race', email: 'race@cust.test', partnerKey: 'ann' };
    const replies = await Promise.all(Array.from({ length: 20 }, () => t.browser('/v1/signups', body, { origin: ORIGIN })));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(19);
    for (const r of replies) expect(r.body).toEqual(replies[0].body);
    expect(count("SELECT count(*) n FROM customer WHERE key = 'race'")).toBe(1);
    expect(events.slice(before).filter((e) => e.type === 'customer.created')).toHaveLength(1);
  });

  it('creates an unreferred customer with partnerKey null and still emits customer.created', async () => {
    const before = events.length;
    const res = await t.browser('/v1/signups', { customerKey: 'plain', email: 'plain@cust.test' }, { origin: ORIGIN });
    expect(res.status).toBe(201);
    expect(res.body.customer).toMatchObject({ partnerKey: null, xid: null, attributedAt: null, selfReferral: false });
    expect(events.slice(before)).toMatchObject([{ type: 'customer.created', ids: { partnerId: null } }]);
  });

  it('reads the server cookie refstack_xid', async () => {
    const click = await t.browser('/v1/clicks', { partnerKey: 'ann', url: 'https://www.acme.test/' }, { origin: ORIGIN });
    const res = await t.browser('/v1/signups', { customerKey: 'cookie-only', email: 'co@cust.test' }, { origin: ORIGIN, headers: { cookie: `refstack_xid=${click.body.xid}` } });
    expect(res.body.customer).toMatchObject({ partnerKey: 'ann', xid: click.body.xid });
  });
});

describe('POST /v1/identify', () => {
  it('creates a missing customer (201, email optional) and attributes a pending referral later, once', async () => {
    const created = await t.browser('/v1/identify', { customerKey: 'idf' }, { origin: ORIGIN });
    expect(created.status).toBe(201);
    expect(created.body.customer).toMatchObject({ key: 'idf', email: null, partnerKey: null });
    const before = events.length;
    const click = await t.browser('/v1/clicks', { partnerKey: 'ann', url: 'https://www.acme.test/' }, { origin: ORIGIN });
    const attributed = await t.browser('/v1/identify', { customerKey: 'idf', email: 'idf@cust.test', xid: click.body.xid }, { origin: ORIGIN });
    expect(attributed.status).toBe(200);
    expect(attributed.body.customer).toMatchObject({ partnerKey: 'ann', xid: click.body.xid, email: 'idf@cust.test' });
    expect(events.slice(before).map((e) => e.type)).toEqual(['customer.attributed']);

    await t.api('/v1/partners', { body: { email: 'bob@partner.test', name: 'Bob', key: 'bob' } });
    const bobClick = await t.browser('/v1/clicks', { partnerKey: 'bob', url: 'https://www.acme.test/' }, { origin: ORIGIN });
    const never = await t.browser('/v1/identify', { customerKey: 'idf', xid: bobClick.body.xid }, { origin: ORIGIN });
    expect(never.status).toBe(200);
    expect(never.body.customer.partnerKey).toBe('ann');
    expect(events.slice(before).filter((e) => e.type === 'customer.attributed')).toHaveLength(1);
  });

  it('a repeated signup of an unattributed customer with a referral attributes it', async () => {
    await t.browser('/v1/signups', { customerKey: 'late', email: 'late@cust.test' }, { origin: ORIGIN });
    const res = await t.browser('/v1/signups', { customerKey: 'late', email: 'late@cust.test', partnerKey: 'ann' }, { origin: ORIGIN });
    expect(res.status).toBe(200);
    expect(res.body.customer.partnerKey).toBe('ann');
  });
});

describe('rate limit on browser routes', () => {
  it('answers 429 rate_limited with Retry-After and CORS headers', async () => {
    const u = await startTestIngest({ rateLimitPerMinute: 2 });
    try {
      u.clock.set(Math.floor(u.clock.now() / 60_000) * 60_000);
      const send = () => u.browser('/v1/identify', { customerKey: 'r' }, { origin: ORIGIN });
      expect((await send()).status).toBe(201);
      expect((await send()).status).toBe(200);
      const limited = await send();
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(limited.headers.get('retry-after')).toBe('60');
      expect(limited.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    } finally {
      await u.close();
    }
  });

  it('counts per X-Forwarded-For client (its last entry) only behind a trusted proxy', async () => {
    const u = await startTestIngest({ rateLimitPerMinute: 1, trustProxy: true });
    try {
      u.clock.set(Math.floor(u.clock.now() / 60_000) * 60_000);
      const send = (xff: string) => u.browser('/v1/identify', { customerKey: 'r' }, { headers: { 'x-forwarded-for': xff } });
      expect((await send('203.0.113.9, 198.51.100.1')).status).toBe(201);
      // Same proxy-seen client, a spoofed first entry: still limited.
      expect((await send('192.0.2.77, 198.51.100.1')).status).toBe(429);
      expect((await send('198.51.100.2')).status).toBe(200);
    } finally {
      await u.close();
    }
    const v = await startTestIngest({ rateLimitPerMinute: 1 });
    try {
      v.clock.set(Math.floor(v.clock.now() / 60_000) * 60_000);
      expect((await v.browser('/v1/identify', { customerKey: 'r' }, { headers: { 'x-forwarded-for': '198.51.100.1' } })).status).toBe(201);
      expect((await v.browser('/v1/identify', { customerKey: 'r' }, { headers: { 'x-forwarded-for': '198.51.100.2' } })).status).toBe(429);
    } finally {
      await v.close();
    }
  });
});
