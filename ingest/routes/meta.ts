// GET /healthz (200 once the database answers) and GET /openapi.json (every route, from the
// same zod schemas that validate requests).
import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv } from '../http/auth.js';
import { errorBody } from '../http/errors.js';

export function metaRoutes(ctx: AppContext): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  ctx.openapi.add({ method: 'get', path: '/healthz', tag: 'meta', auth: 'none', summary: 'Ready check (database answers)', responses: { 200: '{ ok: true }', 503: 'Database unavailable' } });
  r.get('/healthz', (c) => {
    try {
      ctx.db.get('SELECT 1');
    } catch {
      return c.json(errorBody('unavailable', 'Database unavailable'), 503);
    }
    return c.json({ ok: true });
  });

  ctx.openapi.add({ method: 'get', path: '/openapi.json', tag: 'meta', auth: 'none', summary: 'This OpenAPI document', responses: { 200: 'OpenAPI 3.1' } });
  let doc: unknown;
  r.get('/openapi.json', (c) => {
    // Rendered on first request: by then every route (the program routes too) has registered.
    doc ??= ctx.openapi.document({ title: 'Refstack ingest', version: '1' });
    return c.json(doc);
  });

  return r;
}
