// What a program manager changes on partners beyond the core's partner/link/tag writes:
// groups (create, list, move a partner), removing tags, and partner contacts.
import type { Db } from '../db/index.js';
import type { GroupRow } from './groups.js';

/** Inserts a group; undefined when the key is taken. */
export function insertGroup(db: Db, g: { programId: number; key: string; name: string; now: number }): number | undefined {
  return db.get<{ id: number }>(
    'INSERT INTO partner_group (program_id, key, name, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (program_id, key) DO NOTHING RETURNING id',
    g.programId,
    g.key,
    g.name,
    g.now,
  )?.id;
}

/** Newest first, with each group's partner count; afterId = the id of the previous page's last group. */
export function listGroups(db: Db, programId: number, limit: number, afterId?: number): (GroupRow & { partners: number })[] {
  return db.all<GroupRow & { partners: number }>(
    `SELECT g.*, (SELECT count(*) FROM partner p WHERE p.group_id = g.id) AS partners FROM partner_group g
     WHERE g.program_id = ? AND g.id < ? ORDER BY g.id DESC LIMIT ?`,
    programId,
    afterId ?? Number.MAX_SAFE_INTEGER,
    limit,
  );
}

/** Moves a partner into a group (one group at a time); false when it already was there. */
export function setPartnerGroup(db: Db, partnerId: number, groupId: number): boolean {
  return db.run('UPDATE partner SET group_id = ? WHERE id = ? AND group_id IS NOT ?', groupId, partnerId, groupId).changes === 1;
}

/** Removes the named tags from a partner; returns how many it had. */
export function removePartnerTags(db: Db, partnerId: number, names: string[]): number {
  let n = 0;
  for (const name of names) {
    n += db.run('DELETE FROM partner_tag WHERE partner_id = ? AND tag_id = (SELECT t.id FROM tag t JOIN partner p ON p.program_id = t.program_id WHERE p.id = ? AND t.name = ?)', partnerId, partnerId, name).changes;
  }
  return n;
}

export function hasTag(db: Db, partnerId: number, name: string): boolean {
  return !!db.get('SELECT 1 FROM partner_tag pt JOIN tag t ON t.id = pt.tag_id WHERE pt.partner_id = ? AND t.name = ?', partnerId, name);
}

export type ContactRole = 'owner' | 'admin' | 'member' | 'viewer';

export interface ContactRow {
  id: number;
  partner_id: number;
  key: string;
  email: string;
  name: string;
  role: ContactRole;
  created_at: number;
}

/** Inserts a contact; throws SQLITE_CONSTRAINT_UNIQUE on a taken key or email. */
export function insertContact(db: Db, c: { partnerId: number; key: string; email: string; name: string; role: ContactRole; now: number }): number {
  return Number(
    db.run('INSERT INTO partner_contact (partner_id, key, email, name, role, created_at) VALUES (?, ?, ?, ?, ?, ?)', c.partnerId, c.key, c.email, c.name, c.role, c.now)
      .lastInsertRowid,
  );
}

export function contactByKey(db: Db, partnerId: number, key: string): ContactRow | undefined {
  return db.get<ContactRow>('SELECT * FROM partner_contact WHERE partner_id = ? AND key = ?', partnerId, key);
}

export function contactsOf(db: Db, partnerId: number, limit: number, afterId?: number): ContactRow[] {
  return db.all<ContactRow>('SELECT * FROM partner_contact WHERE partner_id = ? AND id < ? ORDER BY id DESC LIMIT ?', partnerId, afterId ?? Number.MAX_SAFE_INTEGER, limit);
}

/** Clicks and customers that came through one contact's links. */
export function contactStats(db: Db, contactId: number): { clicks: number; customers: number } {
  return {
    clicks: db.get<{ n: number }>('SELECT count(*) AS n FROM click WHERE contact_id = ?', contactId)!.n,
    customers: db.get<{ n: number }>(
      'SELECT count(*) AS n FROM customer cu WHERE cu.contact_id = ? OR cu.click_id IN (SELECT id FROM click WHERE contact_id = ?)',
      contactId,
      contactId,
    )!.n,
  };
}

/** Customers a partner brought (newest first), optionally only those through one contact. */
export function customersOfPartner(db: Db, partnerId: number, contactId: number | null, limit: number): { key: string; email: string | null; created_at: number }[] {
  return contactId === null
    ? db.all('SELECT key, email, created_at FROM customer WHERE partner_id = ? ORDER BY id DESC LIMIT ?', partnerId, limit)
    : db.all(
        'SELECT key, email, created_at FROM customer cu WHERE partner_id = ? AND (cu.contact_id = ? OR cu.click_id IN (SELECT id FROM click WHERE contact_id = ?)) ORDER BY id DESC LIMIT ?',
        partnerId,
        contactId,
        contactId,
        limit,
      );
}
