// The API as a vendor's developer first meets it: curl with -d (form content type), POSTs
// with no body where every field is optional, and links created before any destination is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIngest, type TestIngest } from '../helpers/ingest.js';

describe('the API as a vendor calls it from a shell', () => {
  let t: TestIngest;
  beforeAll(async () => {
    t = await startTestIngest({ allowedOrigins: ['https://www.shop.test', 'https://app.shop.test'] });
  });
  afterAll(() => t.close());

  const curl = (path: string, body?: string) =>
    t.raw(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.keys.secretKey}`, 'content-type': 'application/x-www-form-urlencoded', ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
      body: body ?? '',
    });

  it('accepts a JSON body sent with curl -d (application/x-www-form-urlencoded)', async () => {
    const res = await curl('/v1/partners', JSON.stringify({ email: 'curl@p.test', name: 'Curl', key: 'curl' }));
    expect(res.status).toBe(201);
    expect(JSON.parse(res.text).partner.key).toBe('curl');
  });

  it('still answers a real form body with 400 in the error shape', async () => {
    const res = await curl('/v1/partners', 'email=a%40b.test&name=A');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({ error: { code: 'invalid_json', message: expect.any(String) } });
  });

  it('points a new link at the first allowed origin when no destination is configured', async () => {
    const res = await t.api('/v1/partners', { method: 'POST', body: { email: 'dest@p.test', name: 'Dest' } });
    expect(res.status).toBe(201);
    expect(res.body.partner.links[0].destination).toBe('https://www.shop.test/');
  });

  it('creates another link with an empty POST (all fields optional)', async () => {
    const res = await curl('/v1/partners/curl/links');
    expect(res.status).toBe(201);
    expect(JSON.parse(res.text).link).toEqual({ linkKey: expect.any(String), url: expect.stringContaining('/r/'), destination: 'https://www.shop.test/' });
  });

  it('refunds a transaction with an empty POST and reverses its reward once', async () => {
    await t.api('/v1/offers', { method: 'POST', body: { name: '10%', event: 'transaction.created', bps: 1000 } });
    await t.api('/v1/customers', { method: 'POST', body: { customerKey: 'cust-1', email: 'c1@x.test', partnerKey: 'curl' } });
    const sale = await t.api('/v1/transactions', { method: 'POST', body: { customerKey: 'cust-1', amount: 4000, currency: 'USD', key: 'order-1' } });
    expect(sale.status).toBe(201);
    expect(sale.body.rewards.map((r: { amount: number }) => r.amount)).toEqual([400]);

    const refund = await curl('/v1/transactions/order-1/refund');
    expect(refund.status).toBe(201);
    const rewards = await t.api('/v1/rewards?partnerKey=curl');
    expect(rewards.body.rewards.filter((r: { status: string }) => r.status === 'reversed')).toHaveLength(1);
    const again = await curl('/v1/transactions/order-1/refund');
    expect(again.status).toBe(422);
    const balances = (await t.api('/v1/partners/curl')).body.partner.balances;
    expect(balances.every((b: { pending: number; approved: number }) => b.pending === 0 && b.approved === 0)).toBe(true);
  });
});
