// Triggers: "on <event>, if every condition holds, do <action>", run inside the event's
// db.tx(). Conditions read a dot path in the event's facts: the event's public data
// (customer, transaction, deal, reward, payout, ...) plus `partner` = { key, groupKey,
// tierKey, tags, status } of the partner the event is about, and `event.type`.
// Actions: create_reward (once per trigger and source: the partner, customer, transaction
// or deal the event is about), add_tag, remove_tag, move_to_group, send_webhook (to one
// endpoint, even if it is not subscribed to the event). Actions that change a partner emit
// partner.updated; a chain of triggers stops at depth MAX_DEPTH.
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { DomainEvent, EventType } from '../events.js';
import { groupByKey } from '../../store/groups.js';
import { hasTag, removePartnerTags, setPartnerGroup } from '../../store/partner-admin.js';
import { partnerById } from '../../store/partners.js';
import type { SourceType } from '../../store/rewards.js';
import { addPartnerTags, ensureTags, partnerTags } from '../../store/tags.js';
import { partnerStanding, tierById } from '../../store/tiers.js';
import { activeTriggers, type TriggerRow } from '../../store/triggers.js';
import { endpointById } from '../../store/webhooks.js';
import { emitPartnerUpdated } from './emit.js';
import { createReward } from './ledger.js';
import { Amount, Currency, Key } from './money.js';
import { enqueueTo } from './webhooks.js';

export const EVENT_TYPES = [
  'partner.created',
  'partner.updated',
  'customer.created',
  'customer.attributed',
  'transaction.created',
  'transaction.refunded',
  'reward.created',
  'reward.approved',
  'reward.declined',
  'reward.reversed',
  'payout.created',
  'lead.created',
  'deal.created',
  'deal.won',
  'deal.lost',
] as const satisfies readonly EventType[];

const MAX_DEPTH = 3;

/** Which source a create_reward action rewards, per event type (others cannot create rewards). */
const REWARD_SOURCE: Partial<Record<EventType, { type: SourceType; id: string }>> = {
  'partner.created': { type: 'partner', id: 'partnerId' },
  'partner.updated': { type: 'partner', id: 'partnerId' },
  'customer.created': { type: 'customer', id: 'customerId' },
  'customer.attributed': { type: 'customer', id: 'customerId' },
  'transaction.created': { type: 'transaction', id: 'transactionId' },
  'lead.created': { type: 'deal', id: 'dealId' },
  'deal.created': { type: 'deal', id: 'dealId' },
  'deal.won': { type: 'deal', id: 'dealId' },
};
export const canCreateReward = (event: string) => event in REWARD_SOURCE;

const Scalar = z.union([z.string().max(200), z.number(), z.boolean(), z.null()]);
export const Condition = z.strictObject({
  field: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/, 'must be a dot path such as transaction.amount or partner.tags'),
  op: z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'exists']),
  value: z.union([Scalar, z.array(Scalar).max(100)]).optional(),
});
export type Condition = z.infer<typeof Condition>;

export const Action = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('create_reward'),
    amount: Amount.refine((a) => a !== 0, 'must not be 0'),
    currency: Currency,
    description: z.string().max(500).optional(),
  }),
  z.strictObject({ type: z.literal('add_tag'), tag: z.string().min(1).max(100) }),
  z.strictObject({ type: z.literal('remove_tag'), tag: z.string().min(1).max(100) }),
  z.strictObject({ type: z.literal('move_to_group'), groupKey: Key }),
  z.strictObject({ type: z.literal('send_webhook'), webhookId: z.string().regex(/^wh_[0-9]+$/, 'must be a webhook id (wh_...)') }),
]);
export type Action = z.infer<typeof Action>;

