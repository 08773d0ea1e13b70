// The reward ledger's rows. Inserts dedup on the unique (offer|trigger, source) indexes;
// status changes only ever move a row forward, and the schema refuses any UPDATE of a paid,
// declined or reversed row (trigger reward_final_rows).
import type { Db } from '../db/index.js';

export type RewardStatus = 'pending' | 'approved' | 'paid' | 'declined' | 'reversed';
export type SourceType = 'customer' | 'transaction' | 'deal' | 'manual' | 'refund' | 'partner';

export interface RewardRow {
  id: number;
  program_id: number;
  partner_id: number;
  customer_id: number | null;
  offer_id: number | null;
  trigger_id: number | null;
  source_type: SourceType;
  source_id: number | null;
  reverses_id: number | null;
  amount: number;
  currency: string;
  status: RewardStatus;
  approve_at: number;
  approved_at: number | null;
  payout_id: number | null;
  reason: string | null;
  description: string | null;
  ext_key: string | null;
  created_at: number;
  partner_key: string;
  offer_key: string | null;
  offer_name: string | null;
  trigger_key: string | null;
  source_key: string | null;
}

/** The vendor's key of what a reward came from, as a column expression over the reward row `r`. */
const sourceKey = (r: string) => `CASE ${r}.source_type
    WHEN 'customer' THEN (SELECT key FROM customer WHERE id = ${r}.source_id)
    WHEN 'transaction' THEN (SELECT key FROM txn WHERE id = ${r}.source_id)
    WHEN 'refund' THEN (SELECT key FROM txn WHERE id = ${r}.source_id)
    WHEN 'deal' THEN (SELECT key FROM deal WHERE id = ${r}.source_id)
    WHEN 'partner' THEN (SELECT key FROM partner WHERE id = ${r}.source_id)
    ELSE ${r}.ext_key END`;

const SELECT = `SELECT r.*, p.key AS partner_key, o.key AS offer_key, o.name AS offer_name, tr.key AS trigger_key, ${sourceKey('r')} AS source_key
  FROM reward r JOIN partner p ON p.id = r.partner_id LEFT JOIN offer o ON o.id = r.offer_id LEFT JOIN trigger_rule tr ON tr.id = r.trigger_id`;

export interface NewReward {
  programId: number;
  partnerId: number;
  customerId?: number | null;
  offerId?: number | null;
  triggerId?: number | null;
  sourceType: SourceType;
  sourceId: number | null;
  reversesId?: number | null;
  amount: number;
  currency: string;
  status: 'pending' | 'approved';
  approveAt: number;
  description?: string | null;
  extKey?: string | null;
  now: number;
}

/** The joined columns of SELECT, as a RETURNING clause can name them (no joins there). */
const RETURNING = `RETURNING *,
  (SELECT key FROM partner WHERE id = reward.partner_id) AS partner_key,
  (SELECT key FROM offer WHERE id = reward.offer_id) AS offer_key,
  (SELECT name FROM offer WHERE id = reward.offer_id) AS offer_name,
  (SELECT key FROM trigger_rule WHERE id = reward.trigger_id) AS trigger_key,
  ${sourceKey('reward')} AS source_key`;

/**
 * Inserts a reward and returns it as rewardById would (one statement, no read-back);
 * undefined when the (offer|trigger, source) or ext key already has one.
 */
export function insertReward(db: Db, r: NewReward): RewardRow | undefined {
  return db.get<RewardRow>(
    `INSERT INTO reward (program_id, partner_id, customer_id, offer_id, trigger_id, source_type, source_id, reverses_id, amount, currency,
       status, approve_at, approved_at, description, ext_key, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING ${RETURNING}`,
    r.programId,
    r.partnerId,
    r.customerId ?? null,
    r.offerId ?? null,
    r.triggerId ?? null,
    r.sourceType,
    r.sourceId,
    r.reversesId ?? null,
    r.amount,
    r.currency,
    r.status,
    r.approveAt,
    r.status === 'approved' ? r.now : null,
    r.description ?? null,
    r.extKey ?? null,
    r.now,
  );
}

