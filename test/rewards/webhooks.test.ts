// Webhooks: outbox rows written with the event, delivered by the worker to a real local
// receiver that fails first, retried with backoff, delivered exactly once per event id,
// signature verified here, and nothing lost across a restart or a crash mid-delivery.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createApp } from '../../ingest/app.js';
import { openDb } from '../../ingest/db/index.js';
import { deliverDue, startWorkers } from '../../ingest/domain/rewards/index.js';
import { claimDue } from '../../ingest/store/webhooks.js';
import { harness, type Harness } from './harness.js';

interface Hit {
  headers: http.IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A local receiver; `plan` gives the status for the nth request (0-based), 200 after it runs out. */
async function receiver(plan: number[] = []) {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const answered = plan[hits.length] ?? 200;
      hits.push({ headers: req.headers, body, answered });
      res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, hits, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function verify(secret: string, hit: Hit): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(hit.headers['refstack-signature']));
  if (!m) return false;
  const expected = crypto.createHmac('sha256', secret).update(`${m[1]}.${hit.body}`).digest('hex');
  return crypto.timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(m[2], 'hex'));
}

let h: Harness;
let rx: Awaited<ReturnType<typeof receiver>>;
beforeEach(async () => {
  h = await harness();
  await h.partner('alice');
  await h.offer({ key: 'pct', name: '10 %', event: 'transaction.created', bps: 1000 });
  await h.customer('c1', 'alice');
});
afterEach(async () => {
  await h.close();
  await rx?.close();
});

async function subscribe(url: string, events: string[]) {
  const r = await h.api('/v1/webhooks', { body: { url, events } });
  expect(r.status).toBe(201);
  expect(r.body.webhook.secret).toMatch(/^whsec_[A-Za-z0-9]{32}$/);
  return r.body.webhook as { id: string; secret: string };
}

test('a receiver that fails first: retried after backoff, each event delivered exactly once, signatures verify', async () => {
  rx = await receiver([500]);
  const wh = await subscribe(rx.url, ['transaction.created', 'reward.created']);
  await h.txn('t1', 'c1', 4000);
  // the outbox rows exist as soon as the transaction committed
  expect(h.count("SELECT count(*) FROM webhook_delivery WHERE status = 'pending'")).toBe(2);

  expect(await deliverDue(h.ctx)).toEqual({ delivered: 1, failed: 1 });
  expect(await deliverDue(h.ctx)).toEqual({ delivered: 0, failed: 0 }); // the retry is not due yet
  h.clock.advance(9_999);
  expect(await deliverDue(h.ctx)).toEqual({ delivered: 0, failed: 0 });
  h.clock.advance(1); // first backoff: 10 s
  expect(await deliverDue(h.ctx)).toEqual({ delivered: 1, failed: 0 });
  h.clock.advance(24 * 3_600_000);
  expect(await deliverDue(h.ctx)).toEqual({ delivered: 0, failed: 0 });

  expect(rx.hits).toHaveLength(3);
  const ok = rx.hits.filter((x) => x.answered === 200);
  const ids = ok.map((x) => x.headers['refstack-event-id']);
  expect(new Set(ids).size).toBe(2);
  expect(rx.hits[2].headers['refstack-event-id']).toBe(rx.hits[0].headers['refstack-event-id']); // the retry is the same event
  expect(rx.hits[2].body).toBe(rx.hits[0].body);
  for (const hit of rx.hits) {
    expect(verify(wh.secret, hit)).toBe(true);
    expect(verify('whsec_wrong', hit)).toBe(false);
    const payload = JSON.parse(hit.body);
    expect(payload.id).toBe(hit.headers['refstack-event-id']);
    expect(payload.id).toMatch(/^evt_/);
    expect(payload.type).toBe(hit.headers['refstack-event-type']);
    expect(hit.headers['content-type']).toBe('application/json');
  }
  const byType = Object.fromEntries(ok.map((x) => [JSON.parse(x.body).type, JSON.parse(x.body).data]));
  expect(byType['transaction.created'].transaction).toMatchObject({ key: 't1', amount: 4000 });
  expect(byType['reward.created'].reward).toMatchObject({ amount: 400, partnerKey: 'alice' });

  const deliveries = await h.api(`/v1/webhooks/${wh.id}/deliveries`);
  expect(deliveries.body.deliveries.map((d: any) => d.status)).toEqual(['delivered', 'delivered']);
  expect(deliveries.body.deliveries.map((d: any) => d.attempts).sort()).toEqual([1, 2]);
  expect(deliveries.body.deliveries.find((d: any) => d.attempts === 2)).toMatchObject({ lastStatus: 200, lastError: null });
});

