// Tier promotion. After an event that can move a partner's numbers (a customer referred, a
// sale, a refund, a won deal), the partner is placed in the highest-ranked tier whose
// threshold it meets within the tier's period (revenue in the tier's currency, net of
// refunds; or referred customers), if that is above its current tier. Promotion runs before
// offers see the event, so the sale that crosses a threshold already earns the new tier's
// offers. Tiers only promote: a partner is never demoted automatically.
import type { AppContext } from '../../context.js';
import type { DomainEvent } from '../events.js';
import { revenueOf } from '../../store/ledger.js';
import { customersReferredSince, partnerStanding, setPartnerTier, tiersOf, type TierRow } from '../../store/tiers.js';
import { emitPartnerUpdated } from './emit.js';
import { DAY_MS } from './money.js';
import { tierJson } from './views.js';

const MOVING = new Set(['customer.created', 'customer.attributed', 'transaction.created', 'transaction.refunded', 'deal.won']);

export function tierValue(ctx: AppContext, t: TierRow, partnerId: number, at: number): number {
  const since = t.period_days === null ? 0 : at - t.period_days * DAY_MS;
  if (t.metric === 'customers') return customersReferredSince(ctx.db, partnerId, since);
  return revenueOf(ctx.db, 'partner_id', partnerId, since, at + 1).find((r) => r.currency === t.currency)?.amount ?? 0;
}

/** Promotes the partner if it now qualifies for a higher tier; returns the new tier or undefined. */
export function promote(ctx: AppContext, programId: number, partnerId: number, at: number): TierRow | undefined {
  const standing = partnerStanding(ctx.db, partnerId);
  if (!standing) return undefined;
  const current = standing.tier_rank ?? 0;
  for (const t of tiersOf(ctx.db, programId)) {
    if (t.rank <= current) break;
    if (tierValue(ctx, t, partnerId, at) < t.threshold) continue;
    setPartnerTier(ctx.db, partnerId, t.id);
    emitPartnerUpdated(ctx, programId, partnerId, 'tier', { tier: tierJson(t) });
    return t;
  }
  return undefined;
}

export function promoteOnEvent(ctx: AppContext, event: DomainEvent): void {
  if (!MOVING.has(event.type) || !event.ids.partnerId) return;
  promote(ctx, event.programId, event.ids.partnerId, event.at);
}
