// The public JSON of the reward pipeline's objects (what the API answers and webhooks carry),
// and the public ids: rewards are "rwd_<n>", payouts "po_<n>", webhook endpoints "wh_<n>",
// deliveries "whd_<n>".
import type { Db } from '../../db/index.js';
import type { DealRow } from '../../store/deals.js';
import type { OfferRow } from '../../store/offers.js';
import type { ContactRow } from '../../store/partner-admin.js';
import type { PayoutRow } from '../../store/payouts.js';
import type { RewardRow } from '../../store/rewards.js';
import type { SegmentRow } from '../../store/segments.js';
import type { TierRow } from '../../store/tiers.js';
import { allocationsOf, refundedOf, type TxnRow } from '../../store/transactions.js';
import type { TriggerRow } from '../../store/triggers.js';
import type { DeliveryRow, EndpointRow } from '../../store/webhooks.js';
import { iso, isoOrNull } from './money.js';

export const publicId = (prefix: 'rwd' | 'po' | 'wh' | 'whd', id: number) => `${prefix}_${id}`;

/** "rwd_12" -> 12; undefined when the id is not of that kind. */
export function parseId(prefix: 'rwd' | 'po' | 'wh' | 'whd', value: string): number | undefined {
  const m = new RegExp(`^${prefix}_([1-9][0-9]{0,15})$`).exec(value);
  return m ? Number(m[1]) : undefined;
}

export function rewardJson(r: RewardRow) {
  return {
    id: publicId('rwd', r.id),
    partnerKey: r.partner_key,
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    offer: r.offer_key ? { key: r.offer_key, name: r.offer_name } : null,
    trigger: r.trigger_key ? { key: r.trigger_key } : null,
    source: { type: r.source_type, key: r.source_key },
    reverses: r.reverses_id === null ? null : publicId('rwd', r.reverses_id),
    description: r.description,
    reason: r.reason,
    createdAt: iso(r.created_at),
    approveAt: iso(r.approve_at),
    approvedAt: isoOrNull(r.approved_at),
    payoutId: r.payout_id === null ? null : publicId('po', r.payout_id),
  };
}
export type RewardJson = ReturnType<typeof rewardJson>;

export function txnJson(db: Db, t: TxnRow) {
  const base = {
    key: t.key,
    type: t.kind,
    customerKey: t.customer_key,
    partnerKey: t.partner_key,
    amount: t.amount,
    currency: t.currency,
    productKey: t.product_key,
    categoryKey: t.category_key,
    createdAt: iso(t.created_at),
  };
  return t.kind === 'sale'
    ? { ...base, refunded: refundedOf(db, t.id) }
    : { ...base, refunds: allocationsOf(db, t).map((a) => ({ transactionKey: a.key, amount: a.amount })) };
}

export function offerJson(o: OfferRow) {
  return {
    key: o.key,
    name: o.name,
    event: o.event,
    firstOnly: o.first_only === 1,
    amount: o.amount,
    currency: o.currency,
    bps: o.bps,
    durationMonths: o.duration_months,
    maxPerCustomer: o.max_per_customer,
    maxPerPartner: o.max_per_partner,
    startsAt: isoOrNull(o.starts_at),
    endsAt: isoOrNull(o.ends_at),
    groupKey: o.group_key,
    tierKey: o.tier_key,
    status: o.status,
    createdAt: iso(o.created_at),
  };
}

export function payoutJson(p: PayoutRow, rewards?: RewardRow[]) {
  return {
    id: publicId('po', p.id),
    partnerKey: p.partner_key,
    amount: p.amount,
    currency: p.currency,
    rewardCount: p.reward_count,
    createdAt: iso(p.created_at),
    ...(rewards ? { rewards: rewards.map((r) => publicId('rwd', r.id)) } : {}),
  };
}

export function tierJson(t: TierRow) {
  return {
    key: t.key,
    name: t.name,
    rank: t.rank,
    metric: t.metric,
    threshold: t.threshold,
    currency: t.currency,
    periodDays: t.period_days,
    createdAt: iso(t.created_at),
  };
}

export function segmentJson(s: SegmentRow) {
  return { key: s.key, name: s.name, match: s.match, rules: JSON.parse(s.rules) as unknown[], createdAt: iso(s.created_at) };
}

export function triggerJson(t: TriggerRow) {
  return {
    key: t.key,
    name: t.name,
    event: t.event,
    conditions: JSON.parse(t.conditions) as unknown[],
    action: JSON.parse(t.action) as unknown,
    status: t.status,
    createdAt: iso(t.created_at),
  };
}

export function endpointJson(e: EndpointRow) {
  return {
    id: publicId('wh', e.id),
    url: e.url,
    events: JSON.parse(e.events) as string[],
    secret: e.secret,
    description: e.description,
    createdAt: iso(e.created_at),
  };
}

export function deliveryJson(d: DeliveryRow) {
  return {
    id: publicId('whd', d.id),
    eventId: d.event_id,
    eventType: d.event_type,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' || d.status === 'sending' ? iso(d.next_attempt_at) : null,
    lastStatus: d.last_status,
    lastError: d.last_error,
    deliveredAt: isoOrNull(d.delivered_at),
    createdAt: iso(d.created_at),
  };
}

export function dealJson(d: DealRow) {
  return {
    key: d.key,
    type: d.kind,
    partnerKey: d.partner_key,
    email: d.email,
    name: d.name,
    company: d.company,
    amount: d.amount,
    currency: d.currency,
    status: d.status,
    closedAt: isoOrNull(d.closed_at),
    createdAt: iso(d.created_at),
  };
}

export function contactJson(c: ContactRow, links: { linkKey: string; url: string; destination: string }[]) {
  return { key: c.key, email: c.email, name: c.name, role: c.role, links, createdAt: iso(c.created_at) };
}
