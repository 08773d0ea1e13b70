// Rate limiting under a flood from one address: with a limit of 100 requests per minute, 300
// clicks from 127.0.0.1 get exactly 100 answers of 201 and 200 of 429 (SPEC's error shape,
// Retry-After), record exactly 100 clicks, and /r from the same address is limited too;
// meanwhile a client on 127.0.0.2 is served normally and /healthz answers quickly.
// The clock is frozen, so the one-minute window cannot roll over mid-test.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, type Answer } from '../crash/helpers.js';
import { BROWSER_UA, startTestIngest, type TestIngest } from '../helpers/ingest.js';
import { isErrorShape } from './harness.js';

const LIMIT = 100;
const FLOOD = 300;
const CONCURRENCY = 30;

let t: TestIngest;
let linkKey: string;

beforeAll(async () => {
  t = await startTestIngest({ rateLimitPerMinute: LIMIT });
  const p = await t.api('/v1/partners', { method: 'POST', body: { email: 'rl@partner.test', name: 'RL', key: 'rl' } });
  linkKey = p.body.partner.links[0].linkKey;
});
afterAll(() => t?.close());

const clickCount = () => (t.db.get<{ n: number }>('SELECT count(*) AS n FROM click') as { n: number }).n;

/** n requests, at most `concurrency` in flight, over keep-alive connections from one source address. */
async function flood(n: number, concurrency: number, localAddress: string, path = '/v1/clicks'): Promise<Answer[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const out: Answer[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      out.push(
        await send(`${t.url}${path}`, {
          agent,
          localAddress,
          headers: { 'x-refstack-key': t.keys.publishableKey, 'user-agent': BROWSER_UA },
          body: { partnerKey: 'rl', url: 'https://www.acme.test/' },
          timeoutMs: 5000,
        }),
      );
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return out;
}

describe('rate limiting under a flood from one IP', () => {
  it(`lets ${LIMIT} of ${FLOOD} through, answers the rest 429 with Retry-After, and keeps serving others`, async () => {
    const before = clickCount();
    const healthz: number[] = [];
    let flooding = true;
    const prober = (async () => {
      while (flooding) {
        const started = performance.now();
        const r = await send(`${t.url}/healthz`, { localAddress: '127.0.0.3', timeoutMs: 2000 });
        expect(r.status).toBe(200);
        healthz.push(performance.now() - started);
        await new Promise((res) => setTimeout(res, 10));
      }
    })();
    const [flooded, other] = await Promise.all([
      flood(FLOOD, CONCURRENCY, '127.0.0.1'),
      // Another visitor, from another address, during the flood.
      flood(20, 2, '127.0.0.2'),
    ]);
    flooding = false;
    await prober;

    const ok = flooded.filter((r) => r.status === 201);
    const limited = flooded.filter((r) => r.status === 429);
    expect(ok).toHaveLength(LIMIT);
    expect(limited).toHaveLength(FLOOD - LIMIT);
    for (const r of limited) {
      expect(isErrorShape(r.json)).toBe(true);
      expect(r.json.error.code).toBe('rate_limited');
    }
    expect(other.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(clickCount() - before).toBe(LIMIT + 20);

    // Responsive throughout: every probe answered, and quickly.
    expect(healthz.length).toBeGreaterThan(0);
    expect(Math.max(...healthz)).toBeLessThan(1000);
  });

  it('429s carry Retry-After (seconds to the next window) and cover /r from the same address', async () => {
    const res = await send(`${t.url}/v1/clicks`, { localAddress: '127.0.0.1', headers: { 'x-refstack-key': t.keys.publishableKey }, body: { partnerKey: 'rl', url: 'https://www.acme.test/' } });
    expect(res.status).toBe(429);
    const raw = await t.raw(`/v1/clicks`, { method: 'POST', headers: { 'x-refstack-key': t.keys.publishableKey, 'content-type': 'application/json' }, body: '{}' });
    expect(raw.status).toBe(429);
    const retryAfter = Number(raw.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const before = clickCount();
    const redirect = await send(`${t.url}/r/${linkKey}`, { localAddress: '127.0.0.1', headers: { 'user-agent': BROWSER_UA } });
    expect(redirect.status).toBe(429);
    expect(isErrorShape(redirect.json)).toBe(true);
    expect(clickCount()).toBe(before);
    // Server routes are not rate limited (the vendor's backend may post in bulk).
    expect((await t.api('/v1/partners/rl')).status).toBe(200);
    // A new window lets the address in again.
    t.clock.advance(60_000);
    expect((await send(`${t.url}/r/${linkKey}`, { localAddress: '127.0.0.1', headers: { 'user-agent': BROWSER_UA } })).status).toBe(302);
  });
});
