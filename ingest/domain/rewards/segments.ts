// Segments: partner lists defined by rules, never by hand. A rule looks at one fact:
//   { field: 'tag',       op: 'has' | 'lacks',              value: 'tag name' }
//   { field: 'group',     op: 'eq' | 'neq' | 'in',          value: groupKey | [groupKey] }
//   { field: 'tier',      op: 'eq' | 'neq' | 'in' | 'atLeast', value: tierKey | [tierKey] }   (a partner with no tier
//                                                           matches only neq)
//   { field: 'createdAt', op: 'gte' | 'lt',                 value: ISO date-time }             (the partner's signup)
//   { field: 'revenue',   op: 'gte' | 'lt',                 value: minor units, currency }      (net, all time)
// and a segment matches 'all' (default) or 'any' of its rules. Membership is computed from
// the current facts each time it is read.
import { z } from 'zod';
import type { Db } from '../../db/index.js';
import type { SegmentRow } from '../../store/segments.js';
import { partnerFacts, type PartnerFacts } from '../../store/segments.js';
import { tiersOf } from '../../store/tiers.js';
import { Amount, Currency, Key } from './money.js';

const Keys = z.union([Key, z.array(Key).min(1).max(100)]);

export const Rule = z.discriminatedUnion('field', [
  z.strictObject({ field: z.literal('tag'), op: z.enum(['has', 'lacks']), value: z.string().min(1).max(100) }),
  z.strictObject({ field: z.literal('group'), op: z.enum(['eq', 'neq', 'in']), value: Keys }),
  z.strictObject({ field: z.literal('tier'), op: z.enum(['eq', 'neq', 'in', 'atLeast']), value: Keys }),
  z.strictObject({ field: z.literal('createdAt'), op: z.enum(['gte', 'lt']), value: z.iso.datetime({ offset: true }) }),
  z.strictObject({ field: z.literal('revenue'), op: z.enum(['gte', 'lt']), value: Amount, currency: Currency }),
]);
export type Rule = z.infer<typeof Rule>;

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

function keyRule(op: 'eq' | 'neq' | 'in', have: string | null, value: string | string[]): boolean {
  if (op === 'neq') return !list(value).includes(have ?? '');
  return have !== null && list(value).includes(have);
}

export function matches(rule: Rule, p: PartnerFacts, tierRanks: Map<string, number>): boolean {
  switch (rule.field) {
    case 'tag':
      return p.tags.includes(rule.value) === (rule.op === 'has');
    case 'group':
      return keyRule(rule.op, p.group_key, rule.value);
    case 'tier':
      if (rule.op === 'atLeast') {
        const need = Math.min(...list(rule.value).map((k) => tierRanks.get(k) ?? Infinity));
        return p.tier_rank !== null && p.tier_rank >= need;
      }
      return keyRule(rule.op, p.tier_key, rule.value);
    case 'createdAt': {
      const at = Date.parse(rule.value);
      return rule.op === 'gte' ? p.created_at >= at : p.created_at < at;
    }
    case 'revenue': {
      const r = p.revenue[rule.currency] ?? 0;
      return rule.op === 'gte' ? r >= rule.value : r < rule.value;
    }
  }
}

/** The partners in the segment now, newest first. */
export function segmentMembers(db: Db, s: SegmentRow): PartnerFacts[] {
  const rules = JSON.parse(s.rules) as Rule[];
  const ranks = new Map(tiersOf(db, s.program_id).map((t) => [t.key, t.rank]));
  const test = (p: PartnerFacts) => (s.match === 'any' ? rules.some((r) => matches(r, p, ranks)) : rules.every((r) => matches(r, p, ranks)));
  return partnerFacts(db, s.program_id).filter(test);
}
