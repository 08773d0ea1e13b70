// Customers from the vendor's backend (secret key): create (idempotent), read, list, page;
// partner stats follow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIngest, type TestIngest } from '../helpers/ingest.js';

let t: TestIngest;
beforeAll(async () => {
  t = await startTestIngest();
  await t.api('/v1/partners', { body: { email: 'ann@partner.test', name: 'Ann', key: 'ann' } });
});
afterAll(() => t.close());

describe('POST /v1/customers', () => {
  it('creates (201) then answers retries with the same customer (200), one row', async () => {
    const xid = (await t.browser('/v1/clicks', { partnerKey: 'ann', url: 'https://www.acme.test/' })).body.xid;
    const body = { customerKey: 'srv-1', email: 'srv1@cust.test', name: 'Srv', xid, metadata: { crm: 42 } };
    const first = await t.api('/v1/customers', { body });
    expect(first.status).toBe(201);
    expect(first.body.customer).toMatchObject({ key: 'srv-1', partnerKey: 'ann', xid, metadata: { crm: 42 } });
    const again = await t.api('/v1/customers', { body });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(t.db.get<{ n: number }>("SELECT count(*) n FROM customer WHERE key = 'srv-1'")!.n).toBe(1);
  });

  it('rejects unknown fields (422 unknown_field), bad values (422) and the publishable key (401)', async () => {
    const unknown = await t.api('/v1/customers', { body: { customerKey: 'x', email: 'x@cust.test', key: 'pk_x' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_field', field: 'key' });
    const missing = await t.api('/v1/customers', { body: { email: 'x@cust.test' } });
    expect(missing.status).toBe(422);
    expect(missing.body.error.field).toBe('customerKey');
    const long = await t.api('/v1/customers', { body: { customerKey: 'x'.repeat(256), email: 'x@cust.test' } });
    expect(long.status).toBe(422);
    const pk = await t.api('/v1/customers', { key: t.keys.publishableKey, body: { customerKey: 'x', email: 'x@cust.test' } });
    expect(pk.status).toBe(401);
    expect(t.db.get<{ n: number }>("SELECT count(*) n FROM customer WHERE key = 'x'")!.n).toBe(0);
  });
});

describe('GET /v1/customers', () => {
  it('reads one customer, 404 for an unknown key (any encoding)', async () => {
    const res = await t.api('/v1/customers/srv-1');
    expect(res.status).toBe(200);
    expect(res.body.customer).toMatchObject({ key: 'srv-1', email: 'srv1@cust.test', partnerKey: 'ann' });
    const encoded = await t.api('/v1/customers', { body: { customerKey: 'a b/ü', email: 'ab@cust.test' } });
    expect(encoded.status).toBe(201);
    expect((await t.api(`/v1/customers/${encodeURIComponent('a b/ü')}`)).body.customer.key).toBe('a b/ü');
    expect((await t.api('/v1/customers/nobody')).status).toBe(404);
    expect((await t.api('/v1/customers/%E0%A4%A')).status).toBe(404);
  });

  it('lists newest first with hasMore and pages on startingAfter', async () => {
    for (const i of [1, 2, 3]) await t.api('/v1/customers', { body: { customerKey: `page-${i}`, email: `p${i}@cust.test` } });
    const first = await t.api('/v1/customers?limit=2');
    expect(first.body.customers.map((c: { key: string }) => c.key)).toEqual(['page-3', 'page-2']);
    expect(first.body.hasMore).toBe(true);
    const keys: string[] = [];
    let after: string | undefined;
    for (;;) {
      const res = await t.api(`/v1/customers?limit=2${after ? `&startingAfter=${encodeURIComponent(after)}` : ''}`);
      keys.push(...res.body.customers.map((c: { key: string }) => c.key));
      if (!res.body.hasMore) break;
      after = keys[keys.length - 1];
    }
    expect(keys).toEqual(['page-3', 'page-2', 'page-1', 'a b/ü', 'srv-1']);
  });

  it('answers 422 for a bad limit or an unknown startingAfter', async () => {
    for (const q of ['limit=0', 'limit=5000', 'limit=-1', 'limit=2.5', 'startingAfter=nobody']) {
      const res = await t.api(`/v1/customers?${q}`);
      expect(res.status, q).toBe(422);
      expect(res.body.error.field).toBe(q.split('=')[0]);
    }
  });

  it('feeds partner stats', async () => {
    const res = await t.api('/v1/partners/ann');
    expect(res.body.partner.stats).toMatchObject({ clicks: 1, customers: 1 });
  });
});
