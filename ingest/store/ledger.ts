// STUB (owned by the reward pipeline): partner balances and revenue, read by GET /v1/partners/:key.
import type { Db } from '../db/index.js';

export interface Balance {
  currency: string;
  pending: number;
  approved: number;
  paid: number;
}

export function partnerBalances(_db: Db, _partnerId: number, _now: number): Balance[] {
  return [];
}

/** Net revenue (after refunds) of the customers a partner brought, per currency. */
export function partnerRevenue(_db: Db, _partnerId: number): { currency: string; amount: number }[] {
  return [];
}
