// Emitting domain events from the reward pipeline, always at the app's clock and inside the
// caller's db.tx(), so an event and its consequences (rewards, tiers, triggers, webhook
// outbox rows) commit together.
import type { AppContext } from '../../context.js';
import type { DomainEvent, EventType } from '../events.js';
import { partnerById } from '../../store/partners.js';

export function emit(ctx: AppContext, type: EventType, programId: number, ids: Record<string, number | null | undefined>, data: Record<string, unknown>, rows?: DomainEvent['rows']): void {
  ctx.bus.emit(ctx.db, { type, programId, at: ctx.now(), ids, data, rows });
}

/** partner.updated with what changed ('tier', 'group', 'tags'). */
export function emitPartnerUpdated(ctx: AppContext, programId: number, partnerId: number, change: string, data: Record<string, unknown>): void {
  const p = partnerById(ctx.db, partnerId);
  emit(ctx, 'partner.updated', programId, { partnerId }, { partnerKey: p?.key ?? null, change, ...data });
}