test('backoff doubles and a delivery gives up after 12 attempts', async () => {
  rx = await receiver(Array(20).fill(503));
  await subscribe(rx.url, ['transaction.created']);
  await h.txn('t1', 'c1', 100);
  const gaps: number[] = [];
  for (let i = 0; i < 12; i++) {
    expect(await deliverDue(h.ctx)).toEqual({ delivered: 0, failed: 1 });
    const next = h.db.raw.prepare('SELECT next_attempt_at FROM webhook_delivery').pluck().get() as number;
    gaps.push(next - h.clock.now());
    h.clock.set(next);
  }
  expect(gaps.slice(0, 5)).toEqual([10_000, 20_000, 40_000, 80_000, 160_000]);
  expect(h.db.raw.prepare('SELECT status, attempts, last_status FROM webhook_delivery').get()).toEqual({ status: 'failed', attempts: 12, last_status: 503 });
  h.clock.advance(365 * 86_400_000);
  expect(await deliverDue(h.ctx)).toEqual({ delivered: 0, failed: 0 });
  expect(rx.hits).toHaveLength(12);
});

test('only subscribed events; "*" gets everything; a deleted endpoint gets nothing more', async () => {
  rx = await receiver();
  const only = await subscribe(rx.url, ['payout.created']);
  const all = await subscribe(rx.url, ['*']);
  await h.txn('t1', 'c1', 100);
  const rows = h.db.raw.prepare('SELECT endpoint_id, event_type FROM webhook_delivery ORDER BY id').all() as { endpoint_id: number; event_type: string }[];
  expect(rows.every((r) => `wh_${r.endpoint_id}` === all.id)).toBe(true);
  expect(rows.map((r) => r.event_type)).toEqual(['transaction.created', 'reward.created']);
  expect((await h.api(`/v1/webhooks/${all.id}`, { method: 'DELETE' })).body).toEqual({ deleted: true, id: all.id });
  expect(await deliverDue(h.ctx)).toEqual({ delivered: 0, failed: 2 });
  expect(rx.hits).toHaveLength(0);
  expect((await h.api('/v1/webhooks')).body.webhooks.map((w: any) => w.id)).toEqual([only.id]);
  expect((await h.api(`/v1/webhooks/${all.id}`, { method: 'DELETE' })).status).toBe(404);
  expect((await h.api('/v1/webhooks', { body: { url: 'ftp://x', events: ['*'] } })).body.error.field).toBe('url');
  expect((await h.api('/v1/webhooks', { body: { url: rx.url, events: ['nope'] } })).status).toBe(422);
});

test('nothing is lost on restart: a second app on the same database file delivers the outbox', async () => {
  rx = await receiver();
  await subscribe(rx.url, ['transaction.created']);
  await h.txn('t1', 'c1', 100);
  // "Crash" mid-delivery: rows claimed (leased) but never sent.
  h.db.tx(() => claimDue(h.db, h.clock.now(), h.clock.now() + 60_000, 10));
  expect(await deliverDue(h.ctx)).toEqual({ delivered: 0, failed: 0 });

  const db2 = openDb(h.dbFile);
  try {
    const { ctx: ctx2 } = createApp({ db: db2, now: () => h.clock.now() });
    h.clock.advance(60_000); // the lease ran out
    expect(await deliverDue(ctx2)).toEqual({ delivered: 1, failed: 0 });
    expect(await deliverDue(h.ctx)).toEqual({ delivered: 0, failed: 0 });
  } finally {
    db2.close();
  }
  expect(rx.hits).toHaveLength(1);
  expect(JSON.parse(rx.hits[0].body).type).toBe('transaction.created');
});

test('the worker loop delivers on its own and stops cleanly', async () => {
  rx = await receiver([500]);
  await subscribe(rx.url, ['transaction.created']);
  await h.txn('t1', 'c1', 100);
  const stop = startWorkers(h.ctx, { intervalMs: 5, retryBaseMs: 1 });
  try {
    const until = Date.now() + 5000;
    while (Date.now() < until && !rx.hits.some((x) => x.answered === 200)) {
      h.clock.advance(1000);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await stop();
  }
  expect(rx.hits.map((x) => x.answered)).toEqual([500, 200]);
});
