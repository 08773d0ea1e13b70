// Tiers: ranked levels a partner is promoted into when its revenue (in one currency) or its
// count of referred customers within a rolling period reaches a threshold.
import { cachedConfig } from './config-cache.js';
import type { Db } from '../db/index.js';

export interface TierRow {
  id: number;
  program_id: number;
  key: string;
  name: string;
  rank: number;
  metric: 'revenue' | 'customers';
  threshold: number;
  currency: string | null;
  period_days: number | null;
  created_at: number;
}

export interface NewTier {
  programId: number;
  key: string;
  name: string;
  rank: number;
  metric: 'revenue' | 'customers';
  threshold: number;
  currency: string | null;
  periodDays: number | null;
  now: number;
}

/** Inserts a tier; throws SQLITE_CONSTRAINT_UNIQUE on a taken key or rank. */
export function insertTier(db: Db, t: NewTier): number {
  return Number(
    db.run(
      'INSERT INTO tier (program_id, key, name, rank, metric, threshold, currency, period_days, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      t.programId,
      t.key,
      t.name,
      t.rank,
      t.metric,
      t.threshold,
      t.currency,
      t.periodDays,
      t.now,
    ).lastInsertRowid,
  );
}

export function tierByKey(db: Db, programId: number, key: string): TierRow | undefined {
  return db.get<TierRow>('SELECT * FROM tier WHERE program_id = ? AND key = ?', programId, key);
}

export function tierById(db: Db, id: number): TierRow | undefined {
  return db.get<TierRow>('SELECT * FROM tier WHERE id = ?', id);
}

/** All tiers of a program, highest rank first. */
export function tiersOf(db: Db, programId: number): readonly TierRow[] {
  return cachedConfig(db, `tiers:${programId}`, () => db.all<TierRow>('SELECT * FROM tier WHERE program_id = ? ORDER BY rank DESC', programId));
}

export function nextTierRank(db: Db, programId: number): number {
  return db.get<{ n: number }>('SELECT coalesce(max(rank), 0) + 1 AS n FROM tier WHERE program_id = ?', programId)!.n;
}

export function partnerTierId(db: Db, partnerId: number): number | null {
  return db.get<{ tier_id: number | null }>('SELECT tier_id FROM partner WHERE id = ?', partnerId)?.tier_id ?? null;
}

export function setPartnerTier(db: Db, partnerId: number, tierId: number): void {
  db.run('UPDATE partner SET tier_id = ? WHERE id = ?', tierId, partnerId);
}

/** Customers a partner referred (self-referrals excluded) attributed at or after `since`. */
export function customersReferredSince(db: Db, partnerId: number, since: number): number {
  return db.get<{ n: number }>(
    'SELECT count(*) AS n FROM customer WHERE partner_id = ? AND self_referral = 0 AND coalesce(attributed_at, created_at) >= ?',
    partnerId,
    since,
  )!.n;
}

/** What offer targeting looks at: the partner's status, group and tier rank. */
export function partnerStanding(db: Db, partnerId: number): { status: string; group_id: number | null; tier_id: number | null; tier_rank: number | null } | undefined {
  return db.get('SELECT p.status, p.group_id, p.tier_id, t.rank AS tier_rank FROM partner p LEFT JOIN tier t ON t.id = p.tier_id WHERE p.id = ?', partnerId);
}
