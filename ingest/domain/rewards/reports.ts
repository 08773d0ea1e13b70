// Reports over a time range [from, to): clicks, referred customers, net revenue and rewards
// per currency, and sell-through, i.e. what a partner's traffic turned into:
//   customersPerClick = customers / clicks (a ratio, 4 decimals; null without clicks)
//   revenuePerClick   = per currency, round-half-away(revenue / clicks) in minor units
// Counts are by when things happened: clicks and customers (attribution time) in the range,
// sales in the range minus refunds made in the range, rewards created in the range that still
// count (pending, approved, paid; reversals included).
import type { Db } from '../../db/index.js';
import { revenueOf } from '../../store/ledger.js';
import { clicksIn, customersIn, rewardsIn, type Scope } from '../../store/reports.js';
import { iso, mulDivRound } from './money.js';

export function report(db: Db, scope: Scope, id: number, from: number, to: number) {
  const clicks = clicksIn(db, scope, id, from, to);
  const customers = customersIn(db, scope, id, from, to);
  const revenue = revenueOf(db, scope, id, from, to);
  return {
    clicks,
    customers,
    revenue,
    rewards: rewardsIn(db, scope, id, from, to),
    sellThrough: {
      customersPerClick: clicks ? Math.round((customers / clicks) * 10_000) / 10_000 : null,
      revenuePerClick: clicks ? revenue.map((r) => ({ currency: r.currency, amount: mulDivRound(r.amount, 1, clicks) })) : [],
    },
  };
}

export const range = (from: number, to: number) => ({ from: iso(from), to: iso(to) });
