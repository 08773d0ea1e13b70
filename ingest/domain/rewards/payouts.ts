// Payouts: cash out a partner's approved balance in one currency. In one db.tx(): approve
// what the hold has released, sum the approved rows, refuse 0 (nothing_to_pay) or a negative
// sum (negative_balance: reversals exceed what is owed), write the payout, mark exactly those
// rows paid, emit payout.created. A second payout finds no approved rows: nothing_to_pay.
// Without a currency, the partner's one currency with approved rewards is paid; when several
// have a positive balance the caller must choose (422 currency_required).
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import type { PartnerRow } from '../../store/partners.js';
import { insertPayout, payoutById, type PayoutRow } from '../../store/payouts.js';
import { approvedTotals, markPaid, rewardsOfPayout, type RewardRow } from '../../store/rewards.js';
import { emit } from './emit.js';
import { approveDue } from './ledger.js';
import { payoutJson } from './views.js';

export function createPayout(ctx: AppContext, partner: PartnerRow, currency?: string): { payout: PayoutRow; rewards: RewardRow[] } {
  return ctx.db.tx(() => {
    approveDue(ctx);
    const totals = approvedTotals(ctx.db, partner.id);
    let cur = currency;
    if (cur === undefined) {
      const positive = totals.filter((t) => t.amount > 0);
      if (positive.length > 1) {
        throw new ApiError(422, 'currency_required', `Partner ${partner.key} has approved balances in ${positive.map((t) => t.currency).join(', ')}; pay one currency at a time`, 'currency');
      }
      cur = (positive[0] ?? totals[0])?.currency;
    }
    const total = totals.find((t) => t.currency === cur);
    if (!total || total.amount === 0) {
      throw new ApiError(422, 'nothing_to_pay', `Partner ${partner.key} has no approved balance${cur ? ` in ${cur}` : ''} to pay out`, cur ? 'currency' : 'partnerKey');
    }
    if (total.amount < 0) {
      throw new ApiError(422, 'negative_balance', `Partner ${partner.key} owes ${-total.amount} ${cur} (reversals exceed approved rewards); nothing is paid until the balance is positive`, 'currency');
    }
    const id = insertPayout(ctx.db, { programId: partner.program_id, partnerId: partner.id, amount: total.amount, currency: total.currency, rewardCount: total.count, now: ctx.now() });
    const paid = markPaid(ctx.db, partner.id, total.currency, id);
    if (paid !== total.count) throw new Error(`payout ${id}: expected to pay ${total.count} rewards, paid ${paid}`);
    const payout = payoutById(ctx.db, partner.program_id, id)!;
    const rewards = rewardsOfPayout(ctx.db, id);
    emit(ctx, 'payout.created', partner.program_id, { payoutId: id, partnerId: partner.id }, { payout: payoutJson(payout, rewards) });
    return { payout, rewards };
  });
}
