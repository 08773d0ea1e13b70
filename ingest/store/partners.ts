// Partners (partnerships) and the questions asked about them: by key, pages of the list,
// whether an email belongs to the partner or one of its contacts, counts for stats.
import type { Db } from '../db/index.js';

export interface PartnerRow {
  id: number;
  program_id: number;
  key: string;
  email: string;
  name: string;
  group_id: number | null;
  status: 'active' | 'archived';
  created_at: number;
  group_key: string | null;
}

const SELECT = 'SELECT p.*, g.key AS group_key FROM partner p LEFT JOIN partner_group g ON g.id = p.group_id';

export interface NewPartner {
  programId: number;
  key: string;
  email: string;
  name: string;
  groupId: number | null;
  now: number;
}

/** Inserts a partner; throws SQLITE_CONSTRAINT_UNIQUE on a taken key or email (see uniqueField). */
export function insertPartner(db: Db, p: NewPartner): number {
  const res = db.run(
    'INSERT INTO partner (program_id, key, email, name, group_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    p.programId,
    p.key,
    p.email,
    p.name,
    p.groupId,
    p.now,
  );
  return Number(res.lastInsertRowid);
}

/** Which natural key a SQLITE_CONSTRAINT_UNIQUE error on partner names: 'key', 'email' or undefined. */
export function partnerUniqueField(err: unknown): 'key' | 'email' | undefined {
  if (!(err instanceof Error) || (err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') return undefined;
  if (/partner\.email|partner_email/.test(err.message)) return 'email';
  if (/partner\.key/.test(err.message)) return 'key';
  return undefined;
}

export function partnerByKey(db: Db, programId: number, key: string): PartnerRow | undefined {
  return db.get<PartnerRow>(`${SELECT} WHERE p.program_id = ? AND p.key = ?`, programId, key);
}

export function partnerById(db: Db, id: number): PartnerRow | undefined {
  return db.get<PartnerRow>(`${SELECT} WHERE p.id = ?`, id);
}

/** Newest first; afterId = the row id of the last partner of the previous page. */
export function listPartners(db: Db, programId: number, limit: number, afterId = Number.MAX_SAFE_INTEGER): PartnerRow[] {
  return db.all<PartnerRow>(`${SELECT} WHERE p.program_id = ? AND p.id < ? ORDER BY p.id DESC LIMIT ?`, programId, afterId, limit);
}

/** True when the email (case-insensitive) is the partner's own or one of its contacts'. */
export function isPartnerEmail(db: Db, partnerId: number, email: string): boolean {
  return !!db.get(
    `SELECT 1 FROM partner WHERE id = ? AND email = ? COLLATE NOCASE
     UNION ALL SELECT 1 FROM partner_contact WHERE partner_id = ? AND email = ? COLLATE NOCASE LIMIT 1`,
    partnerId,
    email,
    partnerId,
    email,
  );
}

export function countCustomersOf(db: Db, partnerId: number): number {
  return db.get<{ n: number }>('SELECT count(*) AS n FROM customer WHERE partner_id = ?', partnerId)!.n;
}
