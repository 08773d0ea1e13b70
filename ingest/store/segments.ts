// Segments: named partner lists defined by rules. Only the rules are stored; membership is
// computed when asked (see domain/rewards/segments.ts), from the facts read here.
import type { Db } from '../db/index.js';

export interface SegmentRow {
  id: number;
  program_id: number;
  key: string;
  name: string;
  match: 'all' | 'any';
  rules: string;
  created_at: number;
}

/** Inserts a segment; undefined when the key is taken. */
export function insertSegment(db: Db, s: { programId: number; key: string; name: string; match: 'all' | 'any'; rules: unknown[]; now: number }): number | undefined {
  return db.get<{ id: number }>(
    'INSERT INTO segment (program_id, key, name, match, rules, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (program_id, key) DO NOTHING RETURNING id',
    s.programId,
    s.key,
    s.name,
    s.match,
    JSON.stringify(s.rules),
    s.now,
  )?.id;
}

export function segmentByKey(db: Db, programId: number, key: string): SegmentRow | undefined {
  return db.get<SegmentRow>('SELECT * FROM segment WHERE program_id = ? AND key = ?', programId, key);
}

export function segmentById(db: Db, id: number): SegmentRow | undefined {
  return db.get<SegmentRow>('SELECT * FROM segment WHERE id = ?', id);
}

export function listSegments(db: Db, programId: number, limit: number, afterId?: number): SegmentRow[] {
  return afterId === undefined
    ? db.all<SegmentRow>('SELECT * FROM segment WHERE program_id = ? ORDER BY id DESC LIMIT ?', programId, limit)
    : db.all<SegmentRow>('SELECT * FROM segment WHERE program_id = ? AND id < ? ORDER BY id DESC LIMIT ?', programId, afterId, limit);
}

/** What segment rules look at, for every partner of a program, newest first. */
export interface PartnerFacts {
  id: number;
  key: string;
  email: string;
  name: string;
  created_at: number;
  group_key: string | null;
  tier_key: string | null;
  tier_rank: number | null;
  tags: string[];
  revenue: Record<string, number>;
}

export function partnerFacts(db: Db, programId: number): PartnerFacts[] {
  const rows = db.all<Omit<PartnerFacts, 'tags' | 'revenue'> & { tags: string | null }>(
    `SELECT p.id, p.key, p.email, p.name, p.created_at, g.key AS group_key, t.key AS tier_key, t.rank AS tier_rank,
       (SELECT json_group_array(tg.name) FROM partner_tag pt JOIN tag tg ON tg.id = pt.tag_id WHERE pt.partner_id = p.id) AS tags
     FROM partner p LEFT JOIN partner_group g ON g.id = p.group_id LEFT JOIN tier t ON t.id = p.tier_id
     WHERE p.program_id = ? ORDER BY p.id DESC`,
    programId,
  );
  const revenue = new Map<number, Record<string, number>>();
  for (const r of db.all<{ partner_id: number; currency: string; amount: number }>(
    `SELECT partner_id, currency, sum(amount) AS amount FROM (
       SELECT s.partner_id, s.currency, s.amount FROM txn s WHERE s.program_id = ? AND s.kind = 'sale' AND s.partner_id IS NOT NULL
       UNION ALL
       SELECT s.partner_id, s.currency, -a.amount FROM refund_allocation a JOIN txn s ON s.id = a.sale_id WHERE s.program_id = ? AND s.partner_id IS NOT NULL
     ) GROUP BY partner_id, currency`,
    programId,
    programId,
  )) {
    const m = revenue.get(r.partner_id) ?? {};
    m[r.currency] = r.amount;
    revenue.set(r.partner_id, m);
  }
  return rows.map((r) => ({ ...r, tags: JSON.parse(r.tags ?? '[]') as string[], revenue: revenue.get(r.id) ?? {} }));
}
