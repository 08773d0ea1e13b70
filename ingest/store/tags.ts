// Tags: per-program names, attached to partners. Created on first use (the unique index on
// (program_id, name) makes that race-free).
import type { Db } from '../db/index.js';

/** Ids of the named tags, creating the missing ones. Call inside db.tx(). */
export function ensureTags(db: Db, programId: number, names: string[]): number[] {
  return names.map((name) => {
    db.run('INSERT INTO tag (program_id, name) VALUES (?, ?) ON CONFLICT (program_id, name) DO NOTHING', programId, name);
    return db.get<{ id: number }>('SELECT id FROM tag WHERE program_id = ? AND name = ?', programId, name)!.id;
  });
}

export function addPartnerTags(db: Db, partnerId: number, tagIds: number[]): void {
  for (const id of tagIds) db.run('INSERT INTO partner_tag (partner_id, tag_id) VALUES (?, ?) ON CONFLICT DO NOTHING', partnerId, id);
}

export function partnerTags(db: Db, partnerId: number): string[] {
  return db
    .all<{ name: string }>('SELECT t.name FROM partner_tag pt JOIN tag t ON t.id = pt.tag_id WHERE pt.partner_id = ? ORDER BY t.name', partnerId)
    .map((r) => r.name);
}
