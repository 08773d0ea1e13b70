// POST/GET /v1/segments, GET /v1/segments/:key, GET /v1/segments/:key/partners (membership
// computed now, from the rules; see domain/rewards/segments.ts).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { partnerJson } from '../../domain/partners.js';
import { Key } from '../../domain/rewards/money.js';
import { Rule, segmentMembers } from '../../domain/rewards/segments.js';
import { segmentJson } from '../../domain/rewards/views.js';
import type { AppEnv } from '../../http/auth.js';
import { parseBody, parseQuery } from '../../http/body.js';
import { ApiError } from '../../http/errors.js';
import * as s from '../../http/schemas.js';
import { groupByKey } from '../../store/groups.js';
import { partnerById } from '../../store/partners.js';
import { randomId } from '../../store/programs.js';
import { insertSegment, listSegments, segmentById, segmentByKey } from '../../store/segments.js';
import { tierByKey } from '../../store/tiers.js';
import { baseUrl, secret } from './common.js';

export const segmentBody = z.strictObject({
  key: Key.optional(),
  name: z.string().trim().min(1).max(200),
  match: z.enum(['all', 'any']).default('all'),
  rules: z.array(Rule).min(1).max(50),
});

export function segmentRoutes(ctx: AppContext, r: Hono<AppEnv>): void {
  const doc = secret('segments');
  const segmentOr404 = (programId: number, key: string) => {
    const seg = segmentByKey(ctx.db, programId, key);
    if (!seg) throw new ApiError(404, 'segment_not_found', `No segment with key ${key.slice(0, 100)}`, 'key');
    return seg;
  };

  ctx.openapi.add({ ...doc, method: 'post', path: '/v1/segments', summary: 'Create a segment: rules over tags, group, tier, signup date, revenue', body: segmentBody, responses: { 201: '{ segment }' } });
  r.post('/v1/segments', async (c) => {
    const b = await parseBody(c, segmentBody);
    const program = c.var.program;
    b.rules.forEach((rule, i) => {
      if (rule.field !== 'group' && rule.field !== 'tier') return;
      for (const key of Array.isArray(rule.value) ? rule.value : [rule.value]) {
        const known = rule.field === 'group' ? groupByKey(ctx.db, program.id, key) : tierByKey(ctx.db, program.id, key);
        if (!known) throw new ApiError(422, `unknown_${rule.field}`, `No ${rule.field} with key ${key}`, `rules.${i}.value`);
      }
    });
    const key = b.key ?? `seg_${randomId(10)}`;
    const id = ctx.db.tx(() => insertSegment(ctx.db, { programId: program.id, key, name: b.name, match: b.match, rules: b.rules, now: ctx.now() }));
    if (id === undefined) throw new ApiError(409, 'segment_key_taken', `A segment with key ${key} already exists`, 'key');
    return c.json({ segment: segmentJson(segmentById(ctx.db, id)!) }, 201);
  });

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/segments', summary: 'List segments, newest first', query: s.listQuery, responses: { 200: '{ segments, hasMore }' } });
  r.get('/v1/segments', (c) => {
    const q = parseQuery(c, s.listQuery);
    const programId = c.var.program.id;
    const { rows, hasMore } = s.page(
      q,
      (key) => segmentByKey(ctx.db, programId, key),
      (limit, afterId) => listSegments(ctx.db, programId, limit, afterId),
    );
    return c.json({ segments: rows.map(segmentJson), hasMore });
  });

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/segments/:key', summary: 'A segment', responses: { 200: '{ segment }' } });
  r.get('/v1/segments/:key', (c) => c.json({ segment: segmentJson(segmentOr404(c.var.program.id, c.req.param('key'))) }));

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/segments/:key/partners', summary: "The segment's partners now, newest first", query: s.listQuery, responses: { 200: '{ partners, hasMore }' } });
  r.get('/v1/segments/:key/partners', (c) => {
    const q = parseQuery(c, s.listQuery);
    const seg = segmentOr404(c.var.program.id, c.req.param('key'));
    const members = segmentMembers(ctx.db, seg);
    const { rows, hasMore } = s.page(
      q,
      (key) => members.find((m) => m.key === key),
      (limit, afterId) => members.filter((m) => afterId === undefined || m.id < afterId).slice(0, limit),
    );
    const base = baseUrl(ctx, c);
    return c.json({ partners: rows.map((m) => ({ ...partnerJson(ctx, partnerById(ctx.db, m.id)!, base), tierKey: m.tier_key })), hasMore });
  });
}
