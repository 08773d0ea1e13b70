// Concurrent duplicates: the same customer key and the same transaction key posted from 50
// connections at once (each its own agent and socket) give one row each and the same answer
// to all: exactly one 201, the rest 200 with the same customer / the same transaction JSON.
// Run against one ingest process, and against two processes sharing one database file (two
// instances behind a load balancer), where the unique index and BEGIN IMMEDIATE decide.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, readOnly, send, spawnIngest, tempEnv, type Answer, type ChildIngest } from './helpers.js';

const PARALLEL = 50;

const env = tempEnv();
let a: ChildIngest;
let b: ChildIngest;

beforeAll(async () => {
  a = await spawnIngest(env, await freePort());
  b = await spawnIngest(env, await freePort());
  const auth = { authorization: `Bearer ${env.secretKey}` };
  expect((await send(`${a.url}/v1/partners`, { headers: auth, body: { email: 'dup@partner.test', name: 'Dup Partner', key: 'dup-p' } })).status).toBe(201);
  for (const offer of [
    { name: 'Signup bonus', event: 'customer.created', amount: 500, currency: 'USD' },
    { name: '10% of sales', event: 'transaction.created', bps: 1000 },
  ]) {
    expect((await send(`${a.url}/v1/offers`, { headers: auth, body: offer })).status).toBe(201);
  }
}, 60_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  fs.rmSync(env.dir, { recursive: true, force: true });
});

const auth = () => ({ authorization: `Bearer ${env.secretKey}` });
const browser = () => ({ 'x-refstack-key': env.publishableKey });

/** Fires all at once (every socket opened before any answer is awaited). */
const burst = (n: number, one: (i: number) => Promise<Answer>) => Promise.all(Array.from({ length: n }, (_, i) => one(i)));

function expectOneCreated(answers: Answer[]): void {
  const statuses = answers.map((r) => r.status).sort();
  expect(statuses.filter((s) => s === 201), statuses.join(',')).toHaveLength(1);
  expect(statuses.filter((s) => s === 200)).toHaveLength(answers.length - 1);
}

function count(sql: string, ...params: unknown[]): number {
  const db = readOnly(env.dbFile);
  try {
    return (db.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('concurrent duplicate posts', () => {
  for (const mode of ['one process', 'two processes, one database'] as const) {
    const url = (i: number) => (mode === 'one process' || i % 2 === 0 ? a.url : b.url);
    const tag = mode === 'one process' ? 'one' : 'two';

    it(`same customer key x${PARALLEL} (${mode}): one row, one reward, one 201, the same customer to all`, async () => {
      const key = `dup-cust-${tag}`;
      const body = { customerKey: key, email: `${key}@dup.test`, name: 'Dup', partnerKey: 'dup-p' };
      const answers = await burst(PARALLEL, (i) =>
        i % 2 === 0 ? send(`${url(i)}/v1/signups`, { headers: browser(), body }) : send(`${url(i)}/v1/customers`, { headers: auth(), body }),
      );
      expectOneCreated(answers);
      const first = answers[0].json.customer;
      expect(first).toMatchObject({ key, partnerKey: 'dup-p', email: body.email, name: 'Dup' });
      for (const r of answers) expect(r.json.customer).toEqual(first);
      expect(count('SELECT count(*) AS n FROM customer WHERE key = ?', key)).toBe(1);
      expect(count("SELECT count(*) AS n FROM reward WHERE source_type = 'customer' AND source_id = (SELECT id FROM customer WHERE key = ?)", key)).toBe(1);
    });

    it(`same transaction key x${PARALLEL} (${mode}): one row, one reward, one 201, byte-identical answers`, async () => {
      const customerKey = `dup-buyer-${tag}`;
      expect((await send(`${a.url}/v1/customers`, { headers: auth(), body: { customerKey, email: `${customerKey}@dup.test`, partnerKey: 'dup-p' } })).status).toBe(201);
      const key = `dup-tx-${tag}`;
      const body = { customerKey, key, amount: 4000, currency: 'USD' };
      const answers = await burst(PARALLEL, (i) => send(`${url(i)}/v1/transactions`, { headers: auth(), body }));
      expectOneCreated(answers);
      const texts = new Set(answers.map((r) => r.text));
      expect(texts.size, [...texts].join('\n')).toBe(1);
      const answer = answers[0].json;
      expect(answer.transaction).toMatchObject({ key, amount: 4000, currency: 'USD', partnerKey: 'dup-p' });
      expect(answer.rewards).toHaveLength(1);
      expect(answer.rewards[0]).toMatchObject({ amount: 400, currency: 'USD', partnerKey: 'dup-p' });
      expect(count('SELECT count(*) AS n FROM txn WHERE key = ?', key)).toBe(1);
      expect(count("SELECT count(*) AS n FROM reward WHERE source_type = 'transaction' AND source_id = (SELECT id FROM txn WHERE key = ?)", key)).toBe(1);
    });

    it(`same transaction key with different bodies x${PARALLEL} (${mode}): one wins (201), its twins get 200, the others 409`, async () => {
      const customerKey = `dup-buyer2-${tag}`;
      expect((await send(`${a.url}/v1/customers`, { headers: auth(), body: { customerKey, email: `${customerKey}@dup.test`, partnerKey: 'dup-p' } })).status).toBe(201);
      const key = `dup-tx-conflict-${tag}`;
      const bodies = [1000, 2000].map((amount) => ({ customerKey, key, amount, currency: 'USD' }));
      const answers = await burst(PARALLEL, (i) => send(`${url(i)}/v1/transactions`, { headers: auth(), body: bodies[i % 2] }));
      const created = answers.filter((r) => r.status === 201);
      expect(created).toHaveLength(1);
      const winner = created[0].json.transaction.amount as number;
      answers.forEach((r, i) => {
        const same = bodies[i % 2].amount === winner;
        expect(r.status, r.text).toBe(same ? (r === created[0] ? 201 : 200) : 409);
        if (same) expect(r.text).toBe(created[0].text);
        else expect(r.json).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
      });
      expect(count('SELECT count(*) AS n FROM txn WHERE key = ?', key)).toBe(1);
    });
  }
});
