// GET /refstack.js — the built browser script (dist/refstack.js, from `npm run build`),
// held in memory (re-read when the file's mtime changes), with a strong ETag, a short
// shared cache and stale-while-revalidate, 304 on If-None-Match, and `*` CORS (no credentials).
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { AppEnv } from '../http/auth.js';
import { errorBody } from '../http/errors.js';

const CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=86400';

interface Cached {
  mtimeMs: number;
  body: Buffer;
  etag: string;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.trim() === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

export function scriptRoutes(ctx: AppContext): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  let cached: Cached | undefined;

  const load = (): Cached | undefined => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(ctx.options.scriptFile);
    } catch {
      cached = undefined;
      return undefined;
    }
    if (!cached || cached.mtimeMs !== stat.mtimeMs) {
      const body = fs.readFileSync(ctx.options.scriptFile);
      cached = { mtimeMs: stat.mtimeMs, body, etag: `"${crypto.createHash('sha256').update(body).digest('base64url')}"` };
    }
    return cached;
  };

  ctx.openapi.add({ method: 'get', path: '/refstack.js', tag: 'browser', auth: 'none', summary: 'The browser script (ETag, cacheable)', responses: { 200: 'JavaScript', 304: 'Not modified' } });
  r.get('/refstack.js', (c) => {
    const script = load();
    if (!script) {
      return c.json(errorBody('script_not_built', 'The browser script is not built: run `npm run build`'), 503, { 'Cache-Control': 'no-store' });
    }
    const headers = { ETag: script.etag, 'Cache-Control': CACHE_CONTROL, 'Access-Control-Allow-Origin': '*' };
    if (etagMatches(c.req.header('if-none-match'), script.etag)) return c.body(null, 304, headers);
    return c.body(new Uint8Array(script.body), 200, { ...headers, 'Content-Type': 'application/javascript; charset=utf-8' });
  });
  return r;
}
