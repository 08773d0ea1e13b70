// Rewards and payouts: GET /v1/rewards, POST /v1/rewards (manual), GET /v1/rewards/:id,
// POST /v1/rewards/:id/approve, POST /v1/rewards/:id/decline, POST/GET /v1/payouts,
// GET /v1/payouts/:id. Reads first approve whatever the hold has released (approveDue), so
// a list shows the same state a payout would act on.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { approveByHand, approveDue, createReward, declineByHand } from '../../domain/rewards/ledger.js';
import { Amount, Currency, Key } from '../../domain/rewards/money.js';
import { createPayouts } from '../../domain/rewards/payouts.js';
import { parseId, payoutJson, rewardJson } from '../../domain/rewards/views.js';
import type { AppEnv } from '../../http/auth.js';
import { parseBody, parseQuery } from '../../http/body.js';
import { ApiError } from '../../http/errors.js';
import * as s from '../../http/schemas.js';
import { listPayouts, payoutById } from '../../store/payouts.js';
import { listRewards, rewardByExtKey, rewardById, rewardsOfPayout } from '../../store/rewards.js';
import { partnerOr404, secret } from './common.js';

export const rewardsQuery = s.listQuery.extend({
  partnerKey: z.string().min(1).max(256).optional(),
  status: z.enum(['pending', 'approved', 'paid', 'declined', 'reversed']).optional(),
});
export const manualRewardBody = z.strictObject({
  partnerKey: z.string().min(1).max(256),
  amount: Amount.refine((a) => a !== 0, 'must not be 0'),
  currency: Currency,
  description: z.string().trim().min(1).max(500),
  key: Key.optional(),
});
export const declineBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const payoutBody = z.strictObject({ partnerKey: z.string().min(1).max(256), currency: Currency.optional() });
export const payoutsQuery = s.listQuery.extend({ partnerKey: z.string().min(1).max(256).optional() });

