// The reward ledger: hold period, approval, refunds before and after payout, payouts that
// return the balance to 0 and never pay a reward twice, manual rewards, decline.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DAY_MS, harness, type Harness } from './harness.js';

const HOLD = 30 * DAY_MS;
let h: Harness;
beforeEach(async () => {
  h = await harness();
  await h.partner('alice');
  await h.customer('c1', 'alice');
  await h.offer({ key: 'pct', name: '12.5 %', event: 'transaction.created', bps: 1250 });
});
afterEach(() => h.close());

const payout = (body: Record<string, unknown>) => h.api('/v1/payouts', { body });

describe('hold period (30 days by default)', () => {
  test('pending at hold - 1 ms, approved at hold exactly; reward.approved written once', async () => {
    const t = await h.txn('t1', 'c1', 4000);
    expect(t.body.rewards[0]).toMatchObject({ amount: 500, status: 'pending' });
    const createdAt = Date.parse(t.body.rewards[0].createdAt);
    expect(Date.parse(t.body.rewards[0].approveAt)).toBe(createdAt + HOLD);

    h.clock.set(createdAt + HOLD - 1);
    expect(await h.balance('alice')).toEqual({ pending: 500, approved: 0, paid: 0 });
    expect((await h.rewards('alice'))[0].status).toBe('pending');
    expect((await payout({ partnerKey: 'alice' })).body.error.code).toBe('nothing_to_pay');

    h.clock.set(createdAt + HOLD);
    expect(await h.balance('alice')).toEqual({ pending: 0, approved: 500, paid: 0 });
    const [r] = await h.rewards('alice');
    expect(r).toMatchObject({ status: 'approved', approvedAt: new Date(createdAt + HOLD).toISOString() });
    await h.rewards('alice');
    expect(h.count("SELECT count(*) FROM reward WHERE status = 'approved'")).toBe(1);
  });

  test("the program's holdDays applies; 0 approves at once", async () => {
    expect((await h.api('/v1/program', { method: 'PATCH', body: { holdDays: 0 } })).status).toBe(200);
    const t = await h.txn('t0', 'c1', 1000);
    expect(t.body.rewards[0]).toMatchObject({ amount: 125, status: 'approved' });
    expect(await h.balance('alice')).toEqual({ pending: 0, approved: 125, paid: 0 });
  });

  test('the worker approves due rewards on its own', async () => {
    const t = await h.txn('tw', 'c1', 800);
    h.clock.advance(HOLD);
    const { approveDue } = await import('../../ingest/domain/rewards/index.js');
    expect(approveDue(h.ctx)).toBe(1);
    expect(h.count("SELECT count(*) FROM reward WHERE status = 'approved'")).toBe(1);
    expect(t.status).toBe(201);
  });
});

