// Webhooks: the outbox writer, the signer and the deliverer.
// - enqueueEvent runs inside the event's db.tx(): one delivery row per subscribed endpoint,
//   unique per (endpoint, event id), so the event and its webhooks commit together.
// - deliverDue claims due rows with a lease, POSTs them, and records the outcome: a 2xx
//   marks the row delivered (never sent again); anything else is retried with exponential
//   backoff (10 s, 20 s, 40 s ... capped at 6 h) up to MAX_ATTEMPTS, then 'failed'. All state
//   is in the database, so a restart picks up where it stopped; a crash between the POST and
//   the write means one more send of the same Refstack-Event-Id (receivers dedupe on it).
// - Signature: `Refstack-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`.
import crypto from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { DomainEvent } from '../events.js';
import { randomId } from '../../store/programs.js';
import { claimDue, endpointsFor, insertDelivery, markDelivered, markFailedAttempt } from '../../store/webhooks.js';
import { iso } from './money.js';

export const RETRY_BASE_MS = 10_000;
export const RETRY_MAX_MS = 6 * 3_600_000;
export const MAX_ATTEMPTS = 12;
const LEASE_MS = 60_000;
const TIMEOUT_MS = 10_000;

export const newWebhookSecret = () => `whsec_${randomId(32)}`;

const eventIds = new WeakMap<DomainEvent, string>();

/** The event's public id, the same for every endpoint (and a trigger's send_webhook). */
export function eventId(e: DomainEvent): string {
  let id = eventIds.get(e);
  if (!id) eventIds.set(e, (id = `evt_${randomId(24)}`));
  return id;
}

export function payloadOf(e: DomainEvent): string {
  return JSON.stringify({ id: eventId(e), type: e.type, createdAt: iso(e.at), data: e.data });
}

/** Queues the event for every endpoint of its program subscribed to its type. Call inside db.tx(). */
export function enqueueEvent(ctx: AppContext, e: DomainEvent): void {
  const endpoints = endpointsFor(ctx.db, e.programId, e.type);
  if (!endpoints.length) return;
  const payload = payloadOf(e);
  for (const ep of endpoints) insertDelivery(ctx.db, { endpointId: ep.id, eventId: eventId(e), eventType: e.type, payload, now: e.at });
}

/** Queues the event for one endpoint (a trigger's send_webhook action). */
export function enqueueTo(ctx: AppContext, endpointId: number, e: DomainEvent): void {
  insertDelivery(ctx.db, { endpointId, eventId: eventId(e), eventType: e.type, payload: payloadOf(e), now: e.at });
}

export function sign(secret: string, unixSeconds: number, body: string): string {
  const v1 = crypto.createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

export function backoffMs(attempts: number, base = RETRY_BASE_MS): number {
  return Math.min(RETRY_MAX_MS, base * 2 ** Math.max(0, attempts - 1));
}

export interface DeliverOptions {
  /** Deliveries per run. @default 50 */
  limit?: number;
  /** First retry delay; doubles per attempt. @default 10000 */
  retryBaseMs?: number;
  /** Per-request timeout. @default 10000 */
  timeoutMs?: number;
}

/** Sends every due delivery once; returns how many were delivered and how many failed this run. */
export async function deliverDue(ctx: AppContext, opts: DeliverOptions = {}): Promise<{ delivered: number; failed: number }> {
  const now = ctx.now();
  const due = ctx.db.tx(() => claimDue(ctx.db, now, now + LEASE_MS, opts.limit ?? 50));
  let delivered = 0;
  let failed = 0;
  await Promise.all(
    due.map(async (d) => {
      if (d.endpoint_status !== 'active') {
        ctx.db.tx(() => markFailedAttempt(ctx.db, d.id, null, 'endpoint deleted', null));
        failed++;
        return;
      }
      let status: number | null = null;
      let error = '';
      try {
        const t = Math.floor(ctx.now() / 1000);
        const res = await fetch(d.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Refstack-Webhooks/1',
            'refstack-event-id': d.event_id,
            'refstack-event-type': d.event_type,
            'refstack-signature': sign(d.secret, t, d.payload),
          },
          body: d.payload,
          redirect: 'manual',
          signal: AbortSignal.timeout(opts.timeoutMs ?? TIMEOUT_MS),
        });
        status = res.status;
        await res.body?.cancel().catch(() => {});
        if (status >= 200 && status < 300) {
          ctx.db.tx(() => markDelivered(ctx.db, d.id, status!, ctx.now()));
          delivered++;
          return;
        }
        error = `HTTP ${status}`;
      } catch (err) {
        error = err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 300) : 'request failed';
      }
      const next = d.attempts >= MAX_ATTEMPTS ? null : ctx.now() + backoffMs(d.attempts, opts.retryBaseMs);
      ctx.db.tx(() => markFailedAttempt(ctx.db, d.id, status, error, next));
      failed++;
    }),
  );
  return { delivered, failed };
}
