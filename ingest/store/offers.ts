// Offers: what a trigger event is worth to a partner (flat amount or bps), with its window,
// duration, caps and target (a group, a tier, or everyone).
import { cachedConfig } from './config-cache.js';
import type { Db } from '../db/index.js';

export type OfferEvent = 'customer.created' | 'transaction.created' | 'deal.won';

export interface OfferRow {
  id: number;
  program_id: number;
  key: string;
  name: string;
  event: OfferEvent;
  first_only: number;
  amount: number | null;
  currency: string | null;
  bps: number | null;
  duration_months: number | null;
  max_per_customer: number | null;
  max_per_partner: number | null;
  starts_at: number | null;
  ends_at: number | null;
  group_id: number | null;
  tier_id: number | null;
  status: 'active' | 'archived';
  created_at: number;
  group_key: string | null;
  tier_key: string | null;
  tier_rank: number | null;
}

const SELECT = `SELECT o.*, g.key AS group_key, t.key AS tier_key, t.rank AS tier_rank FROM offer o
  LEFT JOIN partner_group g ON g.id = o.group_id LEFT JOIN tier t ON t.id = o.tier_id`;

export interface NewOffer {
  programId: number;
  key: string;
  name: string;
  event: OfferEvent;
  firstOnly: boolean;
  amount: number | null;
  currency: string | null;
  bps: number | null;
  durationMonths: number | null;
  maxPerCustomer: number | null;
  maxPerPartner: number | null;
  startsAt: number | null;
  endsAt: number | null;
  groupId: number | null;
  tierId: number | null;
  now: number;
}

/** Inserts an offer; undefined when the key is taken. */
export function insertOffer(db: Db, o: NewOffer): number | undefined {
  const row = db.get<{ id: number }>(
    `INSERT INTO offer (program_id, key, name, event, first_only, amount, currency, bps, duration_months, max_per_customer, max_per_partner,
       starts_at, ends_at, group_id, tier_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (program_id, key) DO NOTHING RETURNING id`,
    o.programId,
    o.key,
    o.name,
    o.event,
    o.firstOnly ? 1 : 0,
    o.amount,
    o.currency,
    o.bps,
    o.durationMonths,
    o.maxPerCustomer,
    o.maxPerPartner,
    o.startsAt,
    o.endsAt,
    o.groupId,
    o.tierId,
    o.now,
  );
  return row?.id;
}

export function offerByKey(db: Db, programId: number, key: string): OfferRow | undefined {
  return db.get<OfferRow>(`${SELECT} WHERE o.program_id = ? AND o.key = ?`, programId, key);
}

export function offerById(db: Db, id: number): OfferRow | undefined {
  return db.get<OfferRow>(`${SELECT} WHERE o.id = ?`, id);
}

export function listOffers(db: Db, programId: number, limit: number, afterId?: number): OfferRow[] {
  return afterId === undefined
    ? db.all<OfferRow>(`${SELECT} WHERE o.program_id = ? ORDER BY o.id DESC LIMIT ?`, programId, limit)
    : db.all<OfferRow>(`${SELECT} WHERE o.program_id = ? AND o.id < ? ORDER BY o.id DESC LIMIT ?`, programId, afterId, limit);
}

/** Active offers of a program for one event, oldest first (the order rewards are created in). */
export function activeOffers(db: Db, programId: number, event: OfferEvent): readonly OfferRow[] {
  return cachedConfig(db, `offers:${programId}:${event}`, () =>
    db.all<OfferRow>(`${SELECT} WHERE o.program_id = ? AND o.event = ? AND o.status = 'active' ORDER BY o.id`, programId, event),
  );
}

export interface OfferPatch {
  name?: string;
  status?: 'active' | 'archived';
  startsAt?: number | null;
  endsAt?: number | null;
  durationMonths?: number | null;
  maxPerCustomer?: number | null;
  maxPerPartner?: number | null;
}

const PATCH_COLUMNS: Record<keyof OfferPatch, string> = {
  name: 'name',
  status: 'status',
  startsAt: 'starts_at',
  endsAt: 'ends_at',
  durationMonths: 'duration_months',
  maxPerCustomer: 'max_per_customer',
  maxPerPartner: 'max_per_partner',
};

export function updateOffer(db: Db, id: number, patch: OfferPatch): void {
  const sets: string[] = [];
  const params: unknown[] = [];
  for (const [field, col] of Object.entries(PATCH_COLUMNS) as [keyof OfferPatch, string][]) {
    if (patch[field] === undefined) continue;
    sets.push(`${col} = ?`);
    params.push(patch[field]);
  }
  if (sets.length) db.run(`UPDATE offer SET ${sets.join(', ')} WHERE id = ?`, ...params, id);
}