export function rewardRoutes(ctx: AppContext, r: Hono<AppEnv>): void {
  const doc = secret('rewards');
  const rewardOr404 = (programId: number, id: string) => {
    const n = parseId('rwd', id);
    const row = n === undefined ? undefined : rewardById(ctx.db, programId, n);
    if (!row) throw new ApiError(404, 'reward_not_found', `No reward with id ${id.slice(0, 100)}`, 'id');
    return row;
  };

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/rewards', summary: 'List rewards, newest first (filter by partnerKey, status)', query: rewardsQuery, responses: { 200: '{ rewards, hasMore }' } });
  r.get('/v1/rewards', (c) => {
    const q = parseQuery(c, rewardsQuery);
    const programId = c.var.program.id;
    const partnerId = q.partnerKey === undefined ? undefined : partnerOr404(ctx, programId, q.partnerKey).id;
    approveDue(ctx);
    const { rows, hasMore } = s.page(
      q,
      (id) => {
        const n = parseId('rwd', id);
        return n === undefined ? undefined : rewardById(ctx.db, programId, n);
      },
      (limit, afterId) => listRewards(ctx.db, programId, { partnerId, status: q.status }, limit, afterId),
    );
    return c.json({ rewards: rows.map(rewardJson), hasMore });
  });

  ctx.openapi.add({ ...doc, method: 'post', path: '/v1/rewards', summary: 'Add a manual reward (negative = a deduction); idempotent on key', body: manualRewardBody, responses: { 201: '{ reward }', 200: 'The same key again: that reward' } });
  r.post('/v1/rewards', async (c) => {
    const b = await parseBody(c, manualRewardBody);
    const program = c.var.program;
    const partner = partnerOr404(ctx, program.id, b.partnerKey);
    const { row, created } = ctx.db.tx(() => {
      const made = createReward(ctx, {
        programId: program.id,
        partnerId: partner.id,
        sourceType: 'manual',
        sourceId: null,
        amount: b.amount,
        currency: b.currency,
        description: b.description,
        extKey: b.key ?? null,
      });
      if (made) return { row: made, created: true };
      const first = rewardByExtKey(ctx.db, program.id, b.key!)!;
      const same = first.partner_id === partner.id && first.amount === b.amount && first.currency === b.currency && first.description === b.description;
      if (!same) throw new ApiError(409, 'idempotency_conflict', `Reward key ${b.key} was already used with a different body`, 'key');
      return { row: first, created: false };
    });
    return c.json({ reward: rewardJson(row) }, created ? 201 : 200);
  });

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/rewards/:id', summary: 'A reward', responses: { 200: '{ reward }' } });
  r.get('/v1/rewards/:id', (c) => {
    approveDue(ctx);
    return c.json({ reward: rewardJson(rewardOr404(c.var.program.id, c.req.param('id'))) });
  });

  ctx.openapi.add({ ...doc, method: 'post', path: '/v1/rewards/:id/approve', summary: 'Approve a pending reward before its hold ends', responses: { 200: '{ reward }' } });
  r.post('/v1/rewards/:id/approve', (c) => {
    const row = ctx.db.tx(() => approveByHand(ctx, rewardOr404(c.var.program.id, c.req.param('id'))));
    return c.json({ reward: rewardJson(row) });
  });

  ctx.openapi.add({ ...doc, method: 'post', path: '/v1/rewards/:id/decline', summary: 'Decline an unpaid reward, with a reason', body: declineBody, responses: { 200: '{ reward }' } });
  r.post('/v1/rewards/:id/decline', async (c) => {
    const b = await parseBody(c, declineBody);
    const row = ctx.db.tx(() => declineByHand(ctx, rewardOr404(c.var.program.id, c.req.param('id')), b.reason));
    return c.json({ reward: rewardJson(row) });
  });

  const pdoc = secret('payouts');
  ctx.openapi.add({
    ...pdoc,
    method: 'post',
    path: '/v1/payouts',
    summary: "Pay out a partner's approved balance: in `currency`, or in every currency with a positive balance (one payout each)",
    body: payoutBody,
    responses: { 201: '{ payout: { id, partnerKey, amount, currency, rewardCount, createdAt, rewards }, payouts: [every payout made, one per currency] }', 422: 'nothing_to_pay | negative_balance' },
  });
  r.post('/v1/payouts', async (c) => {
    const b = await parseBody(c, payoutBody);
    const partner = partnerOr404(ctx, c.var.program.id, b.partnerKey);
    const payouts = createPayouts(ctx, partner, b.currency).map(({ payout, rewards }) => payoutJson(payout, rewards));
    return c.json({ payout: payouts[0], payouts }, 201);
  });

  ctx.openapi.add({ ...pdoc, method: 'get', path: '/v1/payouts', summary: 'List payouts, newest first', query: payoutsQuery, responses: { 200: '{ payouts, hasMore }' } });
  r.get('/v1/payouts', (c) => {
    const q = parseQuery(c, payoutsQuery);
    const programId = c.var.program.id;
    const partnerId = q.partnerKey === undefined ? undefined : partnerOr404(ctx, programId, q.partnerKey).id;
    const { rows, hasMore } = s.page(
      q,
      (id) => {
        const n = parseId('po', id);
        return n === undefined ? undefined : payoutById(ctx.db, programId, n);
      },
      (limit, afterId) => listPayouts(ctx.db, programId, partnerId, limit, afterId),
    );
    return c.json({ payouts: rows.map((p) => payoutJson(p)), hasMore });
  });

  ctx.openapi.add({ ...pdoc, method: 'get', path: '/v1/payouts/:id', summary: 'A payout with the rewards it paid', responses: { 200: '{ payout }' } });
  r.get('/v1/payouts/:id', (c) => {
    const id = c.req.param('id');
    const n = parseId('po', id);
    const p = n === undefined ? undefined : payoutById(ctx.db, c.var.program.id, n);
    if (!p) throw new ApiError(404, 'payout_not_found', `No payout with id ${id.slice(0, 100)}`, 'id');
    return c.json({ payout: payoutJson(p, rewardsOfPayout(ctx.db, p.id)) });
  });
}
