// The reward ledger's rules. A reward is pending until the program's hold period ends
// (approve_at = created + hold_days), then approved, then paid by a payout; a manager may
// approve early or decline with a reason. A refund reverses the rewards of the sale it takes
// back, in proportion to how much of the sale is refunded so far:
//   - before payout, a fully refunded sale's rewards become 'reversed' (no money moves);
//   - otherwise (partial refund, or the reward is already paid) a NEW negative reward that
//     names the original (reverses) is added. It shares the original's hold when the
//     original is still unpaid, and is approved at once when the original was paid, so it
//     nets against the partner's next payout. A paid row is never touched again.
// Every function here runs inside the caller's db.tx() and emits its events on ctx.bus.
import type { AppContext } from '../../context.js';
import type { EventType } from '../events.js';
import { programById } from '../../store/programs.js';
import {
  dueRewardIds,
  insertReward,
  markApproved,
  markClosed,
  reversalsOf,
  rewardById,
  rewardsOfSource,
  type NewReward,
  type RewardRow,
} from '../../store/rewards.js';
import type { TxnRow } from '../../store/transactions.js';
import { refundedOf } from '../../store/transactions.js';
import { ApiError } from '../../http/errors.js';
import { emit } from './emit.js';
import { DAY_MS, mulDivRound } from './money.js';
import { rewardJson } from './views.js';

function emitReward(ctx: AppContext, type: EventType, r: RewardRow): void {
  emit(ctx, type, r.program_id, { rewardId: r.id, partnerId: r.partner_id, customerId: r.customer_id }, { reward: rewardJson(r) });
}

export type RewardInput = Omit<NewReward, 'status' | 'approveAt' | 'now'> & { status?: 'pending' | 'approved'; approveAt?: number };

/**
 * Adds a reward under the program's hold (approved at once when the hold is 0); undefined
 * when this offer/trigger already rewarded this source. Emits reward.created.
 */
export function createReward(ctx: AppContext, input: RewardInput): RewardRow | undefined {
  const now = ctx.now();
  const holdDays = programById(ctx.db, input.programId)?.holdDays ?? 30;
  const approveAt = input.approveAt ?? now + holdDays * DAY_MS;
  const status = input.status ?? (approveAt <= now ? 'approved' : 'pending');
  const row = insertReward(ctx.db, { ...input, status, approveAt, now });
  if (!row) return undefined;
  emitReward(ctx, 'reward.created', row);
  return row;
}

/**
 * Approves pending rewards whose hold has ended by `now` (at most `limit`; -1: all of them,
 * which is what reads and payouts use); emits reward.approved for each.
 */
export function approveDue(ctx: AppContext, now = ctx.now(), limit = -1): number {
  return ctx.db.tx(() => {
    let n = 0;
    for (const id of dueRewardIds(ctx.db, now, limit)) {
      if (!markApproved(ctx.db, id, now)) continue;
      const row = ctx.db.get<{ program_id: number }>('SELECT program_id FROM reward WHERE id = ?', id)!;
      emitReward(ctx, 'reward.approved', rewardById(ctx.db, row.program_id, id)!);
      n++;
    }
    return n;
  });
}

const stateError = (r: RewardRow, what: string) =>
  new ApiError(409, 'invalid_reward_state', `Reward rwd_${r.id} is ${r.status} and cannot be ${what}`);

/** A manager approves before the hold ends; the reward's unpaid reversals come along. */
export function approveByHand(ctx: AppContext, r: RewardRow): RewardRow {
  if (r.status === 'approved') return r;
  if (r.status !== 'pending') throw stateError(r, 'approved');
  const now = ctx.now();
  for (const x of [r, ...reversalsOf(ctx.db, r.id)]) {
    if (x.status === 'pending' && markApproved(ctx.db, x.id, now)) emitReward(ctx, 'reward.approved', rewardById(ctx.db, x.program_id, x.id)!);
  }
  return rewardById(ctx.db, r.program_id, r.id)!;
}

/** A manager declines an unpaid reward with a reason; its unpaid reversals are declined too. */
export function declineByHand(ctx: AppContext, r: RewardRow, reason: string): RewardRow {
  if (r.status === 'declined') return r;
  if (r.reverses_id !== null) throw new ApiError(409, 'invalid_reward_state', `Reward rwd_${r.id} reverses another reward; decline that one instead`);
  if (r.status !== 'pending' && r.status !== 'approved') throw stateError(r, 'declined');
  const reversals = reversalsOf(ctx.db, r.id);
  if (reversals.some((x) => x.status === 'paid')) throw stateError(r, 'declined (a reversal of it was paid)');
  for (const x of [r, ...reversals]) {
    if (markClosed(ctx.db, x.id, 'declined', reason)) emitReward(ctx, 'reward.declined', rewardById(ctx.db, x.program_id, x.id)!);
  }
  return rewardById(ctx.db, r.program_id, r.id)!;
}

/**
 * After a refund allocation to `sale` (already inserted), brings the reversal of each of the
 * sale's rewards to round-half-away(reward x refunded / sale amount). Returns the rewards
 * it changed or added.
 */
export function reverseSaleRewards(ctx: AppContext, sale: TxnRow, refund: TxnRow): RewardRow[] {
  const refunded = refundedOf(ctx.db, sale.id);
  const changed: RewardRow[] = [];
  for (const r of rewardsOfSource(ctx.db, 'transaction', sale.id)) {
    if (r.reverses_id !== null || r.status === 'declined' || r.status === 'reversed') continue;
    const target = mulDivRound(r.amount, refunded, sale.amount);
    const reversals = reversalsOf(ctx.db, r.id).filter((x) => x.status !== 'declined' && x.status !== 'reversed');
    const done = -reversals.reduce((s, x) => s + x.amount, 0);
    const delta = target - done;
    if (delta === 0) continue;
    const reason = `refund ${refund.key}`;
    if (target === r.amount && r.status !== 'paid' && reversals.every((x) => x.status !== 'paid')) {
      // Fully refunded before payout: the reward (and any partial reversal of it) is void.
      for (const x of [r, ...reversals]) {
        if (markClosed(ctx.db, x.id, 'reversed', reason)) {
          const row = rewardById(ctx.db, x.program_id, x.id)!;
          emitReward(ctx, 'reward.reversed', row);
          changed.push(row);
        }
      }
      continue;
    }
    const paid = r.status === 'paid';
    const row = createReward(ctx, {
      programId: r.program_id,
      partnerId: r.partner_id,
      customerId: r.customer_id,
      offerId: r.offer_id,
      triggerId: r.trigger_id,
      sourceType: 'refund',
      sourceId: refund.id,
      reversesId: r.id,
      amount: -delta,
      currency: r.currency,
      status: paid || r.status === 'approved' ? 'approved' : undefined,
      approveAt: paid ? ctx.now() : r.approve_at,
      description: `Reversal of rwd_${r.id} (${reason})`,
    });
    if (row) changed.push(row);
  }
  return changed;
}