export function rewardById(db: Db, programId: number, id: number): RewardRow | undefined {
  return db.get<RewardRow>(`${SELECT} WHERE r.program_id = ? AND r.id = ?`, programId, id);
}

export function rewardByExtKey(db: Db, programId: number, key: string): RewardRow | undefined {
  return db.get<RewardRow>(`${SELECT} WHERE r.program_id = ? AND r.ext_key = ?`, programId, key);
}

/** Every reward an event source produced (offers and triggers, not reversals), oldest first. */
export function rewardsOfSource(db: Db, type: SourceType, id: number): RewardRow[] {
  return db.all<RewardRow>(`${SELECT} WHERE r.source_type = ? AND r.source_id = ? ORDER BY r.id`, type, id);
}

export function reversalsOf(db: Db, rewardId: number): RewardRow[] {
  return db.all<RewardRow>(`${SELECT} WHERE r.reverses_id = ? ORDER BY r.id`, rewardId);
}

export function rewardsOfPayout(db: Db, payoutId: number): RewardRow[] {
  return db.all<RewardRow>(`${SELECT} WHERE r.payout_id = ? ORDER BY r.id`, payoutId);
}

export interface RewardFilter {
  partnerId?: number;
  status?: RewardStatus;
}

/** Newest first; afterId = the id of the last reward of the previous page. */
export function listRewards(db: Db, programId: number, f: RewardFilter, limit: number, afterId?: number): RewardRow[] {
  const where = ['r.program_id = ?'];
  const params: unknown[] = [programId];
  if (f.partnerId !== undefined) (where.push('r.partner_id = ?'), params.push(f.partnerId));
  if (f.status !== undefined) (where.push('r.status = ?'), params.push(f.status));
  if (afterId !== undefined) (where.push('r.id < ?'), params.push(afterId));
  return db.all<RewardRow>(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY r.id DESC LIMIT ?`, ...params, limit);
}

/** Pending rewards whose hold ended by `now` (all programs), the longest due first (read off the partial index reward_due). */
export function dueRewardIds(db: Db, now: number, limit: number): number[] {
  return db.all<{ id: number }>("SELECT id FROM reward WHERE status = 'pending' AND approve_at <= ? ORDER BY approve_at, id LIMIT ?", now, limit).map((r) => r.id);
}

/** pending -> approved; false if the row was not pending. */
export function markApproved(db: Db, id: number, now: number): boolean {
  return db.run("UPDATE reward SET status = 'approved', approved_at = ? WHERE id = ? AND status = 'pending'", now, id).changes === 1;
}

/** pending|approved -> declined or reversed, with a reason; false if the row had moved on. */
export function markClosed(db: Db, id: number, status: 'declined' | 'reversed', reason: string): boolean {
  return db.run("UPDATE reward SET status = ?, reason = ? WHERE id = ? AND status IN ('pending', 'approved')", status, reason, id).changes === 1;
}

/** Live rewards an offer gave, for its caps (declined and reversed ones do not count). */
export function countOfferRewards(db: Db, offerId: number, by: { customerId?: number; partnerId?: number }): number {
  const [col, val] = by.customerId !== undefined ? ['customer_id', by.customerId] : ['partner_id', by.partnerId];
  return db.get<{ n: number }>(
    `SELECT count(*) AS n FROM reward WHERE offer_id = ? AND ${col} = ? AND reverses_id IS NULL AND status NOT IN ('declined', 'reversed')`,
    offerId,
    val,
  )!.n;
}

export interface ApprovedTotal {
  currency: string;
  amount: number;
  count: number;
}

export function approvedTotals(db: Db, partnerId: number): ApprovedTotal[] {
  return db.all<ApprovedTotal>(
    "SELECT currency, sum(amount) AS amount, count(*) AS count FROM reward WHERE partner_id = ? AND status = 'approved' GROUP BY currency ORDER BY currency",
    partnerId,
  );
}

/** approved -> paid for one partner and currency; returns how many rows it paid. */
export function markPaid(db: Db, partnerId: number, currency: string, payoutId: number): number {
  return db.run("UPDATE reward SET status = 'paid', payout_id = ? WHERE partner_id = ? AND currency = ? AND status = 'approved'", payoutId, partnerId, currency)
    .changes;
}
