// Counts for reports over [from, to): clicks, referred customers and rewards per partner.
// Revenue comes from ledger.ts revenueOf.
import type { Db } from '../db/index.js';

export type Scope = 'partner_id' | 'program_id';

export function clicksIn(db: Db, col: Scope, id: number, from: number, to: number): number {
  return db.get<{ n: number }>(`SELECT count(*) AS n FROM click WHERE ${col} = ? AND created_at >= ? AND created_at < ?`, id, from, to)!.n;
}

/** Customers attributed to a partner (self-referrals excluded), by when they were attributed. */
export function customersIn(db: Db, col: Scope, id: number, from: number, to: number): number {
  return db.get<{ n: number }>(
    `SELECT count(*) AS n FROM customer WHERE ${col} = ? AND partner_id IS NOT NULL AND self_referral = 0
     AND coalesce(attributed_at, created_at) >= ? AND coalesce(attributed_at, created_at) < ?`,
    id,
    from,
    to,
  )!.n;
}

/** Rewards created in the range that still count (not declined or reversed), per currency. */
export function rewardsIn(db: Db, col: Scope, id: number, from: number, to: number): { currency: string; amount: number }[] {
  return db.all(
    `SELECT currency, sum(amount) AS amount FROM reward WHERE ${col} = ? AND status IN ('pending', 'approved', 'paid')
     AND created_at >= ? AND created_at < ? GROUP BY currency ORDER BY currency`,
    id,
    from,
    to,
  );
}
