// Offers: flat and percentage, on customer.created / transaction.created (first only) /
// deal.won, with windows (spiffs), durations, caps, and group / tier targeting.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DAY_MS, harness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await harness();
  await h.partner('alice');
});
afterEach(() => h.close());

const amounts = (r: { body: { rewards: { amount: number; offer: { key: string } | null }[] } }) => r.body.rewards.map((x) => [x.offer?.key, x.amount]);

describe('offer kinds and events', () => {
  test('a flat offer on customer.created rewards once per customer, in its own currency', async () => {
    await h.offer({ key: 'signup', name: 'Signup bounty', event: 'customer.created', amount: 2500, currency: 'EUR' });
    await h.customer('c1', 'alice');
    // the same customer again (idempotent signup) does not reward again
    expect((await h.api('/v1/customers', { body: { customerKey: 'c1', email: 'c1@customers.test', partnerKey: 'alice' } })).status).toBe(200);
    const rewards = await h.rewards('alice');
    expect(rewards).toEqual([expect.objectContaining({ amount: 2500, currency: 'EUR', offer: { key: 'signup', name: 'Signup bounty' }, source: { type: 'customer', key: 'c1' } })]);
    await h.customer('c2', null);
    expect(await h.rewards('alice')).toHaveLength(1);
  });

  test('a customer attributed later (identify) earns the customer.created offer then, once', async () => {
    await h.offer({ key: 'signup', name: 'Signup', event: 'customer.created', amount: 1000, currency: 'USD' });
    await h.customer('late', null);
    expect(await h.rewards('alice')).toHaveLength(0);
    const before = h.count('SELECT count(*) FROM reward');
    // Attribute through the core (customer.attributed); the same offer must not fire twice.
    const { attributeCustomer } = await import('../../ingest/store/customers.js');
    h.db.tx(() => {
      const cu = h.db.get<{ id: number }>("SELECT id FROM customer WHERE key = 'late'")!;
      attributeCustomer(h.db, cu.id, 1, null, h.clock.now());
      for (let i = 0; i < 2; i++) h.ctx.bus.emit(h.db, { type: 'customer.attributed', programId: 1, at: h.clock.now(), ids: { customerId: cu.id, partnerId: 1 }, data: {} });
    });
    expect(h.count('SELECT count(*) FROM reward') - before).toBe(1);
  });

  test('percentage and flat offers on one sale; firstOnly only on the first sale', async () => {
    await h.offer({ key: 'pct', name: '20 %', event: 'transaction.created', bps: 2000 });
    await h.offer({ key: 'first', name: 'First purchase bonus', event: 'transaction.created', amount: 500, currency: 'USD', firstOnly: true });
    await h.customer('c1', 'alice');
    expect(amounts(await h.txn('t1', 'c1', 1999))).toEqual([
      ['pct', 400], // 399.8 -> 400
      ['first', 500],
    ]);
    expect(amounts(await h.txn('t2', 'c1', 1000))).toEqual([['pct', 200]]);
    const eur = await h.txn('t3', 'c1', 333, { currency: 'EUR' });
    expect(eur.body.rewards.map((r: any) => [r.amount, r.currency])).toEqual([[67, 'EUR']]); // 66.6 -> 67, in the sale's currency
  });

  test('a tiny sale whose percentage rounds to 0 creates no reward row', async () => {
    await h.offer({ key: 'pct', name: '1 %', event: 'transaction.created', bps: 100 });
    await h.customer('c1', 'alice');
    expect((await h.txn('tiny', 'c1', 49)).body.rewards).toEqual([]); // 0.49 -> 0
    expect(amounts(await h.txn('half', 'c1', 50))).toEqual([['pct', 1]]); // 0.5 -> 1
  });

  test('deal.won: bps of the deal amount, flat in the offer currency, once; lost deals earn nothing', async () => {
    await h.offer({ key: 'deal-pct', name: 'Co-sell 5 %', event: 'deal.won', bps: 500 });
    await h.offer({ key: 'deal-flat', name: 'Deal bonus', event: 'deal.won', amount: 10000, currency: 'USD' });
    const d = await h.api('/v1/deals', { body: { partnerKey: 'alice', key: 'acme-deal', name: 'Acme Corp', amount: 1_234_567, currency: 'USD' } });
    expect(d.status).toBe(201);
    expect(d.body.deal).toMatchObject({ key: 'acme-deal', type: 'deal', status: 'open', partnerKey: 'alice' });
    expect((await h.api('/v1/deals', { body: { partnerKey: 'alice', key: 'acme-deal', name: 'Acme Corp', amount: 1_234_567, currency: 'USD' } })).status).toBe(200);
    const won = await h.api('/v1/deals/acme-deal', { method: 'PATCH', body: { status: 'won' } });
    expect(won.body.deal.status).toBe('won');
    expect((await h.api('/v1/deals/acme-deal', { method: 'PATCH', body: { status: 'won' } })).status).toBe(200);
    expect((await h.api('/v1/deals/acme-deal', { method: 'PATCH', body: { status: 'lost' } })).body.error.code).toBe('deal_closed');
    expect((await h.rewards('alice')).map((r) => [r.offer.key, r.amount, r.source.type])).toEqual([
      ['deal-flat', 10000, 'deal'],
      ['deal-pct', 61728, 'deal'], // 61728.35 -> 61728
    ]);
    await h.api('/v1/leads', { body: { partnerKey: 'alice', key: 'lead-1', email: 'buyer@prospect.test', company: 'Prospect' } });
    await h.api('/v1/deals/lead-1', { method: 'PATCH', body: { status: 'lost' } });
    expect(await h.rewards('alice')).toHaveLength(2);
    // a lead closed as won with its value (lead-pass) earns the deal.won offers
    await h.api('/v1/leads', { body: { partnerKey: 'alice', key: 'lead-2', email: 'b2@prospect.test' } });
    await h.api('/v1/deals/lead-2', { method: 'PATCH', body: { status: 'won', amount: 20000, currency: 'USD' } });
    expect((await h.rewards('alice')).slice(0, 2).map((r) => [r.offer.key, r.amount])).toEqual([
      ['deal-flat', 10000],
      ['deal-pct', 1000],
    ]);
    expect((await h.api('/v1/leads?partnerKey=alice')).body.leads.map((l: any) => [l.key, l.status])).toEqual([
      ['lead-2', 'won'],
      ['lead-1', 'lost'],
    ]);
  });
});

