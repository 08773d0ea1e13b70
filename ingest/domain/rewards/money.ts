// Money and the small value types of the reward pipeline: integer minor units, ISO-4217
// currencies, basis points, and exact rounding (half away from zero) done with BigInt so no
// float ever touches an amount.
import { z } from 'zod';

/** The largest |amount| accepted, in minor units (10 billion in a 2-decimal currency). */
export const MAX_AMOUNT = 1_000_000_000_000;

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO-4217 code in upper case, e.g. USD')
  .refine((c) => CURRENCIES.has(c), 'is not a known ISO-4217 currency');

/** Minor units, any sign. */
export const Amount = z.int().min(-MAX_AMOUNT).max(MAX_AMOUNT);
export const PositiveAmount = z.int().min(1).max(MAX_AMOUNT);
/** Basis points: 1 = 0.01 %, 10000 = 100 %. */
export const Bps = z.int().min(1).max(10_000);

/** A vendor- or manager-chosen key: letters, digits and _ . : - (at most 128). */
export const Key = z.string().regex(/^[A-Za-z0-9_.:@-]{1,128}$/, 'must be 1-128 characters of letters, digits and _ . : @ -');

/** An ISO 8601 date-time (with offset or Z) -> ms since the epoch. */
export const Instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

/**
 * round-half-away-from-zero(a * b / d), exactly. a, b, d are safe integers, d > 0.
 * 5 * 1000 / 10000 = 0.5 -> 1; -5 * 1000 / 10000 = -0.5 -> -1; 15 * 333 / 10000 = 0.4995 -> 0.
 */
export function mulDivRound(a: number, b: number, d: number): number {
  if (d <= 0) throw new RangeError('divisor must be positive');
  const n = BigInt(a) * BigInt(b);
  const neg = n < 0n;
  const abs = neg ? -n : n;
  const D = BigInt(d);
  let q = abs / D;
  if ((abs % D) * 2n >= D) q += 1n;
  return Number(neg ? -q : q);
}

/** The reward of a percentage offer: amount x bps / 10000, rounded half away from zero. */
export const percentOf = (amount: number, bps: number) => mulDivRound(amount, bps, 10_000);

export const iso = (ms: number) => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : iso(ms));

export const DAY_MS = 86_400_000;

/** ms + n calendar months (UTC); the day is clamped to the target month's last day. */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), last), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}
