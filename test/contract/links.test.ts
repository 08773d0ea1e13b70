// SPEC "Link format": short links, direct links, base64 and legacy aliases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64, expectErrorShape, startRefstack, uid, type Instance } from './harness';

let rs: Instance;
beforeAll(async () => { rs = await startRefstack(); });
afterAll(async () => { await rs?.stop(); });

async function partner(extra: Record<string, unknown> = {}) {
  const key = uid('p');
  const r = await rs.api('POST', '/v1/partners', { email: `${key}@partners.test`, name: `Partner ${key}`, key, ...extra });
  expect(r.status).toBe(201);
  return r.body.partner;
}
async function link(partnerKey: string, destination: string) {
  const r = await rs.api('POST', `/v1/partners/${partnerKey}/links`, { destination });
  expect(r.status).toBe(201);
  return r.body.link as { linkKey: string; url: string; destination: string };
}
const clicks = async (key: string) => (await rs.api('GET', `/v1/partners/${key}`)).body.partner.stats.clicks;
const get = (path: string, ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36') =>
  fetch(rs.base + path, { redirect: 'manual', headers: { 'User-Agent': ua } });

describe('SPEC Link format: short link', () => {
  it('"GET {ingest}/r/{linkKey} records a Click and answers 302 to the link\'s destination with ps_partner_key={partnerKey}&ps_xid={clickId} appended (existing query and fragment kept)"', async () => {
    const p = await partner();
    const l = await link(p.key, 'http://www.acme.test/landing?utm_source=news&a=1#pricing');
    expect(l.destination).toBe('http://www.acme.test/landing?utm_source=news&a=1#pricing');
    const r = await get(`/r/${l.linkKey}`);
    expect(r.status).toBe(302);
    const loc = new URL(r.headers.get('location')!);
    expect(loc.origin + loc.pathname).toBe('http://www.acme.test/landing');
    expect(loc.searchParams.get('utm_source')).toBe('news');
    expect(loc.searchParams.get('a')).toBe('1');
    expect(loc.searchParams.get('ps_partner_key')).toBe(p.key);
    expect(loc.searchParams.get('ps_xid')).toBeTruthy();
    expect(loc.hash).toBe('#pricing');
    expect(await clicks(p.key)).toBe(1);
  });

  it('"every partner gets a link at once": the partner\'s own link url is a working short link', async () => {
    const p = await partner();
    expect(p.links).toHaveLength(1);
    const l = p.links[0];
    expect(typeof l.linkKey).toBe('string');
    expect(typeof l.destination).toBe('string');
    expect(new URL(l.url).pathname).toBe(`/r/${l.linkKey}`);
    const r = await get(`/r/${l.linkKey}`);
    expect(r.status).toBe(302);
    expect(new URL(r.headers.get('location')!).searchParams.get('ps_partner_key')).toBe(p.key);
  });

  it('a destination without a query gets "?ps_partner_key=...&ps_xid=..." and each click gets its own clickId', async () => {
    const p = await partner();
    const l = await link(p.key, 'http://www.acme.test/');
    const a = new URL((await get(`/r/${l.linkKey}`)).headers.get('location')!);
    const b = new URL((await get(`/r/${l.linkKey}`)).headers.get('location')!);
    expect(a.pathname).toBe('/');
    expect([...a.searchParams.keys()]).toEqual(['ps_partner_key', 'ps_xid']);
    expect(a.searchParams.get('ps_xid')).not.toBe(b.searchParams.get('ps_xid'));
    expect(await clicks(p.key)).toBe(2);
  });

  it('"existing query and fragment kept" byte for byte: encoded values, valueless params, a hash router\'s fragment', async () => {
    const p = await partner();
    const cases: [string, string][] = [
      ['http://www.acme.test/s?q=a%20b&x=%2F&y=a+b#f', 'http://www.acme.test/s?q=a%20b&x=%2F&y=a+b&ps_partner_key=KEY&ps_xid=XID#f'],
      ['http://www.acme.test/app#/signup?plan=pro', 'http://www.acme.test/app?ps_partner_key=KEY&ps_xid=XID#/signup?plan=pro'],
      ['http://www.acme.test/s?flag&a=1', 'http://www.acme.test/s?flag&a=1&ps_partner_key=KEY&ps_xid=XID'],
    ];
    for (const [dest, want] of cases) {
      const l = await link(p.key, dest);
      const loc = (await get(`/r/${l.linkKey}`)).headers.get('location')!;
      const xid = new URL(loc).searchParams.get('ps_xid')!;
      expect(loc).toBe(want.replace('KEY', p.key).replace('XID', xid));
    }
  });

  it('"every partner and every contact has its own Link. A Link resolves to its partner."', async () => {
    const p = await partner();
    const c = await rs.api('POST', `/v1/partners/${p.key}/contacts`, { email: `c_${p.key}@p.test`, name: 'Contact', key: uid('ct') });
    expect(c.status).toBe(201);
    const lk = c.body.contact.links[0].linkKey;
    expect(lk).not.toBe(p.links[0].linkKey);
    const r = await get(`/r/${lk}`);
    expect(r.status).toBe(302);
    expect(new URL(r.headers.get('location')!).searchParams.get('ps_partner_key')).toBe(p.key);
    expect(await clicks(p.key)).toBe(1);
  });

  it('"Unknown link: 404 page, no redirect."', async () => {
    const r = await get('/r/no_such_link_key_123');
    expect(r.status).toBe(404);
    expect(r.headers.get('location')).toBeNull();
    expect(r.headers.get('content-type') ?? '').toMatch(/html/);
  });

  it('"Bots (user agent) are redirected but not counted as clicks."', async () => {
    const p = await partner();
    const l = p.links[0];
    for (const ua of ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'curl/8.5.0', 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)']) {
      const r = await get(`/r/${l.linkKey}`, ua);
      expect(r.status).toBe(302);
      expect(new URL(r.headers.get('location')!).searchParams.get('ps_partner_key')).toBe(p.key);
    }
    expect(await clicks(p.key)).toBe(0);
  });
});

