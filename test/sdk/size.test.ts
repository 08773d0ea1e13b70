// @vitest-environment node
// The size budget of the script every visitor of every vendor downloads.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { BUDGET_GZIP, sizes } from '../../scripts/size-report.mjs';

test(`dist/refstack.js is at most ${BUDGET_GZIP} bytes gzipped`, () => {
  const s = sizes(readFileSync(new URL('../../dist/refstack.js', import.meta.url)));
  expect(BUDGET_GZIP).toBe(2048);
  expect(s.gzip).toBeLessThanOrEqual(BUDGET_GZIP);
});

test('the bundle targets ES2017: no syntax from later editions', () => {
  const code = readFileSync(new URL('../../dist/refstack.js', import.meta.url), 'utf8');
  expect(code).not.toMatch(/\?\.|\?\?|catch\{|\*\*/);
});
