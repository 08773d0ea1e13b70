// Reward-pipeline test harness: the shared real-server helper (test/helpers/ingest.ts) plus
// shorthands that create partners and customers through the core's HTTP routes and post
// transactions and offers, asserting the status they expect.
import { expect } from 'vitest';
import { startTestIngest, type Reply, type TestIngest, type TestIngestOptions } from '../helpers/ingest.js';

export { DAY_MS } from '../helpers/ingest.js';

export interface Harness extends TestIngest {
  /** POST /v1/partners; returns the partner key. */
  partner: (key: string, extra?: Record<string, unknown>) => Promise<string>;
  /** POST /v1/customers referred by partnerKey (null: not referred); returns the customer key. */
  customer: (key: string, partnerKey: string | null) => Promise<string>;
  /** POST /v1/transactions with { key, customerKey, amount, currency: USD by default }. */
  txn: (key: string, customerKey: string, amount: number, extra?: Record<string, unknown>) => Promise<Reply>;
  /** POST /v1/offers, expecting 201; returns the offer. */
  offer: (body: Record<string, unknown>) => Promise<any>;
  /** GET /v1/partners/:key balances in one currency (zeros when none). */
  balance: (partnerKey: string, currency?: string) => Promise<{ pending: number; approved: number; paid: number }>;
  /** GET /v1/rewards?partnerKey= */
  rewards: (partnerKey: string) => Promise<any[]>;
  /** Rows of one table (for counting what must exist once). */
  count: (sql: string, ...params: unknown[]) => number;
}

export async function harness(opts: TestIngestOptions = {}): Promise<Harness> {
  const t = await startTestIngest(opts);
  const ok = async (r: Promise<Reply>, status: number) => {
    const res = await r;
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body;
  };
  return {
    ...t,
    partner: async (key, extra = {}) => {
      const body = await ok(t.api('/v1/partners', { body: { key, email: `${key}@partners.test`, name: `Partner ${key}`, ...extra } }), 201);
      return body.partner.key as string;
    },
    customer: async (key, partnerKey) => {
      const body = await ok(t.api('/v1/customers', { body: { customerKey: key, email: `${key}@customers.test`, ...(partnerKey ? { partnerKey } : {}) } }), 201);
      expect(body.customer.partnerKey).toBe(partnerKey);
      return key;
    },
    txn: (key, customerKey, amount, extra = {}) => t.api('/v1/transactions', { body: { key, customerKey, amount, currency: 'USD', ...extra } }),
    offer: async (body) => (await ok(t.api('/v1/offers', { body }), 201)).offer,
    balance: async (partnerKey, currency = 'USD') => {
      const body = await ok(t.api(`/v1/partners/${partnerKey}`), 200);
      const b = (body.partner.balances as { currency: string; pending: number; approved: number; paid: number }[]).find((x) => x.currency === currency);
      return { pending: b?.pending ?? 0, approved: b?.approved ?? 0, paid: b?.paid ?? 0 };
    },
    rewards: async (partnerKey) => (await ok(t.api(`/v1/rewards?partnerKey=${partnerKey}`), 200)).rewards,
    count: (sql, ...params) => (t.db.raw.prepare(sql).pluck().get(...params) as number) ?? 0,
  };
}
