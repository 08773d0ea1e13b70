// SPEC "Keys", "HTTP API" (errors, lists, browser endpoints, customers, partners).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorShape, startRefstack, uid, type Instance } from './harness';

const ALLOWED = 'http://www.acme.test:8080';
let rs: Instance;
beforeAll(async () => { rs = await startRefstack({ REFSTACK_ALLOWED_ORIGINS: `${ALLOWED},http://app.acme.test:8080` }); });
afterAll(async () => { await rs?.stop(); });

const newPartner = async () => {
  const key = uid('p');
  const r = await rs.api('POST', '/v1/partners', { email: `${key}@p.test`, name: key, key });
  expect(r.status).toBe(201);
  return r.body.partner;
};

describe('SPEC Keys', () => {
  it('"A secret key never works in a browser endpoint\'s place" (401), in the header, the body or as a Bearer', async () => {
    const body = { customerKey: uid('c'), email: 'a@b.test' };
    expectErrorShape(await rs.api('POST', '/v1/signups', body, { key: null, headers: { 'X-Refstack-Key': rs.sk } }), 401);
    expectErrorShape(await rs.api('POST', '/v1/signups', { ...body, key: rs.sk }, { key: null }), 401);
    expectErrorShape(await rs.api('POST', '/v1/clicks', { partnerKey: 'x', url: 'http://www.acme.test/' }, { key: rs.sk }), 401);
  });
  it('"... or vice versa (401)": a publishable key on a server endpoint', async () => {
    expectErrorShape(await rs.api('GET', '/v1/customers', undefined, { key: null, headers: { Authorization: `Bearer ${rs.pk}` } }), 401);
    expectErrorShape(await rs.api('POST', '/v1/customers', { customerKey: uid('c'), email: 'a@b.test' }, { key: null, headers: { 'X-Refstack-Key': rs.pk } }), 401);
    expectErrorShape(await rs.api('POST', '/v1/partners', { email: 'a@b.test', name: 'A' }, { key: null, headers: { Authorization: `Bearer ${rs.pk}` } }), 401);
  });
  it('no key or a wrong key -> 401', async () => {
    expectErrorShape(await rs.api('GET', '/v1/partners', undefined, { key: null }), 401);
    expectErrorShape(await rs.api('GET', '/v1/partners', undefined, { key: 'sk_test_wrong' }), 401);
    expectErrorShape(await rs.api('POST', '/v1/clicks', { partnerKey: 'x', url: 'http://www.acme.test/' }, { key: null }), 401);
    expectErrorShape(await rs.api('POST', '/v1/clicks', { partnerKey: 'x', url: 'http://www.acme.test/' }, { key: 'pk_test_wrong' }), 401);
  });
  it('"publishable key in header X-Refstack-Key or body field key"', async () => {
    const p = await newPartner();
    const a = await rs.api('POST', '/v1/clicks', { partnerKey: p.key, url: 'http://www.acme.test/' }, { key: null, headers: { 'X-Refstack-Key': rs.pk } });
    expect(a.status).toBe(201);
    const b = await rs.api('POST', '/v1/clicks', { key: rs.pk, partnerKey: p.key, url: 'http://www.acme.test/' }, { key: null });
    expect(b.status).toBe(201);
  });
});

