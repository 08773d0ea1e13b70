// Customers: one row per (program, customer key), the unique index being the dedup. A
// customer is attributed at most once (partner_id goes from NULL to a partner, never back).
import type { Db } from '../db/index.js';

export interface CustomerRow {
  id: number;
  program_id: number;
  key: string;
  email: string | null;
  name: string | null;
  partner_id: number | null;
  click_id: number | null;
  contact_id: number | null;
  metadata: string | null;
  self_referral: number;
  attributed_at: number | null;
  created_at: number;
  partner_key: string | null;
  xid: string | null;
}

const SELECT = `SELECT cu.*, p.key AS partner_key, cl.xid AS xid FROM customer cu
  LEFT JOIN partner p ON p.id = cu.partner_id LEFT JOIN click cl ON cl.id = cu.click_id`;

export interface NewCustomer {
  programId: number;
  key: string;
  email: string | null;
  name: string | null;
  partnerId: number | null;
  clickId: number | null;
  metadata: string | null;
  selfReferral: boolean;
  now: number;
}

/** Inserts the customer unless (program, key) exists: the new row as customerById reads it, or undefined on conflict. */
export function insertCustomer(db: Db, c: NewCustomer): CustomerRow | undefined {
  return db.get<CustomerRow>(
    `INSERT INTO customer (program_id, key, email, name, partner_id, click_id, metadata, self_referral, attributed_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (program_id, key) DO NOTHING
     RETURNING *, (SELECT key FROM partner WHERE id = customer.partner_id) AS partner_key, (SELECT xid FROM click WHERE id = customer.click_id) AS xid`,
    c.programId,
    c.key,
    c.email,
    c.name,
    c.partnerId,
    c.clickId,
    c.metadata,
    c.selfReferral ? 1 : 0,
    c.partnerId === null ? null : c.now,
    c.now,
  );
}

/** Attributes a not-yet-attributed customer; false when it already was (never re-attributes). */
export function attributeCustomer(db: Db, id: number, partnerId: number, clickId: number | null, now: number): boolean {
  return db.run('UPDATE customer SET partner_id = ?, click_id = ?, attributed_at = ? WHERE id = ? AND partner_id IS NULL', partnerId, clickId, now, id).changes === 1;
}

export function flagSelfReferral(db: Db, id: number): void {
  db.run('UPDATE customer SET self_referral = 1 WHERE id = ? AND partner_id IS NULL', id);
}

/** Fills email / name the customer was created without (identify may create one without an email). */
export function fillCustomerContact(db: Db, id: number, email: string | null, name: string | null): void {
  db.run('UPDATE customer SET email = coalesce(email, ?), name = coalesce(name, ?) WHERE id = ?', email, name, id);
}

export function customerByKey(db: Db, programId: number, key: string): CustomerRow | undefined {
  return db.get<CustomerRow>(`${SELECT} WHERE cu.program_id = ? AND cu.key = ?`, programId, key);
}

export function customerById(db: Db, id: number): CustomerRow | undefined {
  return db.get<CustomerRow>(`${SELECT} WHERE cu.id = ?`, id);
}

/** Newest first; afterId = the row id of the last customer of the previous page. */
export function listCustomers(db: Db, programId: number, limit: number, afterId = Number.MAX_SAFE_INTEGER): CustomerRow[] {
  return db.all<CustomerRow>(`${SELECT} WHERE cu.program_id = ? AND cu.id < ? ORDER BY cu.id DESC LIMIT ?`, programId, afterId, limit);
}
