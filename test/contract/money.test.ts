// SPEC "Money", transactions, offers, rewards, payouts, partner balances and stats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorShape, startRefstack, uid, type Instance } from './harness';

let rs: Instance;
beforeAll(async () => { rs = await startRefstack(); });
afterAll(async () => { await rs?.stop(); });

/** A group of its own per test so that offers (scoped by groupKey) do not leak between tests. */
async function setup() {
  const g = await rs.api('POST', '/v1/groups', { name: uid('Group'), key: uid('g') });
  expect(g.status).toBe(201);
  const groupKey = g.body.group?.key ?? g.body.key;
  const key = uid('p');
  const p = await rs.api('POST', '/v1/partners', { email: `${key}@p.test`, name: key, key, groupKey });
  expect(p.status).toBe(201);
  expect(p.body.partner.groupKey).toBe(groupKey);
  return { groupKey, partnerKey: key };
}
async function offer(body: Record<string, unknown>) {
  const r = await rs.api('POST', '/v1/offers', { name: uid('Offer'), ...body });
  expect(r.status, r.text).toBe(201);
  expect(r.body.offer).toBeTruthy();
  return r.body.offer;
}
async function customer(partnerKey: string | null) {
  const ck = uid('cus');
  const r = await rs.api('POST', '/v1/customers', { customerKey: ck, email: `${ck}@c.test`, ...(partnerKey ? { partnerKey } : {}) });
  expect(r.status).toBe(201);
  return ck;
}
const tx = (customerKey: string, amount: number, key = uid('order'), currency = 'USD') =>
  rs.api('POST', '/v1/transactions', { customerKey, amount, currency, key });
const rewards = async (partnerKey: string) => {
  const r = await rs.api('GET', `/v1/rewards?partnerKey=${partnerKey}&limit=1000`);
  expect(r.status).toBe(200);
  return r.body.rewards as any[];
};
const detail = async (partnerKey: string) => (await rs.api('GET', `/v1/partners/${partnerKey}`)).body.partner;
const bal = (p: any, currency = 'USD') => p.balances.find((b: any) => b.currency === currency) ?? { pending: 0, approved: 0, paid: 0 };

describe('SPEC Money and offers', () => {
  it('"Reward = round-half-away-from-zero of amount x bps / 10000"', async () => {
    const { groupKey, partnerKey } = await setup();
    await offer({ event: 'transaction.created', bps: 2500, groupKey });
    const ck = await customer(partnerKey);
    // amount -> amount*0.25: 2 -> 0.5 -> 1; 6 -> 1.5 -> 2; 10 -> 2.5 -> 3; 4000 -> 1000; 4003 -> 1000.75 -> 1001; 4002 -> 1000.5 -> 1001
    const cases: [number, number][] = [[2, 1], [6, 2], [10, 3], [4000, 1000], [4003, 1001], [4002, 1001], [9, 2]];
    for (const [amount, want] of cases) {
      const r = await tx(ck, amount);
      expect(r.status).toBe(201);
      expect(r.body.transaction).toBeTruthy();
      expect(r.body.rewards.map((w: any) => w.amount), `amount ${amount}`).toEqual([want]);
      expect(r.body.rewards[0]).toMatchObject({ partnerKey, currency: 'USD' });
    }
  });

  it('bps 1000 = 10%; flat amount+currency offer on customer.created; offers scoped by groupKey', async () => {
    const { groupKey, partnerKey } = await setup();
    const other = await setup();
    await offer({ event: 'customer.created', amount: 500, currency: 'USD', groupKey });
    await offer({ event: 'transaction.created', bps: 1000, groupKey });
    const ck = await customer(partnerKey);
    const t = await tx(ck, 4000);
    expect(t.body.rewards.map((w: any) => w.amount)).toEqual([400]);
    const list = await rewards(partnerKey);
    expect(list.map((w) => w.amount).sort((a, b) => a - b)).toEqual([400, 500]);
    for (const w of list) {
      for (const f of ['id', 'partnerKey', 'amount', 'currency', 'status', 'offer', 'source']) expect(w, f).toHaveProperty(f);
      expect(w.partnerKey).toBe(partnerKey);
      expect(w.currency).toBe('USD');
    }
    // a partner outside the group gets nothing
    const ck2 = await customer(other.partnerKey);
    await tx(ck2, 4000);
    expect(await rewards(other.partnerKey)).toEqual([]);
  });

  it('a customer not referred earns no reward', async () => {
    const { groupKey } = await setup();
    await offer({ event: 'transaction.created', bps: 1000, groupKey });
    const ck = await customer(null);
    const t = await tx(ck, 4000);
    expect(t.status).toBe(201);
    expect(t.body.rewards).toEqual([]);
  });

  it('an offer is "flat amount+currency, or percentage bps": neither, or amount without currency -> 422', async () => {
    expectErrorShape(await rs.api('POST', '/v1/offers', { name: 'x', event: 'customer.created' }), 422);
    expectErrorShape(await rs.api('POST', '/v1/offers', { name: 'x', event: 'customer.created', amount: 500 }), 422);
    expectErrorShape(await rs.api('POST', '/v1/offers', { name: 'x', event: 'nope.created', bps: 10 }), 422);
  });
});