describe('SPEC Keys: allowed origins, CORS', () => {
  it('"only from the program\'s allowed origins": another Origin -> 403', async () => {
    const p = await newPartner();
    const r = await rs.api('POST', '/v1/clicks', { partnerKey: p.key, url: 'http://evil.test/' }, { pk: true, headers: { Origin: 'http://evil.test' } });
    expectErrorShape(r, 403);
    const r2 = await rs.api('POST', '/v1/signups', { customerKey: uid('c'), email: 'e@e.test' }, { pk: true, headers: { Origin: 'http://www.acme.test:8081' } });
    expectErrorShape(r2, 403);
  });
  it('an allowed Origin -> 201 with exact-origin CORS and credentials', async () => {
    const p = await newPartner();
    const r = await rs.api('POST', '/v1/clicks', { partnerKey: p.key, url: `${ALLOWED}/` }, { pk: true, headers: { Origin: ALLOWED } });
    expect(r.status).toBe(201);
    expect(r.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(r.headers.get('access-control-allow-credentials')).toBe('true');
  });
  it('a CORS preflight from an allowed origin is answered with exact-origin CORS', async () => {
    const r = await fetch(`${rs.base}/v1/signups`, { method: 'OPTIONS', headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-refstack-key' } });
    expect(r.status).toBeLessThan(300);
    expect(r.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect((r.headers.get('access-control-allow-headers') ?? '').toLowerCase()).toContain('x-refstack-key');
  });
  it('"Requests with no Origin header (servers, curl) are not subject to the origin check."', async () => {
    const p = await newPartner();
    const r = await rs.api('POST', '/v1/clicks', { partnerKey: p.key, url: 'http://www.acme.test/' }, { pk: true });
    expect(r.status).toBe(201);
  });
});

describe('SPEC HTTP API: errors', () => {
  it('400 (malformed)', async () => {
    expectErrorShape(await rs.api('POST', '/v1/customers', undefined, { raw: '{"customerKey": "a", ' }), 400);
    expectErrorShape(await rs.api('POST', '/v1/signups', undefined, { pk: true, raw: 'not json' }), 400);
  });
  it('422 (valid JSON, invalid values) naming the field', async () => {
    const r = await rs.api('POST', '/v1/customers', { customerKey: uid('c'), email: 'not-an-email' });
    expectErrorShape(r, 422);
    expect(r.body.error.field).toBe('email');
    const c = await rs.api('POST', '/v1/customers', { customerKey: uid('c'), email: 'ok@x.test' });
    expect(c.status).toBe(201);
    const t = await rs.api('POST', '/v1/transactions', { customerKey: c.body.customer.key, amount: 'forty', currency: 'USD', key: uid('o') });
    expectErrorShape(t, 422);
    expect(t.body.error.field).toBe('amount');
    const t2 = await rs.api('POST', '/v1/transactions', { customerKey: c.body.customer.key, amount: 40.5, currency: 'USD', key: uid('o') });
    expectErrorShape(t2, 422);
    const t3 = await rs.api('POST', '/v1/transactions', { customerKey: c.body.customer.key, amount: 4000, currency: 'DOLLARS', key: uid('o') });
    expectErrorShape(t3, 422);
    expect(t3.body.error.field).toBe('currency');
  });
  it('404', async () => {
    expectErrorShape(await rs.api('GET', '/v1/customers/no_such_customer'), 404);
    expectErrorShape(await rs.api('GET', '/v1/partners/no_such_partner'), 404);
    expectErrorShape(await rs.api('POST', '/v1/partners/no_such_partner/links', {}), 404);
    expectErrorShape(await rs.api('POST', '/v1/transactions/no_such_tx/refund', {}), 404);
  });
  it('409 (conflict): a partner key taken', async () => {
    const p = await newPartner();
    expectErrorShape(await rs.api('POST', '/v1/partners', { email: 'other@p.test', name: 'Other', key: p.key }), 409);
  });
  it('413 (body too large), on a server and a browser route', async () => {
    const big = JSON.stringify({ customerKey: 'c', email: 'a@b.test', name: 'x'.repeat(2_000_000) });
    expectErrorShape(await rs.api('POST', '/v1/customers', undefined, { raw: big }), 413);
    expectErrorShape(await rs.api('POST', '/v1/signups', undefined, { pk: true, raw: big }), 413);
  });
  it('"Never a 500 for bad input."', async () => {
    const bodies = ['[]', 'null', '"str"', '123', '{"customerKey":null,"email":null}', '{"customerKey":{"$gt":""},"email":[]}',
      '{"customerKey":"' + 'k'.repeat(5000) + '","email":"a@b.test"}', '{"__proto__":{"x":1},"customerKey":"c","email":"a@b.test"}',
      '{"customerKey":"c\\u0000","email":"a@b.test"}', '{"amount":1e400}'];
    const routes: [string, boolean][] = [['/v1/customers', false], ['/v1/signups', true], ['/v1/transactions', false], ['/v1/partners', false], ['/v1/offers', false], ['/v1/payouts', false], ['/v1/clicks', true]];
    for (const [path, pk] of routes) {
      for (const raw of bodies) {
        const r = await rs.api('POST', path, undefined, { pk, raw });
        expect(r.status, `${path} ${raw.slice(0, 40)} -> ${r.status} ${r.text.slice(0, 120)}`).toBeLessThan(500);
        if (r.status >= 400) expectErrorShape(r, r.status);
      }
    }
    for (const q of ['limit=-1', 'limit=abc', 'limit=99999999999999999999', 'startingAfter=nope', 'partnerKey=%00']) {
      for (const path of ['/v1/customers', '/v1/partners', '/v1/rewards']) {
        const r = await rs.api('GET', `${path}?${q}`);
        expect(r.status, `${path}?${q} -> ${r.status}`).toBeLessThan(500);
      }
    }
  });
});

describe('SPEC HTTP API: lists', () => {
  it('"{ <things>: [...], hasMore }, newest first, limit (default 100, at most 1000) and startingAfter (the last item\'s id or key)"', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 105; i++) {
      const k = `list_${String(i).padStart(3, '0')}_${uid('')}`;
      const r = await rs.api('POST', '/v1/customers', { customerKey: k, email: `${i}@list.test` });
      expect(r.status).toBe(201);
      keys.push(k);
    }
    const all = await rs.api('GET', '/v1/customers');
    expect(all.status).toBe(200);
    expect(Object.keys(all.body).sort()).toEqual(['customers', 'hasMore']);
    expect(all.body.customers).toHaveLength(100);
    expect(all.body.hasMore).toBe(true);
    const newest = [...keys].reverse();
    expect(all.body.customers.slice(0, 5).map((c: any) => c.key)).toEqual(newest.slice(0, 5));

    const p1 = await rs.api('GET', '/v1/customers?limit=2');
    expect(p1.body.customers.map((c: any) => c.key)).toEqual(newest.slice(0, 2));
    expect(p1.body.hasMore).toBe(true);
    const p2 = await rs.api('GET', `/v1/customers?limit=2&startingAfter=${encodeURIComponent(p1.body.customers[1].key)}`);
    expect(p2.body.customers.map((c: any) => c.key)).toEqual(newest.slice(2, 4));

    const big = await rs.api('GET', '/v1/customers?limit=1000');
    expect(big.status).toBe(200);
    expect(big.body.customers.length).toBeGreaterThanOrEqual(105);
    expect(big.body.hasMore).toBe(false);
    const over = await rs.api('GET', '/v1/customers?limit=1001');
    if (over.status === 200) expect(over.body.customers.length).toBeLessThanOrEqual(1000);
    else expectErrorShape(over, 422);
  });
  it('partners and rewards lists have the same shape', async () => {
    const a = await newPartner();
    const b = await newPartner();
    const r = await rs.api('GET', '/v1/partners?limit=2');
    expect(r.status).toBe(200);
    expect(r.body.partners.map((p: any) => p.key)).toEqual([b.key, a.key]);
    expect(r.body.hasMore).toBe(true);
    const n = await rs.api('GET', `/v1/partners?limit=1&startingAfter=${b.key}`);
    expect(n.body.partners.map((p: any) => p.key)).toEqual([a.key]);
    const rw = await rs.api('GET', `/v1/rewards?partnerKey=${a.key}`);
    expect(rw.status).toBe(200);
    expect(rw.body).toEqual({ rewards: [], hasMore: false });
  });
});

describe('SPEC HTTP API: customers and signups', () => {
  it('POST /v1/signups -> 201 { customer }, or 200 with the same customer when it already exists; partnerKey null when not referred', async () => {
    const ck = uid('cus');
    const body = { customerKey: ck, email: `${ck}@x.test`, name: 'Ada', metadata: { plan: 'pro' } };
    const a = await rs.api('POST', '/v1/signups', body, { pk: true });
    expect(a.status).toBe(201);
    expect(a.body.customer).toMatchObject({ key: ck, email: body.email, name: 'Ada', partnerKey: null });
    const b = await rs.api('POST', '/v1/signups', body, { pk: true });
    expect(b.status).toBe(200);
    expect(b.body.customer).toEqual(a.body.customer);
  });
  it('GET /v1/customers/{customerKey} -> { customer: { key, email, name, partnerKey, xid, createdAt } }', async () => {
    const p = await newPartner();
    const click = await rs.api('POST', '/v1/clicks', { partnerKey: p.key, url: 'http://www.acme.test/' }, { pk: true });
    const ck = uid('cus');
    await rs.api('POST', '/v1/signups', { customerKey: ck, email: `${ck}@x.test`, name: 'Bo', xid: click.body.xid }, { pk: true });
    const r = await rs.api('GET', `/v1/customers/${ck}`);
    expect(r.status).toBe(200);
    const c = r.body.customer;
    expect(c).toMatchObject({ key: ck, email: `${ck}@x.test`, name: 'Bo', partnerKey: p.key, xid: click.body.xid });
    expect(Number.isNaN(Date.parse(c.createdAt))).toBe(false);
    const n = await rs.api('POST', '/v1/customers', { customerKey: uid('cus'), email: 'n@x.test' });
    expect(n.body.customer.partnerKey).toBeNull();
  });
  it('POST /v1/customers — "as signups, from the vendor\'s backend": 201 then 200, attributed by partnerKey', async () => {
    const p = await newPartner();
    const ck = uid('cus');
    const a = await rs.api('POST', '/v1/customers', { customerKey: ck, email: `${ck}@x.test`, partnerKey: p.key });
    expect(a.status).toBe(201);
    expect(a.body.customer.partnerKey).toBe(p.key);
    const b = await rs.api('POST', '/v1/customers', { customerKey: ck, email: `${ck}@x.test`, partnerKey: p.key });
    expect(b.status).toBe(200);
    expect(b.body.customer.key).toBe(ck);
  });
  it('a signup is "Idempotent per customerKey": a later signup with a partner does not re-attribute', async () => {
    const p = await newPartner();
    const q = await newPartner();
    const ck = uid('cus');
    await rs.api('POST', '/v1/signups', { customerKey: ck, email: `${ck}@x.test`, partnerKey: p.key }, { pk: true });
    const again = await rs.api('POST', '/v1/signups', { customerKey: ck, email: `${ck}@x.test`, partnerKey: q.key }, { pk: true });
    expect(again.status).toBe(200);
    expect(again.body.customer.partnerKey).toBe(p.key);
  });
});

describe('SPEC HTTP API: partners', () => {
  it('POST /v1/partners -> 201 { partner: { key, email, name, groupKey, tags, links: [{ linkKey, url, destination }] } }', async () => {
    const r = await rs.api('POST', '/v1/partners', { email: 'auto@p.test', name: 'Auto Key', tags: ['vip'] });
    expect(r.status).toBe(201);
    const p = r.body.partner;
    expect(typeof p.key).toBe('string');
    expect(p.key.length).toBeGreaterThan(0);
    // "Partner belongs to one Group at a time": a default group is fine, the field must be there.
    expect(p).toMatchObject({ email: 'auto@p.test', name: 'Auto Key', tags: ['vip'] });
    expect('groupKey' in p).toBe(true);
    expect(p.links).toHaveLength(1);
    expect(Object.keys(p.links[0]).sort()).toEqual(expect.arrayContaining(['destination', 'linkKey', 'url']));
  });
  it('POST /v1/partners/{key}/links { destination? } -> 201 { link: { linkKey, url, destination } }', async () => {
    const p = await newPartner();
    const r = await rs.api('POST', `/v1/partners/${p.key}/links`, {});
    expect(r.status).toBe(201);
    expect(r.body.link.linkKey).not.toBe(p.links[0].linkKey);
    expect(typeof r.body.link.url).toBe('string');
    const d = await rs.api('POST', `/v1/partners/${p.key}/links`, { destination: 'http://www.acme.test/pricing' });
    expect(d.status).toBe(201);
    expect(d.body.link.destination).toBe('http://www.acme.test/pricing');
  });
});

describe('SPEC Words: groups, tags, segments', () => {
  it('"Partner belongs to one Group at a time, has Tags"; "Segments are partner lists defined by rules over tags, group, tier"', async () => {
    const g = await rs.api('POST', '/v1/groups', { name: 'Resellers', key: uid('grp') });
    expect(g.status).toBe(201);
    const groupKey = g.body.group.key;
    const a = await newPartner();
    const b = await newPartner();
    const mv = await rs.api('PUT', `/v1/partners/${a.key}/group`, { groupKey });
    expect(mv.status).toBeLessThan(300);
    expect((await rs.api('GET', `/v1/partners/${a.key}`)).body.partner.groupKey).toBe(groupKey);
    const tag = uid('tag');
    expect((await rs.api('POST', `/v1/partners/${a.key}/tags`, { tags: [tag] })).status).toBeLessThan(300);
    expect((await rs.api('POST', `/v1/partners/${b.key}/tags`, { tags: [tag] })).status).toBeLessThan(300);
    expect((await rs.api('GET', `/v1/partners/${b.key}`)).body.partner.tags).toEqual([tag]);
    const seg = await rs.api('POST', '/v1/segments', { name: 'tagged resellers', key: uid('seg'), match: 'all', rules: [{ field: 'tag', op: 'has', value: tag }, { field: 'group', op: 'eq', value: groupKey }] });
    expect(seg.status, seg.text).toBe(201);
    const members = await rs.api('GET', `/v1/segments/${seg.body.segment.key}/partners`);
    expect(members.status).toBe(200);
    expect(members.body.partners.map((p: any) => p.key)).toEqual([a.key]);
    expect((await rs.api('DELETE', `/v1/partners/${b.key}/tags`, { tags: [tag] })).status).toBeLessThan(300);
    expect((await rs.api('GET', `/v1/partners/${b.key}`)).body.partner.tags).toEqual([]);
    // a body value naming nothing: 404 or 422 both fit SPEC's list; the field must be named
    const bad = await rs.api('PUT', `/v1/partners/${a.key}/group`, { groupKey: 'no_such_group' });
    expect([404, 422]).toContain(bad.status);
    expectErrorShape(bad, bad.status);
    expect(bad.body.error.field).toBe('groupKey');
  });
});
