// Partners (secret key): POST/GET /v1/partners, GET /v1/partners/:key (with balances and
// stats), POST /v1/partners/:key/links. Other /v1/partners/:key/* routes (contacts, tags)
// belong to the program routes.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { PARTNER_KEY_PATTERN } from '../domain/clicks.js';
import { createLink, defaultDestination, linkJson } from '../domain/links.js';
import { createPartner, partnerDetailJson, partnerJson } from '../domain/partners.js';
import type { AppEnv } from '../http/auth.js';
import { parseBody, SERVER_BODY_LIMIT, parseQuery } from '../http/body.js';
import { ApiError } from '../http/errors.js';
import { publicBase } from '../http/request-info.js';
import * as s from '../http/schemas.js';
import { listPartners, partnerByKey } from '../store/partners.js';

export const createPartnerBody = z.strictObject({
  email: s.email,
  name: z.string().trim().min(1).max(200),
  key: z.string().regex(PARTNER_KEY_PATTERN, 'must be 1-64 chars of A-Z a-z 0-9 _ . - starting with a letter or digit').optional(),
  groupKey: z.string().min(1).max(64).optional(),
  tags: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
});

export const createLinkBody = z.strictObject({ destination: s.httpUrl.optional() });

export function partnerRoutes(ctx: AppContext): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  const doc = { tag: 'partners', auth: 'secret' as const };
  const base = (c: Parameters<typeof publicBase>[0]) => publicBase(c, ctx.options.publicUrl, ctx.options.trustProxy);
  const partnerOr404 = (programId: number, key: string) => {
    const p = partnerByKey(ctx.db, programId, key);
    if (!p) throw new ApiError(404, 'partner_not_found', `No partner with key ${key.slice(0, 100)}`, 'key');
    return p;
  };

  ctx.openapi.add({ ...doc, method: 'post', path: '/v1/partners', summary: 'Create a partner (with its first link)', body: createPartnerBody, responses: { 201: '{ partner }' } });
  r.post('/v1/partners', async (c) => {
    const body = await parseBody(c, createPartnerBody);
    const partner = createPartner(ctx, c.var.program, body, base(c));
    return c.json({ partner }, 201);
  });

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/partners', summary: 'List partners, newest first', query: s.listQuery, responses: { 200: '{ partners, hasMore }' } });
  r.get('/v1/partners', (c) => {
    const q = parseQuery(c, s.listQuery);
    const programId = c.var.program.id;
    const { rows, hasMore } = s.page(
      q,
      (key) => partnerByKey(ctx.db, programId, key),
      (limit, afterId) => listPartners(ctx.db, programId, limit, afterId),
    );
    const b = base(c);
    return c.json({ partners: rows.map((p) => partnerJson(ctx, p, b)), hasMore });
  });

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/partners/:key', summary: 'A partner with balances and stats', responses: { 200: '{ partner }' } });
  r.get('/v1/partners/:key', (c) => {
    const p = partnerOr404(c.var.program.id, c.req.param('key'));
    return c.json({ partner: partnerDetailJson(ctx, p, base(c)) });
  });

  ctx.openapi.add({ ...doc, method: 'post', path: '/v1/partners/:key/links', summary: 'Create another link for a partner', body: createLinkBody, responses: { 201: '{ link }' } });
  r.post('/v1/partners/:key/links', async (c) => {
    const program = c.var.program;
    const p = partnerOr404(program.id, c.req.param('key'));
    const body = await parseBody(c, createLinkBody, SERVER_BODY_LIMIT, { optional: true });
    const b = base(c);
    const link = ctx.db.tx(() => createLink(ctx, program, p.id, body.destination ?? defaultDestination(program, b)));
    return c.json({ link: linkJson(link, b) }, 201);
  });

  return r;
}
