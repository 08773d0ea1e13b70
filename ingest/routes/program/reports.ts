// GET /v1/reports/partners and GET /v1/reports/program over [from, to) (ISO dates or
// date-times; default: all time up to now). See domain/rewards/reports.ts for the figures.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { range, report } from '../../domain/rewards/reports.js';
import type { AppEnv } from '../../http/auth.js';
import { parseQuery } from '../../http/body.js';
import { ApiError } from '../../http/errors.js';
import * as s from '../../http/schemas.js';
import { listPartners, partnerByKey } from '../../store/partners.js';
import { secret } from './common.js';

const When = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).transform((v) => Date.parse(v));
export const rangeQuery = z.object({ from: When.optional(), to: When.optional() });
export const partnersReportQuery = s.listQuery.extend(rangeQuery.shape);

export function reportRoutes(ctx: AppContext, r: Hono<AppEnv>): void {
  const doc = secret('reports');
  const bounds = (q: { from?: number; to?: number }) => {
    const from = q.from ?? 0;
    const to = q.to ?? ctx.now() + 1;
    if (to <= from) throw new ApiError(422, 'invalid_value', 'to must be after from', 'to');
    return { from, to };
  };

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/reports/program', summary: 'Program totals over a range: clicks, customers, revenue, rewards, sell-through', query: rangeQuery, responses: { 200: '{ from, to, clicks, customers, revenue, rewards, sellThrough }' } });
  r.get('/v1/reports/program', (c) => {
    const { from, to } = bounds(parseQuery(c, rangeQuery));
    return c.json({ ...range(from, to), ...report(ctx.db, 'program_id', c.var.program.id, from, to) });
  });

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/reports/partners', summary: 'Per-partner figures over a range, newest partner first', query: partnersReportQuery, responses: { 200: '{ from, to, partners: [{ partnerKey, name, ... }], hasMore }' } });
  r.get('/v1/reports/partners', (c) => {
    const q = parseQuery(c, partnersReportQuery);
    const { from, to } = bounds(q);
    const programId = c.var.program.id;
    const { rows, hasMore } = s.page(
      q,
      (key) => partnerByKey(ctx.db, programId, key),
      (limit, afterId) => listPartners(ctx.db, programId, limit, afterId),
    );
    return c.json({ ...range(from, to), partners: rows.map((p) => ({ partnerKey: p.key, name: p.name, ...report(ctx.db, 'partner_id', p.id, from, to) })), hasMore });
  });
}
