// Builds the Hono app from its parts and exports it; ingest/server.ts only starts it.
// Tests call createApp() with a temp-dir SQLite file and serve() it on 127.0.0.1:0.
import { Hono } from 'hono';
import type { AppContext, AppOptions } from './context.js';
import { EventBus } from './domain/events.js';
import { OpenApiRegistry } from './http/openapi.js';
import { ApiError, errorBody } from './http/errors.js';

export type { AppOptions, AppContext } from './context.js';

export function createApp(opts: AppOptions): { app: Hono; ctx: AppContext } {
  const ctx: AppContext = {
    db: opts.db,
    now: opts.now ?? Date.now,
    bus: new EventBus(),
    openapi: new OpenApiRegistry(),
    options: {
      rateLimitPerMinute: 600,
      scriptFile: 'dist/refstack.js',
      trustProxy: false,
      ...opts,
    },
  };
  const app = new Hono();

  // TODO(core): middleware (CORS, keys, rate limit) and routes are mounted here.

  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.field), err.status as 400);
    ctx.options.log?.(`error ${c.req.method} ${c.req.path}: ${err instanceof Error ? err.message : String(err)}`);
    return c.json(errorBody('internal', 'Internal error'), 500);
  });
  return { app, ctx };
}