describe('payouts', () => {
  test('pays the approved balance, returns it to 0; a second payout refuses; the payout lists its rewards', async () => {
    await h.txn('p1', 'c1', 4000); // 500
    await h.txn('p2', 'c1', 1000); // 125
    h.clock.advance(HOLD);
    await h.txn('p3', 'c1', 800); // 100, still pending
    const res = await payout({ partnerKey: 'alice' });
    expect(res.status).toBe(201);
    expect(res.body.payout).toMatchObject({ partnerKey: 'alice', amount: 625, currency: 'USD', rewardCount: 2, rewards: ['rwd_1', 'rwd_2'] });
    expect(await h.balance('alice')).toEqual({ pending: 100, approved: 0, paid: 625 });
    const again = await payout({ partnerKey: 'alice' });
    expect(again.status).toBe(422);
    expect(again.body.error).toMatchObject({ code: 'nothing_to_pay' });
    const rewards = await h.rewards('alice');
    expect(rewards.filter((r) => r.status === 'paid').map((r) => r.payoutId)).toEqual([res.body.payout.id, res.body.payout.id]);
    const got = await h.api(`/v1/payouts/${res.body.payout.id}`);
    expect(got.body.payout.rewards).toEqual(['rwd_1', 'rwd_2']);
    expect((await h.api('/v1/payouts?partnerKey=alice')).body).toEqual({ payouts: [expect.objectContaining({ amount: 625 })], hasMore: false });
  });

  test('two concurrent payouts: one pays, the other finds nothing; no reward is paid twice', async () => {
    await h.txn('c-1', 'c1', 4000);
    h.clock.advance(HOLD);
    const [a, b] = await Promise.all([payout({ partnerKey: 'alice' }), payout({ partnerKey: 'alice' })]);
    expect([a.status, b.status].sort()).toEqual([201, 422]);
    expect(h.count('SELECT count(*) FROM payout')).toBe(1);
    expect(h.count('SELECT sum(amount) FROM payout')).toBe(500);
  });

  test('several currencies: { partnerKey } pays each currency its own payout; { currency } pays one', async () => {
    await h.customer('c2', 'alice');
    await h.customer('c3', 'alice');
    await h.txn('usd', 'c1', 1000);
    await h.txn('eur', 'c2', 2000, { currency: 'EUR' });
    h.clock.advance(HOLD);
    const one = await payout({ partnerKey: 'alice', currency: 'EUR' });
    expect(one.status).toBe(201);
    expect(one.body.payouts).toHaveLength(1);
    expect(one.body.payout).toMatchObject({ amount: 250, currency: 'EUR' });
    expect((await payout({ partnerKey: 'alice', currency: 'GBP' })).body.error.code).toBe('nothing_to_pay');

    await h.txn('eur2', 'c3', 4000, { currency: 'EUR' });
    h.clock.advance(HOLD);
    const all = await payout({ partnerKey: 'alice' });
    expect(all.status).toBe(201);
    expect(all.body.payouts.map((p: { amount: number; currency: string }) => [p.currency, p.amount])).toEqual([['EUR', 500], ['USD', 125]]);
    expect(all.body.payout).toEqual(all.body.payouts[0]);
    expect(h.count('SELECT count(*) FROM payout')).toBe(3);
    const again = await payout({ partnerKey: 'alice' });
    expect(again.status).toBe(422);
    expect(again.body.error).toMatchObject({ code: 'nothing_to_pay', field: 'partnerKey' });
  });

  test('bad payout input', async () => {
    expect((await payout({ partnerKey: 'nobody' })).status).toBe(404);
    expect((await payout({ partnerKey: 'alice', currency: 'usd' })).status).toBe(422);
    expect((await payout({})).body.error).toMatchObject({ code: 'invalid_value', field: 'partnerKey' });
  });
});

