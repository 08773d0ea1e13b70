// Webhook endpoints and the delivery outbox. A delivery row is written in the same database
// transaction as the event it carries; the worker claims due rows with a lease ('sending'
// until next_attempt_at), so a crash mid-delivery only delays it, never loses it.
import { cachedConfig } from './config-cache.js';
import type { Db } from '../db/index.js';

export interface EndpointRow {
  id: number;
  program_id: number;
  url: string;
  secret: string;
  events: string;
  description: string | null;
  status: 'active' | 'deleted';
  created_at: number;
}

export interface DeliveryRow {
  id: number;
  endpoint_id: number;
  event_id: string;
  event_type: string;
  payload: string;
  status: 'pending' | 'sending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
  delivered_at: number | null;
  created_at: number;
}

export function insertEndpoint(db: Db, e: { programId: number; url: string; secret: string; events: string[]; description: string | null; now: number }): number {
  return Number(
    db.run(
      'INSERT INTO webhook_endpoint (program_id, url, secret, events, description, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      e.programId,
      e.url,
      e.secret,
      JSON.stringify(e.events),
      e.description,
      e.now,
    ).lastInsertRowid,
  );
}

export function endpointById(db: Db, programId: number, id: number): EndpointRow | undefined {
  return db.get<EndpointRow>("SELECT * FROM webhook_endpoint WHERE program_id = ? AND id = ? AND status = 'active'", programId, id);
}

export function listEndpoints(db: Db, programId: number): EndpointRow[] {
  return db.all<EndpointRow>("SELECT * FROM webhook_endpoint WHERE program_id = ? AND status = 'active' ORDER BY id DESC", programId);
}

export function deleteEndpoint(db: Db, programId: number, id: number): boolean {
  return db.run("UPDATE webhook_endpoint SET status = 'deleted' WHERE program_id = ? AND id = ? AND status = 'active'", programId, id).changes === 1;
}

/** Queues one event for one endpoint; false when that (endpoint, event id) is already queued. */
export function insertDelivery(db: Db, d: { endpointId: number; eventId: string; eventType: string; payload: string; now: number }): boolean {
  return (
    db.run(
      `INSERT INTO webhook_delivery (endpoint_id, event_id, event_type, payload, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
      d.endpointId,
      d.eventId,
      d.eventType,
      d.payload,
      d.now,
      d.now,
    ).changes === 1
  );
}

/** Claims up to `limit` due deliveries (pending, or sending with an expired lease) until `leaseUntil`. Call inside db.tx(). */
export function claimDue(db: Db, now: number, leaseUntil: number, limit: number): (DeliveryRow & { url: string; secret: string; endpoint_status: string })[] {
  const rows = db.all<DeliveryRow & { url: string; secret: string; endpoint_status: string }>(
    `SELECT d.*, e.url, e.secret, e.status AS endpoint_status FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id
     WHERE d.status IN ('pending', 'sending') AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.id LIMIT ?`,
    now,
    limit,
  );
  for (const r of rows) db.run("UPDATE webhook_delivery SET status = 'sending', attempts = attempts + 1, next_attempt_at = ? WHERE id = ?", leaseUntil, r.id);
  return rows.map((r) => ({ ...r, attempts: r.attempts + 1 }));
}

export function markDelivered(db: Db, id: number, httpStatus: number, now: number): void {
  db.run("UPDATE webhook_delivery SET status = 'delivered', last_status = ?, last_error = NULL, delivered_at = ? WHERE id = ? AND status = 'sending'", httpStatus, now, id);
}

export function markFailedAttempt(db: Db, id: number, httpStatus: number | null, error: string, nextAt: number | null): void {
  db.run(
    "UPDATE webhook_delivery SET status = ?, last_status = ?, last_error = ?, next_attempt_at = coalesce(?, next_attempt_at) WHERE id = ? AND status = 'sending'",
    nextAt === null ? 'failed' : 'pending',
    httpStatus,
    error,
    nextAt,
    id,
  );
}

export function listDeliveries(db: Db, endpointId: number, limit: number, afterId?: number): DeliveryRow[] {
  return afterId === undefined
    ? db.all<DeliveryRow>('SELECT * FROM webhook_delivery WHERE endpoint_id = ? ORDER BY id DESC LIMIT ?', endpointId, limit)
    : db.all<DeliveryRow>('SELECT * FROM webhook_delivery WHERE endpoint_id = ? AND id < ? ORDER BY id DESC LIMIT ?', endpointId, afterId, limit);
}

/** Subscribed endpoints of a program for one event type. */
export function endpointsFor(db: Db, programId: number, eventType: string): readonly EndpointRow[] {
  return cachedConfig(db, `endpoints:${programId}:${eventType}`, () =>
    db.all<EndpointRow>(
      `SELECT * FROM webhook_endpoint WHERE program_id = ? AND status = 'active'
       AND EXISTS (SELECT 1 FROM json_each(events) WHERE value IN (?, '*'))`,
      programId,
      eventType,
    ),
  );
}
