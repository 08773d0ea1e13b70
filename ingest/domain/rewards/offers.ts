// Offer evaluation: turns a source event into rewards. For each active offer of the event's
// type, in creation order, a reward is created when
//   - the partner is active and the customer is not a self-referral,
//   - the event falls in the offer's window (startsAt <= at < endsAt),
//   - the partner is in the offer's group (if any) and at or above its tier's rank (if any),
//   - for firstOnly offers, the sale is the customer's first,
//   - for offers with durationMonths, the event is within that many calendar months of the
//     customer's creation (of the deal's registration, for deal.won),
//   - the caps are not reached: maxPerCustomer / maxPerPartner count the offer's live
//     rewards (declined and reversed ones do not count; deals have no customer, so only
//     maxPerPartner applies to deal.won),
//   - the amount is not 0 (flat: the offer's amount and currency; bps: round-half-away of
//     the transaction's / deal's amount x bps / 10000, in its currency).
// The unique index on (offer, source) makes a replayed event reward nothing twice.
import type { AppContext } from '../../context.js';
import type { DomainEvent } from '../events.js';
import { customerById } from '../../store/customers.js';
import { dealById } from '../../store/deals.js';
import { activeOffers, type OfferEvent, type OfferRow } from '../../store/offers.js';
import { countOfferRewards, type SourceType } from '../../store/rewards.js';
import { partnerStanding } from '../../store/tiers.js';
import { hasEarlierSale, txnById } from '../../store/transactions.js';
import { createReward } from './ledger.js';
import { addMonths, percentOf } from './money.js';

/** What an event offers a reward for. */
interface Subject {
  offerEvent: OfferEvent;
  sourceType: SourceType;
  sourceId: number;
  partnerId: number;
  customerId: number | null;
  /** The transaction's / deal's value, for bps offers. */
  base: { amount: number; currency: string } | null;
  isFirstSale: boolean;
  /** Start of durationMonths. */
  since: number;
}

function subjectOf(ctx: AppContext, event: DomainEvent): Subject | undefined {
  const db = ctx.db;
  switch (event.type) {
    case 'customer.created':
    case 'customer.attributed': {
      const id = event.ids.customerId;
      const cu = !id ? undefined : event.rows?.customer?.id === id ? event.rows.customer : customerById(db, id);
      if (!cu || cu.partner_id === null || cu.self_referral) return undefined;
      return { offerEvent: 'customer.created', sourceType: 'customer', sourceId: cu.id, partnerId: cu.partner_id, customerId: cu.id, base: null, isFirstSale: false, since: cu.created_at };
    }
    case 'transaction.created': {
      const id = event.ids.transactionId;
      const t = !id ? undefined : event.rows?.txn?.id === id ? event.rows.txn : txnById(db, id);
      if (!t || t.kind !== 'sale' || t.partner_id === null) return undefined;
      const cu = event.rows?.customer?.id === t.customer_id ? event.rows.customer : customerById(db, t.customer_id);
      if (!cu || cu.self_referral) return undefined;
      return {
        offerEvent: 'transaction.created',
        sourceType: 'transaction',
        sourceId: t.id,
        partnerId: t.partner_id,
        customerId: t.customer_id,
        base: { amount: t.amount, currency: t.currency },
        isFirstSale: !hasEarlierSale(db, t.customer_id, t.id),
        since: cu.created_at,
      };
    }
    case 'deal.won': {
      const d = event.ids.dealId ? dealById(db, event.ids.dealId) : undefined;
      if (!d || d.status !== 'won') return undefined;
      const base = d.amount !== null && d.currency !== null ? { amount: d.amount, currency: d.currency } : null;
      return { offerEvent: 'deal.won', sourceType: 'deal', sourceId: d.id, partnerId: d.partner_id, customerId: null, base, isFirstSale: false, since: d.created_at };
    }
    default:
      return undefined;
  }
}

function applies(ctx: AppContext, o: OfferRow, s: Subject, standing: { group_id: number | null; tier_rank: number | null }, at: number): boolean {
  if (o.starts_at !== null && at < o.starts_at) return false;
  if (o.ends_at !== null && at >= o.ends_at) return false;
  if (o.group_id !== null && o.group_id !== standing.group_id) return false;
  if (o.tier_id !== null && (standing.tier_rank === null || standing.tier_rank < (o.tier_rank ?? Infinity))) return false;
  if (o.first_only && !s.isFirstSale) return false;
  if (o.duration_months !== null && at >= addMonths(s.since, o.duration_months)) return false;
  if (o.max_per_customer !== null && s.customerId !== null && countOfferRewards(ctx.db, o.id, { customerId: s.customerId }) >= o.max_per_customer) return false;
  if (o.max_per_partner !== null && countOfferRewards(ctx.db, o.id, { partnerId: s.partnerId }) >= o.max_per_partner) return false;
  return true;
}

function amountOf(o: OfferRow, s: Subject): { amount: number; currency: string } | undefined {
  if (o.amount !== null && o.currency !== null) return { amount: o.amount, currency: o.currency };
  if (o.bps === null || !s.base) return undefined;
  return { amount: percentOf(s.base.amount, o.bps), currency: s.base.currency };
}

/** Creates the rewards the event earns under the program's offers. Call inside db.tx(). */
export function rewardOffers(ctx: AppContext, event: DomainEvent): void {
  const s = subjectOf(ctx, event);
  if (!s) return;
  const standing = partnerStanding(ctx.db, s.partnerId);
  if (!standing || standing.status !== 'active') return;
  for (const o of activeOffers(ctx.db, event.programId, s.offerEvent)) {
    if (!applies(ctx, o, s, standing, event.at)) continue;
    const value = amountOf(o, s);
    if (!value || value.amount === 0) continue;
    createReward(ctx, {
      programId: event.programId,
      partnerId: s.partnerId,
      customerId: s.customerId,
      offerId: o.id,
      sourceType: s.sourceType,
      sourceId: s.sourceId,
      amount: value.amount,
      currency: value.currency,
      description: o.name,
    });
  }
}