describe('refunds', () => {
  test('full refund before payout: the reward becomes reversed, the balance drops to 0', async () => {
    await h.txn('r1', 'c1', 4000);
    const res = await h.api('/v1/transactions/r1/refund', { body: {} });
    expect(res.status).toBe(201);
    expect(res.body.transaction).toMatchObject({ type: 'refund', amount: -4000, refunds: [{ transactionKey: 'r1', amount: 4000 }] });
    expect(res.body.rewards).toEqual([expect.objectContaining({ id: 'rwd_1', amount: 500, status: 'reversed', reason: expect.stringContaining('refund') })]);
    expect(await h.balance('alice')).toEqual({ pending: 0, approved: 0, paid: 0 });
    expect(h.count('SELECT count(*) FROM reward')).toBe(1);
    const again = await h.api('/v1/transactions/r1/refund', { body: {} });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('already_refunded');
    expect((await h.api('/v1/transactions/r1')).body.transaction.refunded).toBe(4000);
  });

  test('partial refunds before payout add negative rows in proportion; the last one voids them all', async () => {
    await h.txn('r2', 'c1', 4000); // reward 500
    const part = await h.api('/v1/transactions/r2/refund', { body: { amount: 1000 } });
    expect(part.body.rewards).toEqual([expect.objectContaining({ amount: -125, status: 'pending', reverses: 'rwd_1', source: { type: 'refund', key: expect.any(String) } })]);
    expect(await h.balance('alice')).toEqual({ pending: 375, approved: 0, paid: 0 });
    const over = await h.api('/v1/transactions/r2/refund', { body: { amount: 3001 } });
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({ code: 'refund_exceeds_amount', field: 'amount' });
    const rest = await h.api('/v1/transactions/r2/refund', { body: { amount: 3000 } });
    expect(rest.body.rewards.map((r: any) => [r.id, r.status])).toEqual([
      ['rwd_1', 'reversed'],
      ['rwd_2', 'reversed'],
    ]);
    expect(await h.balance('alice')).toEqual({ pending: 0, approved: 0, paid: 0 });
  });

  test('a refund after payout adds an approved negative reward; the paid row is untouched and the next payout nets it', async () => {
    await h.txn('r3', 'c1', 4000); // 500
    h.clock.advance(HOLD);
    const paid = await payout({ partnerKey: 'alice' });
    expect(paid.body.payout.amount).toBe(500);
    const before = h.db.raw.prepare('SELECT * FROM reward WHERE id = 1').get();

    const res = await h.api('/v1/transactions/r3/refund', { body: { amount: 2000 } });
    expect(res.body.rewards).toEqual([expect.objectContaining({ id: 'rwd_2', amount: -250, status: 'approved', reverses: 'rwd_1' })]);
    expect(h.db.raw.prepare('SELECT * FROM reward WHERE id = 1').get()).toEqual(before);
    expect(await h.balance('alice')).toEqual({ pending: 0, approved: -250, paid: 500 });
    expect((await payout({ partnerKey: 'alice' })).body.error.code).toBe('negative_balance');

    await h.txn('r4', 'c1', 8000); // +1000 pending
    h.clock.advance(HOLD);
    const next = await payout({ partnerKey: 'alice' });
    expect(next.body.payout).toMatchObject({ amount: 750, rewardCount: 2 });
    expect(await h.balance('alice')).toEqual({ pending: 0, approved: 0, paid: 1250 });

    // The rest of r3 after payout: another negative row for the remainder (500 - 250 = 250).
    const rest = await h.api('/v1/transactions/r3/refund', { body: {} });
    expect(rest.body.rewards.map((r: any) => r.amount)).toEqual([-250]);
    expect(h.count("SELECT count(*) FROM reward WHERE id = 1 AND status = 'paid'")).toBe(1);
  });

  test('a paid reward row cannot be updated or deleted, even by SQL', () => {
    h.db.raw.exec("INSERT INTO payout (program_id, partner_id, amount, currency, reward_count, created_at) VALUES (1, 1, 1, 'USD', 1, 0)");
    h.db.raw.exec("INSERT INTO reward (program_id, partner_id, source_type, amount, currency, status, approve_at, payout_id, created_at) VALUES (1, 1, 'manual', 1, 'USD', 'paid', 0, 1, 0)");
    expect(() => h.db.raw.exec("UPDATE reward SET amount = 2 WHERE status = 'paid'")).toThrow(/final/);
    expect(() => h.db.raw.exec("UPDATE reward SET status = 'reversed' WHERE status = 'paid'")).toThrow(/final/);
    expect(() => h.db.raw.exec('DELETE FROM reward')).toThrow(/never deleted/);
  });

  test('a negative-amount transaction refunds the customer\'s sales newest first and reverses their rewards', async () => {
    await h.txn('n1', 'c1', 4000); // rwd_1 500
    await h.txn('n2', 'c1', 1000); // rwd_2 125
    const neg = await h.txn('n3', 'c1', -1500);
    expect(neg.status).toBe(201);
    expect(neg.body.transaction).toMatchObject({ type: 'refund', amount: -1500, refunds: [{ transactionKey: 'n2', amount: 1000 }, { transactionKey: 'n1', amount: 500 }] });
    expect(neg.body.rewards.map((r: any) => [r.id, r.amount, r.status])).toEqual([
      ['rwd_2', 125, 'reversed'],
      ['rwd_3', -63, 'pending'], // 500 x 500 / 4000 = 62.5 -> 63
    ]);
    expect(await h.balance('alice')).toEqual({ pending: 437, approved: 0, paid: 0 });
    // idempotent like any transaction
    const again = await h.txn('n3', 'c1', -1500);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(neg.body);
    // more than is left to refund
    const tooMuch = await h.txn('n4', 'c1', -3501);
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error).toMatchObject({ code: 'refund_exceeds_sales', field: 'amount' });
    expect(h.count("SELECT count(*) FROM txn WHERE key = 'n4'")).toBe(0);
    // revenue is net of refunds
    const p = await h.api('/v1/partners/alice');
    expect(p.body.partner.stats.revenueByCurrency).toEqual([{ currency: 'USD', amount: 3500 }]);
  });

  test('a refund key makes the refund retry-safe; the same key with another amount is a conflict', async () => {
    await h.txn('k1', 'c1', 4000);
    const a = await h.api('/v1/transactions/k1/refund', { body: { amount: 4000, key: 'rf-1' } });
    const b = await h.api('/v1/transactions/k1/refund', { body: { amount: 4000, key: 'rf-1' } });
    expect([a.status, b.status]).toEqual([201, 200]);
    expect(b.body).toEqual(a.body);
    expect((await h.api('/v1/transactions/k1/refund', { body: { amount: 100, key: 'rf-1' } })).status).toBe(409);
    expect((await h.api('/v1/transactions/rf-1/refund', { body: {} })).body.error.code).toBe('not_a_sale');
    expect((await h.api('/v1/transactions/nope/refund', { body: {} })).status).toBe(404);
  });
});

