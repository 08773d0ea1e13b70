// Payouts: cash out a partner's approved balance in one currency. In one db.tx(): approve
// what the hold has released, sum the approved rows, refuse 0 (nothing_to_pay) or a negative
// sum (negative_balance: reversals exceed what is owed), write the payout, mark exactly those
// rows paid, emit payout.created. A second payout finds no approved rows: nothing_to_pay.
// Without a currency, every currency with a positive approved balance is paid, one payout
// each, in the same transaction (SPEC: `{ partnerKey }` pays the approved balance out).
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import type { PartnerRow } from '../../store/partners.js';
import { insertPayout, payoutById, type PayoutRow } from '../../store/payouts.js';
import { approvedTotals, markPaid, rewardsOfPayout, type RewardRow } from '../../store/rewards.js';
import { emit } from './emit.js';
import { approveDue } from './ledger.js';
import { payoutJson } from './views.js';

type Total = ReturnType<typeof approvedTotals>[number];

function payOne(ctx: AppContext, partner: PartnerRow, total: Total): { payout: PayoutRow; rewards: RewardRow[] } {
  const id = insertPayout(ctx.db, { programId: partner.program_id, partnerId: partner.id, amount: total.amount, currency: total.currency, rewardCount: total.count, now: ctx.now() });
  const paid = markPaid(ctx.db, partner.id, total.currency, id);
  if (paid !== total.count) throw new Error(`payout ${id}: expected to pay ${total.count} rewards, paid ${paid}`);
  const payout = payoutById(ctx.db, partner.program_id, id)!;
  const rewards = rewardsOfPayout(ctx.db, id);
  emit(ctx, 'payout.created', partner.program_id, { payoutId: id, partnerId: partner.id }, { payout: payoutJson(payout, rewards) });
  return { payout, rewards };
}

/** Pays the partner's approved balance: in `currency`, or in every currency with a positive one. */
export function createPayouts(ctx: AppContext, partner: PartnerRow, currency?: string): { payout: PayoutRow; rewards: RewardRow[] }[] {
  return ctx.db.tx(() => {
    approveDue(ctx);
    const totals = approvedTotals(ctx.db, partner.id);
    if (currency === undefined) {
      const positive = totals.filter((t) => t.amount > 0);
      if (positive.length) return positive.map((t) => payOne(ctx, partner, t));
      const owed = totals.find((t) => t.amount < 0);
      if (owed) {
        throw new ApiError(422, 'negative_balance', `Partner ${partner.key} owes ${-owed.amount} ${owed.currency} (reversals exceed approved rewards); nothing is paid until the balance is positive`, 'partnerKey');
      }
      throw new ApiError(422, 'nothing_to_pay', `Partner ${partner.key} has no approved balance to pay out`, 'partnerKey');
    }
    const total = totals.find((t) => t.currency === currency);
    if (!total || total.amount === 0) {
      throw new ApiError(422, 'nothing_to_pay', `Partner ${partner.key} has no approved balance in ${currency} to pay out`, 'currency');
    }
    if (total.amount < 0) {
      throw new ApiError(422, 'negative_balance', `Partner ${partner.key} owes ${-total.amount} ${currency} (reversals exceed approved rewards); nothing is paid until the balance is positive`, 'currency');
    }
    return [payOne(ctx, partner, total)];
  });
}