describe('SPEC Transactions', () => {
  it('"the same key again returns 200 with the first result (a different body: 409)"', async () => {
    const { groupKey, partnerKey } = await setup();
    await offer({ event: 'transaction.created', bps: 1000, groupKey });
    const ck = await customer(partnerKey);
    const key = uid('order');
    const a = await tx(ck, 4000, key);
    expect(a.status).toBe(201);
    const b = await tx(ck, 4000, key);
    expect(b.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expectErrorShape(await tx(ck, 5000, key), 409);
    expect((await rewards(partnerKey)).length).toBe(1);
  });

  it('"A negative amount ... reverses the rewards it created"', async () => {
    const { groupKey, partnerKey } = await setup();
    await offer({ event: 'transaction.created', bps: 1000, groupKey });
    const ck = await customer(partnerKey);
    const sale = await tx(ck, 4000);
    expect(bal(await detail(partnerKey)).pending).toBe(400);
    const refund = await tx(ck, -4000);
    expect(refund.status).toBe(201);
    const b = bal(await detail(partnerKey));
    expect(b.pending + b.approved).toBe(0);
    const list = await rewards(partnerKey);
    const original = list.find((w) => w.id === sale.body.rewards[0].id);
    expect(original.status).not.toBe('pending');
  });

  it('"POST /v1/transactions/{key}/refund reverses the rewards it created"', async () => {
    const { groupKey, partnerKey } = await setup();
    await offer({ event: 'transaction.created', bps: 1000, groupKey });
    const ck = await customer(partnerKey);
    const key = uid('order');
    const sale = await tx(ck, 4000, key);
    expect(sale.body.rewards[0].amount).toBe(400);
    const r = await rs.api('POST', `/v1/transactions/${key}/refund`, {});
    expect(r.status).toBeGreaterThanOrEqual(200);
    expect(r.status).toBeLessThan(300);
    const b = bal(await detail(partnerKey));
    expect(b.pending + b.approved).toBe(0);
    const again = await rs.api('POST', `/v1/transactions/${key}/refund`, {});
    expect(again.status).toBeLessThan(500);
    const b2 = bal(await detail(partnerKey));
    expect(b2.pending + b2.approved).toBe(0);
  });
});

describe('SPEC Money: refunds round the same way', () => {
  it('a partial refund reverses its share, "round-half-away-from-zero" (-0.5 -> -1)', async () => {
    const { groupKey, partnerKey } = await setup();
    await offer({ event: 'transaction.created', bps: 2500, groupKey });
    const ck = await customer(partnerKey);
    const key = uid('order');
    expect((await tx(ck, 10, key)).body.rewards[0].amount).toBe(3);
    const r = await rs.api('POST', `/v1/transactions/${key}/refund`, { amount: 2 });
    expect(r.status).toBe(201);
    expect(r.body.rewards.map((w: any) => w.amount)).toEqual([-1]);
    expect(bal(await detail(partnerKey)).pending).toBe(2);
  });

  it('rewards list: newest first, startingAfter the last item\'s id', async () => {
    const { groupKey, partnerKey } = await setup();
    await offer({ event: 'transaction.created', bps: 1000, groupKey });
    const ck = await customer(partnerKey);
    const ids: string[] = [];
    for (const amount of [100, 200, 300]) ids.push((await tx(ck, amount)).body.rewards[0].id);
    const all = await rs.api('GET', `/v1/rewards?partnerKey=${partnerKey}`);
    expect(all.body.rewards.map((w: any) => w.id)).toEqual([...ids].reverse());
    const one = await rs.api('GET', `/v1/rewards?partnerKey=${partnerKey}&limit=1`);
    expect(one.body).toMatchObject({ hasMore: true });
    const next = await rs.api('GET', `/v1/rewards?partnerKey=${partnerKey}&limit=2&startingAfter=${one.body.rewards[0].id}`);
    expect(next.body.rewards.map((w: any) => w.id)).toEqual([ids[1], ids[0]]);
    expect(next.body.hasMore).toBe(false);
  });
});

describe('SPEC Partners: balances, stats and payouts', () => {
  it('"GET /v1/partners/{key} adds balances: [{ currency, pending, approved, paid }] and stats: { clicks, customers, revenue }"', async () => {
    const { groupKey, partnerKey } = await setup();
    await offer({ event: 'transaction.created', bps: 2000, groupKey });
    await rs.api('POST', '/v1/clicks', { partnerKey, url: 'http://www.acme.test/' }, { pk: true });
    const ck = await customer(partnerKey);
    await tx(ck, 4000);
    const p = await detail(partnerKey);
    expect(p.key).toBe(partnerKey);
    expect(p.links.length).toBeGreaterThan(0);
    expect(p.balances).toEqual([{ currency: 'USD', pending: 800, approved: 0, paid: 0 }]);
    expect(p.stats.clicks).toBe(1);
    expect(p.stats.customers).toBe(1);
    const rev = p.stats.revenue;
    if (typeof rev === 'number') expect(rev).toBe(4000);
    else expect(JSON.stringify(rev)).toMatch(/4000/);
  });

  it('"Approved rewards add up to a partner\'s balance; a Payout cashes the balance out and returns it to 0"', async () => {
    const { groupKey, partnerKey } = await setup();
    await offer({ event: 'customer.created', amount: 500, currency: 'USD', groupKey });
    await customer(partnerKey);
    await customer(partnerKey);
    const list = await rewards(partnerKey);
    expect(list).toHaveLength(2);
    for (const w of list) {
      const a = await rs.api('POST', `/v1/rewards/${w.id}/approve`, {});
      expect(a.status, a.text).toBeLessThan(300);
    }
    expect(bal(await detail(partnerKey))).toEqual({ currency: 'USD', pending: 0, approved: 1000, paid: 0 });
    const po = await rs.api('POST', '/v1/payouts', { partnerKey });
    expect(po.status, po.text).toBe(201);
    expect(JSON.stringify(po.body)).toMatch(/1000/);
    expect(bal(await detail(partnerKey))).toEqual({ currency: 'USD', pending: 0, approved: 0, paid: 1000 });
    expect((await rewards(partnerKey)).map((w) => w.status)).toEqual(['paid', 'paid']);
    // nothing left to pay: not a 500, and no money appears
    const again = await rs.api('POST', '/v1/payouts', { partnerKey });
    expect(again.status).toBeLessThan(500);
    expect(bal(await detail(partnerKey)).paid).toBe(1000);
  });

  // SPEC: "POST /v1/payouts { partnerKey } -> pays the approved balance out": with balances in two currencies, both.
  it('"POST /v1/payouts { partnerKey } -> pays the approved balance out" with balances in two currencies', async () => {
    const { groupKey, partnerKey } = await setup();
    await offer({ event: 'customer.created', amount: 500, currency: 'USD', groupKey });
    await offer({ event: 'customer.created', amount: 700, currency: 'EUR', groupKey });
    await customer(partnerKey);
    for (const w of await rewards(partnerKey)) await rs.api('POST', `/v1/rewards/${w.id}/approve`, {});
    const po = await rs.api('POST', '/v1/payouts', { partnerKey });
    expect(po.status, po.text).toBe(201);
    const p = await detail(partnerKey);
    expect(bal(p, 'USD')).toMatchObject({ approved: 0, paid: 500 });
    expect(bal(p, 'EUR')).toMatchObject({ approved: 0, paid: 700 });
  });

  it('payout for an unknown partner -> 404', async () => {
    expectErrorShape(await rs.api('POST', '/v1/payouts', { partnerKey: 'no_such_partner' }), 404);
  });
});