describe('approving, declining, manual rewards', () => {
  test('approve early, decline with a reason, no decline after payout', async () => {
    await h.txn('a1', 'c1', 4000); // rwd_1
    await h.txn('a2', 'c1', 800); // rwd_2
    const ok = await h.api('/v1/rewards/rwd_1/approve', { method: 'POST' });
    expect(ok.body.reward).toMatchObject({ status: 'approved' });
    const dec = await h.api('/v1/rewards/rwd_2/decline', { body: { reason: 'fraud' } });
    expect(dec.body.reward).toMatchObject({ status: 'declined', reason: 'fraud' });
    expect((await h.api('/v1/rewards/rwd_2/approve', { method: 'POST' })).body.error.code).toBe('invalid_reward_state');
    expect((await h.api('/v1/rewards/rwd_1/decline', { body: {} })).body.error.field).toBe('reason');
    await payout({ partnerKey: 'alice' });
    const late = await h.api('/v1/rewards/rwd_1/decline', { body: { reason: 'too late' } });
    expect(late.status).toBe(409);
    expect((await h.api('/v1/rewards/rwd_999/approve', { method: 'POST' })).status).toBe(404);
    expect((await h.api('/v1/rewards/garbage/approve', { method: 'POST' })).status).toBe(404);
    expect(await h.balance('alice')).toEqual({ pending: 0, approved: 0, paid: 500 });
  });

  test('manual rewards (and deductions), idempotent on key; list filters and pages', async () => {
    const m = await h.api('/v1/rewards', { body: { partnerKey: 'alice', amount: 1500, currency: 'EUR', description: 'Conference bonus', key: 'bonus-1' } });
    expect(m.status).toBe(201);
    expect(m.body.reward).toMatchObject({ amount: 1500, currency: 'EUR', status: 'pending', offer: null, source: { type: 'manual', key: 'bonus-1' }, description: 'Conference bonus' });
    const again = await h.api('/v1/rewards', { body: { partnerKey: 'alice', amount: 1500, currency: 'EUR', description: 'Conference bonus', key: 'bonus-1' } });
    expect(again.status).toBe(200);
    expect(again.body.reward.id).toBe(m.body.reward.id);
    expect((await h.api('/v1/rewards', { body: { partnerKey: 'alice', amount: 1, currency: 'EUR', description: 'x', key: 'bonus-1' } })).status).toBe(409);
    await h.api('/v1/rewards', { body: { partnerKey: 'alice', amount: -500, currency: 'EUR', description: 'Clawback' } });
    expect(await h.balance('alice', 'EUR')).toEqual({ pending: 1000, approved: 0, paid: 0 });
    expect((await h.api('/v1/rewards', { body: { partnerKey: 'alice', amount: 0, currency: 'EUR', description: 'x' } })).status).toBe(422);

    const list = await h.api('/v1/rewards?partnerKey=alice&limit=1');
    expect(list.body.rewards.map((r: any) => r.id)).toEqual(['rwd_2']);
    expect(list.body.hasMore).toBe(true);
    const next = await h.api('/v1/rewards?partnerKey=alice&limit=1&startingAfter=rwd_2');
    expect(next.body).toEqual({ rewards: [expect.objectContaining({ id: 'rwd_1' })], hasMore: false });
    expect((await h.api('/v1/rewards?status=declined')).body.rewards).toEqual([]);
    expect((await h.api('/v1/rewards?status=bogus')).status).toBe(422);
    expect((await h.api('/v1/rewards?limit=1001')).status).toBe(422);
  });
});
