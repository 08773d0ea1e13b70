// Partners and links over real HTTP: creation with its first link, keys, groups, tags,
// conflicts, validation, listing and the detail view; the secret key is required.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../ingest/domain/events.js';
import { startTestIngest, type TestIngest } from '../helpers/ingest.js';

let t: TestIngest;
const events: DomainEvent[] = [];
beforeAll(async () => {
  t = await startTestIngest({ publicUrl: 'https://track.vendor.test', defaultDestination: 'https://www.vendor.test/pricing' });
  t.ctx.bus.on((_db, e) => events.push(e));
});
afterAll(() => t.close());

const count = (sql: string, ...params: unknown[]) => (t.db.get<{ n: number }>(sql, ...params) as { n: number }).n;

describe('POST /v1/partners', () => {
  it('creates a partner with one link, the default group, tags, and emits partner.created in the same write', async () => {
    const before = events.length;
    const res = await t.api('/v1/partners', { body: { email: 'Ann@Partner.test', name: 'Ann Partner', key: 'ann', tags: ['blog', 'eu', 'blog'] } });
    expect(res.status).toBe(201);
    const p = res.body.partner;
    expect(p).toMatchObject({ key: 'ann', email: 'Ann@Partner.test', name: 'Ann Partner', groupKey: 'default', tags: ['blog', 'eu'] });
    expect(new Date(p.createdAt).getTime()).toBe(t.clock.now());
    expect(p.links).toHaveLength(1);
    expect(p.links[0].linkKey).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(p.links[0].url).toBe(`https://track.vendor.test/r/${p.links[0].linkKey}`);
    expect(p.links[0].destination).toBe('https://www.vendor.test/pricing');
    expect(count('SELECT count(*) n FROM link l JOIN partner p ON p.id = l.partner_id WHERE p.key = ?', 'ann')).toBe(1);
    const created = events.slice(before);
    expect(created.map((e) => e.type)).toEqual(['partner.created']);
    expect(created[0].ids.partnerId).toBeTypeOf('number');
    expect((created[0].data.partner as { key: string }).key).toBe('ann');
  });

  it('generates a key from the name when none is given', async () => {
    const res = await t.api('/v1/partners', { body: { email: 'bob@partner.test', name: 'Bob & Co. Ltd' } });
    expect(res.status).toBe(201);
    expect(res.body.partner.key).toMatch(/^bob-co-ltd-[a-z0-9]{6}$/);
  });

  it('answers 409 naming the field for a taken key or email (email case-insensitively)', async () => {
    const key = await t.api('/v1/partners', { body: { email: 'other@partner.test', name: 'X', key: 'ann' } });
    expect(key.status).toBe(409);
    expect(key.body.error.field).toBe('key');
    const email = await t.api('/v1/partners', { body: { email: 'ANN@partner.TEST', name: 'X' } });
    expect(email.status).toBe(409);
    expect(email.body.error).toMatchObject({ field: 'email' });
    expect(count("SELECT count(*) n FROM partner WHERE email LIKE 'ann@partner.test'")).toBe(1);
  });

  it('answers 422 for an unknown group, invalid values and unknown fields', async () => {
    const group = await t.api('/v1/partners', { body: { email: 'g@partner.test', name: 'G', groupKey: 'nope' } });
    expect(group.status).toBe(422);
    expect(group.body.error.field).toBe('groupKey');
    const bad = await t.api('/v1/partners', { body: { email: 'not-an-email', name: 'G' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: 'invalid_value', field: 'email' });
    const badKey = await t.api('/v1/partners', { body: { email: 'k@partner.test', name: 'G', key: '-bad key' } });
    expect(badKey.status).toBe(422);
    expect(badKey.body.error.field).toBe('key');
    const wrongType = await t.api('/v1/partners', { body: { email: 'k@partner.test', name: 12 } });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.error.field).toBe('name');
    const unknown = await t.api('/v1/partners', { body: { email: 'k@partner.test', name: 'G', colour: 'red' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_field', field: 'colour' });
    expect(count("SELECT count(*) n FROM partner WHERE email IN ('g@partner.test', 'k@partner.test')")).toBe(0);
  });

  it('answers 400 for malformed JSON and a non-object body, 413 over 256 KB', async () => {
    const malformed = await t.api('/v1/partners', { body: '{"email":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_json');
    const array = await t.api('/v1/partners', { body: '[1,2]' });
    expect(array.status).toBe(400);
    const huge = await t.api('/v1/partners', { body: { email: 'h@partner.test', name: 'x'.repeat(300_000) } });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('body_too_large');
  });

  it('requires the secret key: none, a publishable key or an unknown key -> 401', async () => {
    for (const key of [null, t.keys.publishableKey, 'sk_live_unknownunknown', 'garbage']) {
      const res = await t.api('/v1/partners', { key, body: { email: 'z@partner.test', name: 'Z' } });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toMatch(/missing_key|wrong_key_type|invalid_key/);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe('GET /v1/partners and /v1/partners/:key', () => {
  it('lists newest first and pages with limit / startingAfter', async () => {
    for (const i of [1, 2, 3]) await t.api('/v1/partners', { body: { email: `list${i}@partner.test`, name: `L${i}`, key: `list-${i}` } });
    const first = await t.api('/v1/partners?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.partners.map((p: { key: string }) => p.key)).toEqual(['list-3', 'list-2']);
    expect(first.body.hasMore).toBe(true);
    const next = await t.api('/v1/partners?limit=2&startingAfter=list-2');
    expect(next.body.partners.map((p: { key: string }) => p.key)[0]).toBe('list-1');
    const all = await t.api('/v1/partners');
    expect(all.body.hasMore).toBe(false);
    expect(all.body.partners.length).toBe(count('SELECT count(*) n FROM partner'));
  });

  it('answers 422 for a limit out of range or an unknown startingAfter', async () => {
    for (const q of ['limit=0', 'limit=1001', 'limit=abc', 'limit=1e400', 'startingAfter=nobody']) {
      const res = await t.api(`/v1/partners?${q}`);
      expect(res.status, q).toBe(422);
      expect(res.body.error.field).toBe(q.split('=')[0]);
    }
  });

  it('shows one partner with balances and stats', async () => {
    const res = await t.api('/v1/partners/ann');
    expect(res.status).toBe(200);
    expect(res.body.partner).toMatchObject({ key: 'ann', groupKey: 'default' });
    expect(Array.isArray(res.body.partner.balances)).toBe(true);
    expect(res.body.partner.stats).toEqual({ clicks: 0, customers: 0, revenue: 0, revenueByCurrency: [] });
  });

  it('answers 404 for an unknown partner, also with bad percent-encoding', async () => {
    expect((await t.api('/v1/partners/nobody')).status).toBe(404);
    const weird = await t.api('/v1/partners/%E0%A4%A');
    expect(weird.status).toBe(404);
    expect(weird.body.error.code).toBe('partner_not_found');
  });
});

describe('POST /v1/partners/:key/links', () => {
  it('creates another link with a given or the default destination', async () => {
    const res = await t.api('/v1/partners/ann/links', { body: { destination: 'https://www.vendor.test/blog?x=1' } });
    expect(res.status).toBe(201);
    expect(res.body.link).toMatchObject({ destination: 'https://www.vendor.test/blog?x=1' });
    expect(res.body.link.url).toBe(`https://track.vendor.test/r/${res.body.link.linkKey}`);
    const dflt = await t.api('/v1/partners/ann/links', { body: {} });
    expect(dflt.status).toBe(201);
    expect(dflt.body.link.destination).toBe('https://www.vendor.test/pricing');
    const partner = await t.api('/v1/partners/ann');
    expect(partner.body.partner.links).toHaveLength(3);
  });

  it('answers 422 for a non-http(s) destination and 404 for an unknown partner', async () => {
    for (const destination of ['javascript:alert(1)', 'ftp://x.test/', 'not a url', 42]) {
      const res = await t.api('/v1/partners/ann/links', { body: { destination } });
      expect(res.status).toBe(422);
      expect(res.body.error.field).toBe('destination');
    }
    expect((await t.api('/v1/partners/nobody/links', { body: {} })).status).toBe(404);
  });
});

describe('link URLs without a public URL', () => {
  it('use the request origin', async () => {
    const u = await startTestIngest();
    try {
      const res = await u.api('/v1/partners', { body: { email: 'o@partner.test', name: 'O' } });
      expect(res.body.partner.links[0].url).toBe(`${u.url}/r/${res.body.partner.links[0].linkKey}`);
      expect(res.body.partner.links[0].destination).toBe(`${u.url}/`);
    } finally {
      await u.close();
    }
  });
});
