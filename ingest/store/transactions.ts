// Transactions: sales (amount > 0) and refunds (amount < 0), one row per (program, key). The
// unique index is the idempotency check: an insert that conflicts returns nothing and the
// caller compares the stored body hash. A refund records which sales it took back, and how
// much of each, in refund_allocation.
import type { Db } from '../db/index.js';

export interface TxnRow {
  id: number;
  program_id: number;
  key: string;
  kind: 'sale' | 'refund';
  customer_id: number;
  partner_id: number | null;
  contact_id: number | null;
  amount: number;
  currency: string;
  product_key: string | null;
  category_key: string | null;
  refund_of_id: number | null;
  body_hash: string;
  response: string | null;
  created_at: number;
  customer_key: string;
  partner_key: string | null;
}

const SELECT = `SELECT t.*, cu.key AS customer_key, p.key AS partner_key FROM txn t
  JOIN customer cu ON cu.id = t.customer_id LEFT JOIN partner p ON p.id = t.partner_id`;

export interface NewTxn {
  programId: number;
  key: string;
  kind: 'sale' | 'refund';
  customerId: number;
  partnerId: number | null;
  contactId: number | null;
  amount: number;
  currency: string;
  productKey: string | null;
  categoryKey: string | null;
  refundOfId: number | null;
  bodyHash: string;
  now: number;
}

/** Inserts the transaction unless (program, key) exists: the new row as txnById reads it, or undefined on conflict. */
export function insertTxn(db: Db, t: NewTxn): TxnRow | undefined {
  return db.get<TxnRow>(
    `INSERT INTO txn (program_id, key, kind, customer_id, partner_id, contact_id, amount, currency, product_key, category_key, refund_of_id, body_hash, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (program_id, key) DO NOTHING
     RETURNING *, (SELECT key FROM customer WHERE id = txn.customer_id) AS customer_key, (SELECT key FROM partner WHERE id = txn.partner_id) AS partner_key`,
    t.programId,
    t.key,
    t.kind,
    t.customerId,
    t.partnerId,
    t.contactId,
    t.amount,
    t.currency,
    t.productKey,
    t.categoryKey,
    t.refundOfId,
    t.bodyHash,
    t.now,
  );
}

/** The first answer, kept so a retry gets exactly the same JSON. */
export function saveTxnResponse(db: Db, id: number, response: string): void {
  db.run('UPDATE txn SET response = ? WHERE id = ?', response, id);
}

export function txnByKey(db: Db, programId: number, key: string): TxnRow | undefined {
  return db.get<TxnRow>(`${SELECT} WHERE t.program_id = ? AND t.key = ?`, programId, key);
}

export function txnById(db: Db, id: number): TxnRow | undefined {
  return db.get<TxnRow>(`${SELECT} WHERE t.id = ?`, id);
}

export interface TxnFilter {
  customerId?: number;
  partnerId?: number;
}

/** Newest first; afterId = the id of the last transaction of the previous page. */
export function listTxns(db: Db, programId: number, f: TxnFilter, limit: number, afterId?: number): TxnRow[] {
  const where = ['t.program_id = ?'];
  const params: unknown[] = [programId];
  if (f.customerId !== undefined) (where.push('t.customer_id = ?'), params.push(f.customerId));
  if (f.partnerId !== undefined) (where.push('t.partner_id = ?'), params.push(f.partnerId));
  if (afterId !== undefined) (where.push('t.id < ?'), params.push(afterId));
  return db.all<TxnRow>(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY t.id DESC LIMIT ?`, ...params, limit);
}

/** How much of a sale has been refunded so far. */
export function refundedOf(db: Db, saleId: number): number {
  return db.get<{ n: number }>('SELECT coalesce(sum(amount), 0) AS n FROM refund_allocation WHERE sale_id = ?', saleId)!.n;
}

/** Has the customer bought anything before this sale? (first-transaction offers) */
export function hasEarlierSale(db: Db, customerId: number, saleId: number): boolean {
  return !!db.get("SELECT 1 FROM txn WHERE customer_id = ? AND kind = 'sale' AND id < ? LIMIT 1", customerId, saleId);
}

/** A customer's sales in one currency that still have something left to refund, newest first. */
export function refundableSales(db: Db, customerId: number, currency: string): { id: number; remaining: number }[] {
  return db.all<{ id: number; remaining: number }>(
    `SELECT s.id, s.amount - coalesce((SELECT sum(a.amount) FROM refund_allocation a WHERE a.sale_id = s.id), 0) AS remaining
     FROM txn s WHERE s.customer_id = ? AND s.currency = ? AND s.kind = 'sale' AND remaining > 0 ORDER BY s.id DESC`,
    customerId,
    currency,
  );
}

export function insertAllocation(db: Db, refundId: number, saleId: number, amount: number): void {
  db.run('INSERT INTO refund_allocation (refund_id, sale_id, amount) VALUES (?, ?, ?)', refundId, saleId, amount);
}

/** For a refund: which sales it took back. For a sale: which refunds took it back. */
export function allocationsOf(db: Db, txn: { id: number; kind: 'sale' | 'refund' }): { key: string; amount: number }[] {
  return txn.kind === 'refund'
    ? db.all('SELECT s.key, a.amount FROM refund_allocation a JOIN txn s ON s.id = a.sale_id WHERE a.refund_id = ? ORDER BY s.id DESC', txn.id)
    : db.all('SELECT r.key, a.amount FROM refund_allocation a JOIN txn r ON r.id = a.refund_id WHERE a.sale_id = ? ORDER BY r.id', txn.id);
}

export function countRefundsOf(db: Db, saleId: number): number {
  return db.get<{ n: number }>('SELECT count(*) AS n FROM refund_allocation WHERE sale_id = ?', saleId)!.n;
}

/** The partner contact whose link brought the customer, if any. */
export function contactOfCustomer(db: Db, customerId: number): number | null {
  return (
    db.get<{ contact_id: number | null }>(
      'SELECT coalesce(cu.contact_id, cl.contact_id) AS contact_id FROM customer cu LEFT JOIN click cl ON cl.id = cu.click_id WHERE cu.id = ?',
      customerId,
    )?.contact_id ?? null
  );
}