describe('windows, duration, caps', () => {
  test('a time-boxed offer (spiff) rewards only in [startsAt, endsAt)', async () => {
    const now = h.clock.now();
    const startsAt = new Date(now + DAY_MS).toISOString();
    const endsAt = new Date(now + 8 * DAY_MS).toISOString();
    await h.offer({ key: 'spiff', name: 'Holiday spiff', event: 'transaction.created', amount: 1000, currency: 'USD', startsAt, endsAt });
    await h.customer('c1', 'alice');
    expect(amounts(await h.txn('before', 'c1', 100))).toEqual([]);
    h.clock.set(Date.parse(startsAt));
    expect(amounts(await h.txn('at-start', 'c1', 100))).toEqual([['spiff', 1000]]);
    h.clock.set(Date.parse(endsAt) - 1);
    expect(amounts(await h.txn('last-ms', 'c1', 100))).toEqual([['spiff', 1000]]);
    h.clock.set(Date.parse(endsAt));
    expect(amounts(await h.txn('at-end', 'c1', 100))).toEqual([]);
  });

  test('durationMonths: recurring for N calendar months after the customer was created', async () => {
    h.clock.set(Date.UTC(2025, 0, 31, 10));
    await h.offer({ key: 'rec', name: '30 % for 2 months', event: 'transaction.created', bps: 3000, durationMonths: 2 });
    await h.customer('c1', 'alice');
    expect(amounts(await h.txn('m0', 'c1', 1000))).toEqual([['rec', 300]]);
    h.clock.set(Date.UTC(2025, 2, 31, 9, 59, 59, 999)); // 2 months later, minus 1 ms
    expect(amounts(await h.txn('m2-', 'c1', 1000))).toEqual([['rec', 300]]);
    h.clock.set(Date.UTC(2025, 2, 31, 10));
    expect(amounts(await h.txn('m2', 'c1', 1000))).toEqual([]);
  });

  test('maxPerCustomer and maxPerPartner count live rewards of the offer', async () => {
    await h.offer({ key: 'cust2', name: 'First two', event: 'transaction.created', amount: 100, currency: 'USD', maxPerCustomer: 2 });
    await h.offer({ key: 'part3', name: 'Three per partner', event: 'transaction.created', amount: 7, currency: 'USD', maxPerPartner: 3 });
    await h.customer('c1', 'alice');
    await h.customer('c2', 'alice');
    expect(amounts(await h.txn('a', 'c1', 10))).toEqual([['cust2', 100], ['part3', 7]]);
    expect(amounts(await h.txn('b', 'c1', 10))).toEqual([['cust2', 100], ['part3', 7]]);
    expect(amounts(await h.txn('c', 'c1', 10))).toEqual([['part3', 7]]);
    expect(amounts(await h.txn('d', 'c2', 10))).toEqual([['cust2', 100]]);
    // a reversed reward frees its place under the cap
    await h.api('/v1/transactions/d/refund', { body: {} });
    expect(amounts(await h.txn('e', 'c2', 10))).toEqual([['cust2', 100]]);
    expect(amounts(await h.txn('f', 'c2', 10))).toEqual([['cust2', 100]]);
    expect(amounts(await h.txn('g', 'c2', 10))).toEqual([]);
  });

  test('an archived offer stops rewarding; PATCH changes the window', async () => {
    await h.offer({ key: 'x', name: 'X', event: 'transaction.created', amount: 100, currency: 'USD' });
    await h.customer('c1', 'alice');
    const off = await h.api('/v1/offers/x', { method: 'PATCH', body: { status: 'archived', name: 'X (old)' } });
    expect(off.body.offer).toMatchObject({ status: 'archived', name: 'X (old)', amount: 100 });
    expect(amounts(await h.txn('t', 'c1', 10))).toEqual([]);
    expect((await h.api('/v1/offers/x', { method: 'PATCH', body: { amount: 5 } })).body.error.code).toBe('unknown_field');
    expect((await h.api('/v1/offers/x', { method: 'PATCH', body: { startsAt: '2030-01-01T00:00:00Z', endsAt: '2029-01-01T00:00:00Z' } })).status).toBe(422);
  });
});

