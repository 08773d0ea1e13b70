// POST /v1/transactions: idempotent on the vendor's key (one row, one reward, the same
// answer), credited to the customer's partner, validated into SPEC-shaped 4xx errors.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { harness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
  await h.partner('alice');
  await h.offer({ key: 'ten', name: '10 %', event: 'transaction.created', bps: 1000 });
});
afterAll(() => h.close());

describe('idempotency on the transaction key', () => {
  test('the same transaction twice -> 201 then 200 with the same JSON, one row, one reward', async () => {
    await h.customer('idem-1', 'alice');
    const first = await h.txn('idem-t1', 'idem-1', 4000);
    expect(first.status).toBe(201);
    expect(first.body.rewards).toHaveLength(1);
    expect(first.body.rewards[0]).toMatchObject({ partnerKey: 'alice', amount: 400, currency: 'USD', status: 'pending', offer: { key: 'ten' }, source: { type: 'transaction', key: 'idem-t1' } });
    const again = await h.txn('idem-t1', 'idem-1', 4000);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(h.count("SELECT count(*) FROM txn WHERE key = 'idem-t1'")).toBe(1);
    expect(h.count("SELECT count(*) FROM reward WHERE source_type = 'transaction' AND source_id = (SELECT id FROM txn WHERE key = 'idem-t1')")).toBe(1);
  });

  test('twenty concurrent posts of one key over HTTP -> one 201, nineteen 200, one reward, identical bodies', async () => {
    await h.customer('idem-2', 'alice');
    const replies = await Promise.all(Array.from({ length: 20 }, () => h.txn('idem-race', 'idem-2', 2500)));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(19);
    for (const r of replies) expect(r.body).toEqual(replies[0].body);
    expect(replies[0].body.rewards.map((r: any) => r.amount)).toEqual([250]);
    expect(h.count("SELECT count(*) FROM reward WHERE source_id = (SELECT id FROM txn WHERE key = 'idem-race') AND source_type = 'transaction'")).toBe(1);
  });

  test('concurrent in-process requests (app.request) -> one reward', async () => {
    await h.customer('idem-3', 'alice');
    const post = () =>
      h.app.request('/v1/transactions', {
        method: 'POST',
        headers: { authorization: `Bearer ${h.keys.secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ key: 'idem-inproc', customerKey: 'idem-3', amount: 999, currency: 'USD' }),
      });
    const replies = await Promise.all(Array.from({ length: 10 }, post));
    const bodies = await Promise.all(replies.map((r) => r.text()));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]).rewards[0].amount).toBe(100); // 99.9 -> 100
  });

  test('the same key with a different body -> 409 idempotency_conflict, nothing changes', async () => {
    await h.customer('idem-4', 'alice');
    expect((await h.txn('idem-t4', 'idem-4', 1000)).status).toBe(201);
    for (const change of [{ amount: 1001 }, { currency: 'EUR' }, { productKey: 'pro' }]) {
      const r = await h.txn('idem-t4', 'idem-4', 1000, change);
      expect(r.status).toBe(409);
      expect(r.body).toEqual({ error: { code: 'idempotency_conflict', message: expect.any(String), field: 'key' } });
    }
    expect(h.count("SELECT count(*) FROM reward WHERE source_id = (SELECT id FROM txn WHERE key = 'idem-t4') AND source_type = 'transaction'")).toBe(1);
  });
});

describe('crediting', () => {
  test('a customer nobody referred: the transaction is recorded, no reward', async () => {
    await h.customer('organic-1', null);
    const r = await h.txn('organic-t1', 'organic-1', 5000);
    expect(r.status).toBe(201);
    expect(r.body.transaction).toMatchObject({ key: 'organic-t1', partnerKey: null, amount: 5000, type: 'sale' });
    expect(r.body.rewards).toEqual([]);
  });

  test('a self-referral (the partner buys through its own link) earns nothing', async () => {
    const res = await h.api('/v1/customers', { body: { customerKey: 'self-1', email: 'alice@partners.test', partnerKey: 'alice' } });
    expect(res.status).toBe(201);
    const r = await h.txn('self-t1', 'self-1', 5000);
    expect(r.status).toBe(201);
    expect(r.body.transaction.partnerKey).toBe(null);
    expect(r.body.rewards).toEqual([]);
  });

  test('GET /v1/transactions/:key and the list (newest first, filter by partner, paging)', async () => {
    const one = await h.api('/v1/transactions/idem-t1');
    expect(one.status).toBe(200);
    expect(one.body.transaction).toMatchObject({ key: 'idem-t1', amount: 4000, refunded: 0 });
    expect(one.body.rewards.map((r: any) => r.amount)).toEqual([400]);
    const page1 = await h.api('/v1/transactions?partnerKey=alice&limit=2');
    expect(page1.body.transactions.map((t: any) => t.key)).toEqual(['idem-t4', 'idem-inproc']);
    expect(page1.body.hasMore).toBe(true);
    const page2 = await h.api('/v1/transactions?partnerKey=alice&limit=10&startingAfter=idem-inproc');
    expect(page2.body.transactions.map((t: any) => t.key)).toEqual(['idem-race', 'idem-t1']);
    expect(page2.body.hasMore).toBe(false);
    expect((await h.api('/v1/transactions/nope')).status).toBe(404);
  });
});

describe('bad input -> SPEC-shaped 4xx, never a 500', () => {
  const cases: [string, unknown, number, string, string?][] = [
    ['unknown customer', { key: 'e1', customerKey: 'ghost', amount: 100, currency: 'USD' }, 404, 'customer_not_found', 'customerKey'],
    ['lowercase currency', { key: 'e2', customerKey: 'idem-1', amount: 100, currency: 'usd' }, 422, 'invalid_value', 'currency'],
    ['unknown currency', { key: 'e3', customerKey: 'idem-1', amount: 100, currency: 'ABC' }, 422, 'invalid_value', 'currency'],
    ['fractional amount', { key: 'e4', customerKey: 'idem-1', amount: 10.5, currency: 'USD' }, 422, 'invalid_value', 'amount'],
    ['amount as string', { key: 'e5', customerKey: 'idem-1', amount: '100', currency: 'USD' }, 422, 'invalid_value', 'amount'],
    ['amount too large', { key: 'e6', customerKey: 'idem-1', amount: 1e12 + 1, currency: 'USD' }, 422, 'invalid_value', 'amount'],
    ['amount 1e300', { key: 'e7', customerKey: 'idem-1', amount: 1e300, currency: 'USD' }, 422, 'invalid_value', 'amount'],
    ['zero amount', { key: 'e8', customerKey: 'idem-1', amount: 0, currency: 'USD' }, 422, 'invalid_value', 'amount'],
    ['missing key', { customerKey: 'idem-1', amount: 100, currency: 'USD' }, 422, 'invalid_value', 'key'],
    ['unknown field', { key: 'e9', customerKey: 'idem-1', amount: 100, currency: 'USD', tip: 1 }, 422, 'unknown_field', 'tip'],
    ['an array body', [1, 2], 400, 'invalid_json'],
    ['not JSON', '{"key": ', 400, 'invalid_json'],
  ];
  test.each(cases)('%s', async (_name, body, status, code, field) => {
    const r = await h.api('/v1/transactions', { body });
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBe(code);
    if (field) expect(r.body.error.field).toBe(field);
    expect(typeof r.body.error.message).toBe('string');
  });

  test('no secret key -> 401; a publishable key -> 401', async () => {
    expect((await h.api('/v1/transactions', { key: null, body: {} })).status).toBe(401);
    expect((await h.api('/v1/transactions', { key: h.keys.publishableKey, body: {} })).status).toBe(401);
  });
});
