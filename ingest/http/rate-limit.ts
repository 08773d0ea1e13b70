// Per-client fixed-window rate limit for the browser routes, in memory. The table is emptied
// at every new window and capped in size within one (oldest entries evicted first), so a flood
// of distinct addresses cannot grow it without bound.
import type { Context, MiddlewareHandler } from 'hono';
import { errorBody } from './errors.js';

const WINDOW_MS = 60_000;

export interface RateLimitOptions {
  /** Requests per window per client; 0 disables the limiter. */
  perMinute: number;
  now: () => number;
  /** The client's identity (its IP). */
  key: (c: Context) => string;
  /** Most clients tracked within one window. @default 100_000 */
  maxEntries?: number;
}

export function rateLimit(opts: RateLimitOptions): MiddlewareHandler {
  const counts = new Map<string, number>();
  const maxEntries = opts.maxEntries ?? 100_000;
  let window = -1;
  return async function rateLimited(c, next) {
    if (opts.perMinute <= 0) return next();
    const now = opts.now();
    const current = Math.floor(now / WINDOW_MS);
    if (current !== window) {
      counts.clear();
      window = current;
    }
    const id = opts.key(c);
    const n = (counts.get(id) ?? 0) + 1;
    if (n === 1 && counts.size >= maxEntries) {
      const drop = Math.ceil(maxEntries / 10);
      for (const k of counts.keys()) {
        counts.delete(k);
        if (counts.size <= maxEntries - drop) break;
      }
    }
    counts.set(id, n);
    if (n > opts.perMinute) {
      const retryAfter = Math.max(1, Math.ceil(((current + 1) * WINDOW_MS - now) / 1000));
      return c.json(errorBody('rate_limited', `Too many requests; retry in ${retryAfter}s`), 429, { 'Retry-After': String(retryAfter) });
    }
    return next();
  };
}