function lookup(facts: unknown, path: string): unknown {
  let v: unknown = facts;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

export function holds(c: Condition, facts: unknown): boolean {
  const v = lookup(facts, c.field);
  const want = c.value;
  switch (c.op) {
    case 'exists':
      return v !== undefined && v !== null;
    case 'eq':
      return v === want;
    case 'neq':
      return v !== want;
    case 'gt':
      return typeof v === 'number' && typeof want === 'number' && v > want;
    case 'gte':
      return typeof v === 'number' && typeof want === 'number' && v >= want;
    case 'lt':
      return typeof v === 'number' && typeof want === 'number' && v < want;
    case 'lte':
      return typeof v === 'number' && typeof want === 'number' && v <= want;
    case 'in':
      return Array.isArray(want) && want.includes(v as never);
    case 'contains':
      return Array.isArray(v) ? v.includes(want) : typeof v === 'string' && typeof want === 'string' && v.includes(want);
  }
}

function factsOf(ctx: AppContext, e: DomainEvent): Record<string, unknown> {
  const facts: Record<string, unknown> = { ...e.data, event: { type: e.type } };
  const partnerId = e.ids.partnerId;
  if (partnerId) {
    const p = partnerById(ctx.db, partnerId);
    const standing = partnerStanding(ctx.db, partnerId);
    const tier = standing?.tier_id ? tierById(ctx.db, standing.tier_id) : undefined;
    const given = typeof e.data.partner === 'object' && e.data.partner !== null ? e.data.partner : {};
    facts.partner = { ...given, key: p?.key, groupKey: p?.group_key ?? null, tierKey: tier?.key ?? null, tags: partnerTags(ctx.db, partnerId), status: p?.status };
  }
  return facts;
}

let depth = 0;

/** Runs the program's active triggers for the event. Call inside db.tx(). */
export function runTriggers(ctx: AppContext, e: DomainEvent): void {
  if (depth >= MAX_DEPTH) return;
  const triggers = activeTriggers(ctx.db, e.programId, e.type);
  if (!triggers.length) return;
  depth++;
  try {
    let facts: Record<string, unknown> | undefined;
    for (const t of triggers) {
      facts ??= factsOf(ctx, e);
      const conditions = JSON.parse(t.conditions) as Condition[];
      if (!conditions.every((c) => holds(c, facts))) continue;
      act(ctx, t, JSON.parse(t.action) as Action, e);
      facts = undefined; // an action may have changed the partner
    }
  } finally {
    depth--;
  }
}

function act(ctx: AppContext, t: TriggerRow, a: Action, e: DomainEvent): void {
  const partnerId = e.ids.partnerId ?? null;
  switch (a.type) {
    case 'send_webhook': {
      const ep = endpointById(ctx.db, e.programId, Number(a.webhookId.slice(3)));
      if (ep) enqueueTo(ctx, ep.id, e);
      return;
    }
    case 'create_reward': {
      const src = REWARD_SOURCE[e.type];
      const sourceId = src ? e.ids[src.id] : null;
      if (!partnerId || !src || !sourceId) return;
      createReward(ctx, {
        programId: e.programId,
        partnerId,
        customerId: e.ids.customerId ?? null,
        triggerId: t.id,
        sourceType: src.type,
        sourceId,
        amount: a.amount,
        currency: a.currency,
        description: a.description ?? t.name,
      });
      return;
    }
    case 'add_tag':
      if (!partnerId || hasTag(ctx.db, partnerId, a.tag)) return;
      addPartnerTags(ctx.db, partnerId, ensureTags(ctx.db, e.programId, [a.tag]));
      emitPartnerUpdated(ctx, e.programId, partnerId, 'tags', { added: [a.tag], trigger: t.key });
      return;
    case 'remove_tag':
      if (!partnerId || !removePartnerTags(ctx.db, partnerId, [a.tag])) return;
      emitPartnerUpdated(ctx, e.programId, partnerId, 'tags', { removed: [a.tag], trigger: t.key });
      return;
    case 'move_to_group': {
      const g = groupByKey(ctx.db, e.programId, a.groupKey);
      if (!partnerId || !g || !setPartnerGroup(ctx.db, partnerId, g.id)) return;
      emitPartnerUpdated(ctx, e.programId, partnerId, 'group', { groupKey: g.key, trigger: t.key });
      return;
    }
  }
}
