// Crash safety: the standalone ingest is killed with SIGKILL while signups and transactions
// stream in from many clients, then restarted on the same database. Every request that got a
// 2xx is there exactly once, the file passes PRAGMA integrity_check, and the clients' retries
// of everything (acknowledged or not) land exactly once: 200 with the first answer for what
// had landed, 201 for the rest, one row and one reward each.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, readOnly, send, spawnIngest, tempEnv, type ChildIngest } from './helpers.js';

const CLIENTS = 24;
/** Kill once this many writes were acknowledged (or after KILL_AFTER_MS). */
const KILL_AT_ACKS = 240;
const KILL_AFTER_MS = 8_000;

interface Attempt {
  kind: 'signup' | 'transaction';
  key: string;
  body: Record<string, unknown>;
  /** The 2xx answer, when one came back before the kill. */
  acked?: { status: number; text: string };
}

const env = tempEnv();
const children: ChildIngest[] = [];
afterAll(async () => {
  for (const c of children) await c.kill();
  fs.rmSync(env.dir, { recursive: true, force: true });
});

describe('SIGKILL while signups and transactions stream in', () => {
  it('keeps every acknowledged write exactly once, stays intact, and retries land exactly once', { timeout: 60_000 }, async () => {
    const port = await freePort();
    let ingest = await spawnIngest(env, port);
    children.push(ingest);
    const auth = { authorization: `Bearer ${env.secretKey}` };
    const browser = { 'x-refstack-key': env.publishableKey };

    const partner = await send(`${ingest.url}/v1/partners`, { headers: auth, body: { email: 'crash@partner.test', name: 'Crash Partner', key: 'crash-p' } });
    expect(partner.status).toBe(201);
    for (const offer of [
      { name: 'Signup bonus', event: 'customer.created', amount: 500, currency: 'USD' },
      { name: '10% of sales', event: 'transaction.created', bps: 1000 },
    ]) {
      expect((await send(`${ingest.url}/v1/offers`, { headers: auth, body: offer })).status).toBe(201);
    }

    // Stream: each client signs a customer up, then posts a purchase for it, until the kill.
    const attempts: Attempt[] = [];
    const unexpected: string[] = [];
    let acks = 0;
    let killed = false;
    const client = async (c: number) => {
      for (let i = 0; !killed; i++) {
        const customerKey = `cu-${c}-${i}`;
        const signup: Attempt = { kind: 'signup', key: customerKey, body: { customerKey, email: `${customerKey}@crash.test`, partnerKey: 'crash-p' } };
        const sale: Attempt = { kind: 'transaction', key: `tx-${customerKey}`, body: { customerKey, key: `tx-${customerKey}`, amount: 1000 + i, currency: 'USD' } };
        for (const a of [signup, sale]) {
          attempts.push(a);
          let r;
          try {
            r = await send(`${ingest.url}${a.kind === 'signup' ? '/v1/signups' : '/v1/transactions'}`, { headers: a.kind === 'signup' ? browser : auth, body: a.body, timeoutMs: 5000 });
          } catch {
            return; // the server is gone: this one is unacknowledged
          }
          if (r.status !== 201) {
            unexpected.push(`${a.key}: ${r.status} ${r.text.slice(0, 200)}`);
            return;
          }
          a.acked = { status: r.status, text: r.text };
          acks++;
        }
      }
    };
    const running = Array.from({ length: CLIENTS }, (_, c) => client(c));
    const started = Date.now();
    while (acks < KILL_AT_ACKS && Date.now() - started < KILL_AFTER_MS && unexpected.length === 0) await new Promise((r) => setTimeout(r, 5));
    await ingest.kill();
    killed = true;
    await Promise.all(running);
    expect(unexpected).toEqual([]);
    expect(acks).toBeGreaterThan(50);
    const unacked = attempts.filter((a) => !a.acked);
    expect(unacked.length).toBeGreaterThan(0);

    // Restart on the same file.
    ingest = await spawnIngest(env, port);
    children.push(ingest);
    const db = readOnly(env.dbFile);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      const customers = db.prepare('SELECT id FROM customer WHERE key = ?');
      const txns = db.prepare('SELECT id FROM txn WHERE key = ?');
      const rowsOf = (a: Attempt) => (a.kind === 'signup' ? customers : txns).all(a.key) as { id: number }[];

      // Every acknowledged write is present exactly once; an unacknowledged one at most once.
      const landed = new Set<Attempt>();
      for (const a of attempts) {
        const n = rowsOf(a).length;
        if (a.acked) expect(n, `${a.kind} ${a.key} was acknowledged`).toBe(1);
        else expect(n, `${a.kind} ${a.key} (unacknowledged)`).toBeLessThanOrEqual(1);
        if (n === 1) landed.add(a);
      }
      // A transaction can only have landed if its customer had.
      for (const a of attempts) if (a.kind === 'transaction' && landed.has(a)) expect(customers.all(a.body.customerKey)).toHaveLength(1);

      // Clients retry everything with the same body: 200 (same answer) for what landed, 201 for the rest.
      for (const a of attempts) {
        const r = await send(`${ingest.url}${a.kind === 'signup' ? '/v1/signups' : '/v1/transactions'}`, { headers: a.kind === 'signup' ? browser : auth, body: a.body });
        expect(r.status, `retry of ${a.kind} ${a.key}: ${r.text.slice(0, 200)}`).toBe(landed.has(a) ? 200 : 201);
        if (a.kind === 'transaction' && a.acked) expect(r.text, `retry of ${a.key} answers the first answer`).toBe(a.acked.text);
        if (a.kind === 'signup') {
          expect(r.json.customer.key).toBe(a.key);
          expect(r.json.customer.partnerKey).toBe('crash-p');
          if (a.acked) expect(r.json.customer).toEqual(JSON.parse(a.acked.text).customer);
        }
      }

      // One row and one reward per attempt, nothing else.
      const rewardsOf = db.prepare('SELECT count(*) AS n FROM reward WHERE source_type = ? AND source_id = ?');
      for (const a of attempts) {
        const rows = rowsOf(a);
        expect(rows, `${a.kind} ${a.key} after retry`).toHaveLength(1);
        expect((rewardsOf.get(a.kind === 'signup' ? 'customer' : 'transaction', rows[0].id) as { n: number }).n, `rewards of ${a.kind} ${a.key}`).toBe(1);
      }
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      const signups = attempts.filter((a) => a.kind === 'signup').length;
      const sales = attempts.length - signups;
      expect(count('SELECT count(*) AS n FROM customer')).toBe(signups);
      expect(count('SELECT count(*) AS n FROM txn')).toBe(sales);
      expect(count('SELECT count(*) AS n FROM reward')).toBe(signups + sales);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    await ingest.stop();
  });
});
