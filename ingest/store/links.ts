// Links: a globally unique short key (/r/{key}) that resolves to a partner (and optionally
// one of its contacts) and a destination URL.
import type { Db } from '../db/index.js';

export interface LinkRow {
  id: number;
  program_id: number;
  partner_id: number;
  contact_id: number | null;
  key: string;
  destination: string;
  created_at: number;
  partner_key: string;
}

const SELECT = 'SELECT l.*, p.key AS partner_key FROM link l JOIN partner p ON p.id = l.partner_id';

export interface NewLink {
  programId: number;
  partnerId: number;
  contactId?: number | null;
  key: string;
  destination: string;
  now: number;
}

/** Inserts a link; throws SQLITE_CONSTRAINT_UNIQUE when the key is taken. */
export function insertLink(db: Db, l: NewLink): number {
  const res = db.run(
    'INSERT INTO link (program_id, partner_id, contact_id, key, destination, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    l.programId,
    l.partnerId,
    l.contactId ?? null,
    l.key,
    l.destination,
    l.now,
  );
  return Number(res.lastInsertRowid);
}

export function linkByKey(db: Db, key: string): LinkRow | undefined {
  return db.get<LinkRow>(`${SELECT} WHERE l.key = ?`, key);
}

export function linkById(db: Db, id: number): LinkRow | undefined {
  return db.get<LinkRow>(`${SELECT} WHERE l.id = ?`, id);
}

export function linksOfPartner(db: Db, partnerId: number): LinkRow[] {
  return db.all<LinkRow>(`${SELECT} WHERE l.partner_id = ? ORDER BY l.id`, partnerId);
}
