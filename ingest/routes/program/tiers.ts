// POST/GET /v1/tiers. A tier is reached by revenue (in its currency, net of refunds) or by
// referred customers, over the last periodDays (or all time); rank orders tiers (higher =
// better; default: above the current highest). Promotion happens on the partner's next
// event (see domain/rewards/tiers.ts); the list is ordered by rank, lowest first.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { Currency, Key, MAX_AMOUNT } from '../../domain/rewards/money.js';
import { tierJson } from '../../domain/rewards/views.js';
import type { AppEnv } from '../../http/auth.js';
import { parseBody } from '../../http/body.js';
import { ApiError } from '../../http/errors.js';
import { randomId } from '../../store/programs.js';
import { insertTier, nextTierRank, tierById, tiersOf } from '../../store/tiers.js';
import { secret } from './common.js';

export const tierBody = z.strictObject({
  key: Key.optional(),
  name: z.string().trim().min(1).max(200),
  rank: z.int().min(1).max(1000).optional(),
  metric: z.enum(['revenue', 'customers']),
  threshold: z.int().min(0).max(MAX_AMOUNT),
  currency: Currency.optional(),
  periodDays: z.int().min(1).max(3660).optional(),
});

export function tierRoutes(ctx: AppContext, r: Hono<AppEnv>): void {
  const doc = secret('tiers');

  ctx.openapi.add({ ...doc, method: 'post', path: '/v1/tiers', summary: 'Create a tier (revenue threshold in a currency, or customers count, over an optional period)', body: tierBody, responses: { 201: '{ tier }' } });
  r.post('/v1/tiers', async (c) => {
    const b = await parseBody(c, tierBody);
    if (b.metric === 'revenue' && b.currency === undefined) throw new ApiError(422, 'invalid_value', 'A revenue tier needs a currency', 'currency');
    if (b.metric === 'customers' && b.currency !== undefined) throw new ApiError(422, 'invalid_value', 'A customers tier has no currency', 'currency');
    const program = c.var.program;
    const id = ctx.db.tx(() => {
      try {
        return insertTier(ctx.db, {
          programId: program.id,
          key: b.key ?? `tier_${randomId(10)}`,
          name: b.name,
          rank: b.rank ?? nextTierRank(ctx.db, program.id),
          metric: b.metric,
          threshold: b.threshold,
          currency: b.currency ?? null,
          periodDays: b.periodDays ?? null,
          now: ctx.now(),
        });
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
        const field = /rank/.test((err as Error).message) ? 'rank' : 'key';
        throw new ApiError(409, `tier_${field}_taken`, `A tier with this ${field} already exists`, field);
      }
    });
    return c.json({ tier: tierJson(tierById(ctx.db, id)!) }, 201);
  });

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/tiers', summary: 'List tiers by rank, lowest first', responses: { 200: '{ tiers, hasMore }' } });
  r.get('/v1/tiers', (c) => c.json({ tiers: [...tiersOf(ctx.db, c.var.program.id)].reverse().map(tierJson), hasMore: false }));
}
