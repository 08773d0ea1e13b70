// Payouts: one row per cash-out of a partner's approved balance in one currency; the rewards
// it paid point at it (reward.payout_id).
import type { Db } from '../db/index.js';

export interface PayoutRow {
  id: number;
  program_id: number;
  partner_id: number;
  amount: number;
  currency: string;
  reward_count: number;
  created_at: number;
  partner_key: string;
}

const SELECT = 'SELECT po.*, p.key AS partner_key FROM payout po JOIN partner p ON p.id = po.partner_id';

export function insertPayout(db: Db, p: { programId: number; partnerId: number; amount: number; currency: string; rewardCount: number; now: number }): number {
  return Number(
    db.run(
      'INSERT INTO payout (program_id, partner_id, amount, currency, reward_count, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      p.programId,
      p.partnerId,
      p.amount,
      p.currency,
      p.rewardCount,
      p.now,
    ).lastInsertRowid,
  );
}

export function payoutById(db: Db, programId: number, id: number): PayoutRow | undefined {
  return db.get<PayoutRow>(`${SELECT} WHERE po.program_id = ? AND po.id = ?`, programId, id);
}

/** Newest first; afterId = the id of the last payout of the previous page. */
export function listPayouts(db: Db, programId: number, partnerId: number | undefined, limit: number, afterId?: number): PayoutRow[] {
  const where = ['po.program_id = ?'];
  const params: unknown[] = [programId];
  if (partnerId !== undefined) (where.push('po.partner_id = ?'), params.push(partnerId));
  if (afterId !== undefined) (where.push('po.id < ?'), params.push(afterId));
  return db.all<PayoutRow>(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY po.id DESC LIMIT ?`, ...params, limit);
}
