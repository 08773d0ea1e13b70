// Partner balances and revenue, read by GET /v1/partners/:key and the reward routes.
// Balances are computed from the reward rows at `now`: a pending reward whose hold has ended
// counts as approved even before the approval job has written it, so a read never shows a
// stale split (the job then only makes it official and emits reward.approved).
import type { Db } from '../db/index.js';

export interface Balance {
  currency: string;
  pending: number;
  approved: number;
  paid: number;
}

export function partnerBalances(db: Db, partnerId: number, now: number): Balance[] {
  return db.all<Balance>(
    `SELECT currency,
       total(CASE WHEN status = 'pending' AND approve_at > ? THEN amount END) AS pending,
       total(CASE WHEN status = 'approved' OR (status = 'pending' AND approve_at <= ?) THEN amount END) AS approved,
       total(CASE WHEN status = 'paid' THEN amount END) AS paid
     FROM reward WHERE partner_id = ? AND status IN ('pending', 'approved', 'paid')
     GROUP BY currency ORDER BY currency`,
    now,
    now,
    partnerId,
  ).map((b) => ({ currency: b.currency, pending: Math.trunc(b.pending), approved: Math.trunc(b.approved), paid: Math.trunc(b.paid) }));
}

/** Net revenue (sales minus refunds) of the transactions credited to a partner, per currency. */
export function partnerRevenue(db: Db, partnerId: number): { currency: string; amount: number }[] {
  return revenueOf(db, 'partner_id', partnerId, 0, Number.MAX_SAFE_INTEGER);
}

/**
 * Net revenue of a partner's or a program's sales within [from, to): sales made in the range
 * minus refunds made in the range of sales that were credited to it.
 */
export function revenueOf(db: Db, col: 'partner_id' | 'program_id', id: number, from: number, to: number): { currency: string; amount: number }[] {
  return db.all<{ currency: string; amount: number }>(
    `SELECT currency, sum(amount) AS amount FROM (
       SELECT s.currency, s.amount FROM txn s WHERE s.${col} = ? AND s.kind = 'sale' AND s.partner_id IS NOT NULL AND s.created_at >= ? AND s.created_at < ?
       UNION ALL
       SELECT s.currency, -a.amount FROM refund_allocation a JOIN txn s ON s.id = a.sale_id JOIN txn r ON r.id = a.refund_id
       WHERE s.${col} = ? AND s.partner_id IS NOT NULL AND r.created_at >= ? AND r.created_at < ?
     ) GROUP BY currency ORDER BY currency`,
    id,
    from,
    to,
    id,
    from,
    to,
  );
}