describe('targeting', () => {
  test('a group offer rewards only partners in that group', async () => {
    expect((await h.api('/v1/groups', { body: { key: 'vip', name: 'VIP' } })).status).toBe(201);
    await h.offer({ key: 'vip', name: 'VIP 50 %', event: 'transaction.created', bps: 5000, groupKey: 'vip' });
    await h.partner('bob', { groupKey: 'vip' });
    await h.customer('ca', 'alice');
    await h.customer('cb', 'bob');
    expect(amounts(await h.txn('ta', 'ca', 1000))).toEqual([]);
    expect(amounts(await h.txn('tb', 'cb', 1000))).toEqual([['vip', 500]]);
    // moving alice into the group unlocks it for her
    expect((await h.api('/v1/partners/alice/group', { method: 'PUT', body: { groupKey: 'vip' } })).body.partner.groupKey).toBe('vip');
    expect(amounts(await h.txn('ta2', 'ca', 1000))).toEqual([['vip', 500]]);
  });

  test('a tier promotion unlocks the tier offer; the crossing sale already earns it', async () => {
    const silver = await h.api('/v1/tiers', { body: { key: 'silver', name: 'Silver', metric: 'revenue', threshold: 10000, currency: 'USD' } });
    expect(silver.body.tier).toMatchObject({ key: 'silver', rank: 1 });
    await h.api('/v1/tiers', { body: { key: 'gold', name: 'Gold', metric: 'revenue', threshold: 50000, currency: 'USD' } });
    await h.offer({ key: 'base', name: 'Base 10 %', event: 'transaction.created', bps: 1000 });
    await h.offer({ key: 'silver-bonus', name: 'Silver +5 %', event: 'transaction.created', bps: 500, tierKey: 'silver' });
    await h.offer({ key: 'gold-bonus', name: 'Gold +10 %', event: 'transaction.created', bps: 1000, tierKey: 'gold' });
    await h.customer('c1', 'alice');
    expect(amounts(await h.txn('t1', 'c1', 9999))).toEqual([['base', 1000]]);
    expect(amounts(await h.txn('t2', 'c1', 1))).toEqual([]); // crosses 10000 -> silver; 5 % of 1 rounds to 0
    expect(h.db.raw.prepare("SELECT t.key FROM partner p JOIN tier t ON t.id = p.tier_id WHERE p.key = 'alice'").pluck().get()).toBe('silver');
    expect(amounts(await h.txn('t3', 'c1', 1000))).toEqual([['base', 100], ['silver-bonus', 50]]); // silver applies to silver and above
    expect(amounts(await h.txn('t4', 'c1', 40000))).toEqual([['base', 4000], ['silver-bonus', 2000], ['gold-bonus', 4000]]); // crosses 50000: gold
    const tiers = await h.api('/v1/tiers');
    expect(tiers.body.tiers.map((t: any) => t.key)).toEqual(['silver', 'gold']);
  });

  test('a customers tier over a period', async () => {
    await h.api('/v1/tiers', { body: { key: 'connector', name: 'Connector', metric: 'customers', threshold: 2, periodDays: 30 } });
    await h.offer({ key: 'conn', name: 'Connector bounty', event: 'customer.created', amount: 300, currency: 'USD', tierKey: 'connector' });
    await h.customer('c1', 'alice');
    h.clock.advance(31 * DAY_MS);
    await h.customer('c2', 'alice'); // c1 is out of the 30-day window: 1 customer
    expect(await h.rewards('alice')).toEqual([]);
    await h.customer('c3', 'alice'); // 2 in the window -> promoted; c3 itself earns the bounty
    expect((await h.rewards('alice')).map((r) => [r.offer.key, r.source.key])).toEqual([['conn', 'c3']]);
  });
});