describe('SPEC Link format: direct links and PartnerStack migration', () => {
  it('"ps_partner_key may carry the key base64-encoded ... The ingest resolves which partner a value names" (POST /v1/clicks)', async () => {
    const p = await partner();
    const r = await rs.api('POST', '/v1/clicks', { partnerKey: b64(p.key), url: `http://www.acme.test/?ps_partner_key=${encodeURIComponent(b64(p.key))}` }, { pk: true });
    expect(r.status).toBe(201);
    expect(r.body.partnerKey).toBe(p.key);
    expect(typeof r.body.xid).toBe('string');
    expect(await clicks(p.key)).toBe(1);
  });

  it('plain key in POST /v1/clicks -> 201 { xid, partnerKey }', async () => {
    const p = await partner();
    const r = await rs.api('POST', '/v1/clicks', { partnerKey: p.key, url: 'http://www.acme.test/', referrer: 'https://blog.example/' }, { pk: true });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ partnerKey: p.key });
    expect(r.body.xid).toBeTruthy();
  });

  it('a base64 partnerKey on POST /v1/signups is resolved to the partner', async () => {
    const p = await partner();
    const ck = uid('cus');
    const r = await rs.api('POST', '/v1/signups', { customerKey: ck, email: `${ck}@x.test`, partnerKey: b64(p.key) }, { pk: true });
    expect(r.status).toBe(201);
    expect(r.body.customer.partnerKey).toBe(p.key);
  });

  it('a click for a partner key that names no partner is not a 500 (and not attributed)', async () => {
    const r = await rs.api('POST', '/v1/clicks', { partnerKey: 'nobody_at_all', url: 'http://www.acme.test/' }, { pk: true });
    expect(r.status).toBeLessThan(500);
    if (r.status >= 400) expectErrorShape(r, r.status);
    else expect(r.body.partnerKey ?? null).toBeNull();
  });

  it('the xid of a short-link click attributes a signup (clickId -> partner)', async () => {
    const p = await partner();
    const loc = new URL((await get(`/r/${p.links[0].linkKey}`)).headers.get('location')!);
    const xid = loc.searchParams.get('ps_xid')!;
    const ck = uid('cus');
    const r = await rs.api('POST', '/v1/signups', { customerKey: ck, email: `${ck}@x.test`, xid }, { pk: true });
    expect(r.status).toBe(201);
    expect(r.body.customer.partnerKey).toBe(p.key);
    expect(r.body.customer.xid).toBe(xid);
  });
});
