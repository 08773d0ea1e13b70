// Leads and deals a partner registers (lead-pass and co-sell). A lead is a deal of kind
// 'lead'; both move from open to won or lost once.
import type { Db } from '../db/index.js';

export interface DealRow {
  id: number;
  program_id: number;
  partner_id: number;
  key: string;
  kind: 'lead' | 'deal';
  email: string | null;
  name: string | null;
  company: string | null;
  amount: number | null;
  currency: string | null;
  status: 'open' | 'won' | 'lost';
  closed_at: number | null;
  created_at: number;
  partner_key: string;
}

const SELECT = 'SELECT d.*, p.key AS partner_key FROM deal d JOIN partner p ON p.id = d.partner_id';

export interface NewDeal {
  programId: number;
  partnerId: number;
  key: string;
  kind: 'lead' | 'deal';
  email: string | null;
  name: string | null;
  company: string | null;
  amount: number | null;
  currency: string | null;
  now: number;
}

/** Inserts a lead/deal; undefined when the key is taken. */
export function insertDeal(db: Db, d: NewDeal): number | undefined {
  return db.get<{ id: number }>(
    `INSERT INTO deal (program_id, partner_id, key, kind, email, name, company, amount, currency, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (program_id, key) DO NOTHING RETURNING id`,
    d.programId,
    d.partnerId,
    d.key,
    d.kind,
    d.email,
    d.name,
    d.company,
    d.amount,
    d.currency,
    d.now,
  )?.id;
}

export function dealByKey(db: Db, programId: number, key: string): DealRow | undefined {
  return db.get<DealRow>(`${SELECT} WHERE d.program_id = ? AND d.key = ?`, programId, key);
}

export function dealById(db: Db, id: number): DealRow | undefined {
  return db.get<DealRow>(`${SELECT} WHERE d.id = ?`, id);
}

/** open -> won|lost (with the final amount); false when it was not open. */
export function closeDeal(db: Db, id: number, status: 'won' | 'lost', amount: number | null, currency: string | null, now: number): boolean {
  return (
    db.run(
      "UPDATE deal SET status = ?, amount = coalesce(?, amount), currency = coalesce(?, currency), closed_at = ? WHERE id = ? AND status = 'open'",
      status,
      amount,
      currency,
      now,
      id,
    ).changes === 1
  );
}

export function listDeals(db: Db, programId: number, kind: 'lead' | 'deal', partnerId: number | undefined, limit: number, afterId?: number): DealRow[] {
  const where = ['d.program_id = ?', 'd.kind = ?'];
  const params: unknown[] = [programId, kind];
  if (partnerId !== undefined) (where.push('d.partner_id = ?'), params.push(partnerId));
  if (afterId !== undefined) (where.push('d.id < ?'), params.push(afterId));
  return db.all<DealRow>(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY d.id DESC LIMIT ?`, ...params, limit);
}
