// Exact money: round half away from zero with integers only, currency and amount checks.
import { describe, expect, test } from 'vitest';
import { addMonths, mulDivRound, percentOf } from '../../ingest/domain/rewards/money.js';

describe('percentOf rounds amount x bps / 10000 half away from zero, exactly', () => {
  test.each([
    [4000, 1250, 500], // 12.5 % of 40.00 = 5.00
    [5, 1000, 1], // 0.5 -> 1
    [-5, 1000, -1], // -0.5 -> -1
    [15, 333, 0], // 0.4995 -> 0
    [150, 333, 5], // 4.995 -> 5
    [-150, 333, -5],
    [4, 1250, 1], // 0.5 -> 1
    [3, 1250, 0], // 0.375 -> 0
    [1, 5000, 1], // 0.5 -> 1
    [1, 4999, 0],
    [999_999_999_999, 10_000, 999_999_999_999],
    [1_000_000_000_000, 3333, 333_300_000_000],
    [1_000_000_000_001, 1, 100_000_000], // 100000000.0001
    [1_000_000_005_000, 1, 100_000_001], // 100000000.5 -> up
  ])('%i at %i bps = %i', (amount, bps, want) => {
    expect(percentOf(amount, bps)).toBe(want);
  });

  test('exact where float rounding goes wrong', () => {
    // Math.round rounds -x.5 toward +infinity.
    expect(Math.round((-5 * 1000) / 10000)).toBe(-0);
    expect(mulDivRound(-5, 1000, 10000)).toBe(-1);
    expect(mulDivRound(1005, 1, 10)).toBe(101); // 100.5 -> 101
    expect(mulDivRound(-1005, 1, 10)).toBe(-101);
    expect(mulDivRound(2_000_000_000_001, 9_999, 10_000)).toBe(1_999_800_000_001); // 1999800000000.9999 -> ...001
  });

  test('proportional reversal: reward x refunded / amount', () => {
    expect(mulDivRound(500, 1000, 4000)).toBe(125);
    expect(mulDivRound(333, 1, 2)).toBe(167); // 166.5 -> 167
    expect(mulDivRound(333, 2, 2)).toBe(333);
  });
});

test('addMonths clamps to the end of a shorter month (UTC)', () => {
  expect(new Date(addMonths(Date.UTC(2025, 0, 31, 12), 1)).toISOString()).toBe('2025-02-28T12:00:00.000Z');
  expect(new Date(addMonths(Date.UTC(2024, 0, 31), 1)).toISOString()).toBe('2024-02-29T00:00:00.000Z');
  expect(new Date(addMonths(Date.UTC(2025, 10, 15), 3)).toISOString()).toBe('2026-02-15T00:00:00.000Z');
});