describe('offer validation', () => {
  const bad: [string, Record<string, unknown>, string, string][] = [
    ['both flat and bps', { name: 'x', event: 'transaction.created', amount: 100, currency: 'USD', bps: 100 }, 'invalid_value', 'bps'],
    ['neither', { name: 'x', event: 'transaction.created' }, 'invalid_value', 'amount'],
    ['flat without currency', { name: 'x', event: 'transaction.created', amount: 100 }, 'invalid_value', 'currency'],
    ['bps on customer.created', { name: 'x', event: 'customer.created', bps: 100 }, 'invalid_value', 'bps'],
    ['bps over 100 %', { name: 'x', event: 'transaction.created', bps: 10001 }, 'invalid_value', 'bps'],
    ['firstOnly on a deal', { name: 'x', event: 'deal.won', bps: 100, firstOnly: true }, 'invalid_value', 'firstOnly'],
    ['unknown event', { name: 'x', event: 'click.created', bps: 100 }, 'invalid_value', 'event'],
    ['unknown group', { name: 'x', event: 'transaction.created', bps: 100, groupKey: 'nope' }, 'unknown_group', 'groupKey'],
    ['unknown tier', { name: 'x', event: 'transaction.created', bps: 100, tierKey: 'nope' }, 'unknown_tier', 'tierKey'],
    ['bad date', { name: 'x', event: 'transaction.created', bps: 100, startsAt: 'tomorrow' }, 'invalid_value', 'startsAt'],
    ['negative flat', { name: 'x', event: 'transaction.created', amount: -1, currency: 'USD' }, 'invalid_value', 'amount'],
  ];
  test.each(bad)('%s -> 422', async (_n, body, code, field) => {
    const r = await h.api('/v1/offers', { body });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code, field });
  });

  test('a taken key -> 409; list and get', async () => {
    await h.offer({ key: 'k', name: 'K', event: 'transaction.created', bps: 100 });
    expect((await h.api('/v1/offers', { body: { key: 'k', name: 'K', event: 'transaction.created', bps: 100 } })).status).toBe(409);
    expect((await h.api('/v1/offers')).body).toEqual({ offers: [expect.objectContaining({ key: 'k', bps: 100, amount: null, firstOnly: false })], hasMore: false });
    expect((await h.api('/v1/offers/k')).body.offer.key).toBe('k');
    expect((await h.api('/v1/offers/zz')).status).toBe(404);
  });
});
