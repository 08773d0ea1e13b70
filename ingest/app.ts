// Builds the Hono app from its parts and exports it; ingest/server.ts only starts it.
// Tests call createApp() with a temp-dir SQLite file and serve() it on 127.0.0.1:0.
//
// Layout of the request path:
//   browser routes (/v1/clicks, /v1/signups, /v1/identify): OPTIONS preflight; CORS around
//     rate limit around a 16 KB body cap; the handler checks the publishable key and origin.
//   /r/:linkKey: rate limit.
//   every other /v1/* route: the secret key, a 256 KB body cap; then our routes, then the
//     program routes (transactions, offers, rewards, ...) mounted last so neither shadows the other.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DEFAULT_SCRIPT_FILE } from './config.js';
import type { AppContext, AppOptions } from './context.js';
import { EventBus } from './domain/events.js';
import { registerRewardPipeline } from './domain/rewards/index.js';
import { requireSecret, type AppEnv } from './http/auth.js';
import { BROWSER_BODY_LIMIT, capBody, SERVER_BODY_LIMIT } from './http/body.js';
import { browserCors, preflight } from './http/cors.js';
import { ApiError, errorBody, type ErrorStatus } from './http/errors.js';
import { IpHasher } from './http/ip-hash.js';
import { OpenApiRegistry } from './http/openapi.js';
import { rateLimit } from './http/rate-limit.js';
import { clientIp } from './http/request-info.js';
import { BROWSER_PATHS, browserRoutes } from './routes/browser.js';
import { customerRoutes } from './routes/customers.js';
import { metaRoutes } from './routes/meta.js';
import { partnerRoutes } from './routes/partners.js';
import { programRoutes } from './routes/program/index.js';
import { redirectRoutes } from './routes/redirect.js';
import { scriptRoutes } from './routes/script.js';
import { settingsRoutes } from './routes/settings.js';

export type { AppOptions, AppContext } from './context.js';
export type { AppEnv } from './http/auth.js';

// The rest of an oversized body is never read, so the connection cannot be reused.
function requestLog(log: (line: string) => void): MiddlewareHandler {
  return async function logRequest(c, next) {
    const started = performance.now();
    await next();
    // Path only: no query string, headers or client address.
    log(`${c.req.method} ${c.req.path.slice(0, 200)} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms`);
  };
}

export function createApp(opts: AppOptions): { app: Hono<AppEnv>; ctx: AppContext } {
  const ctx: AppContext = {
    db: opts.db,
    now: opts.now ?? Date.now,
    bus: new EventBus(),
    openapi: new OpenApiRegistry(),
    ipHasher: new IpHasher(),
    options: {
      ...opts,
      rateLimitPerMinute: opts.rateLimitPerMinute ?? 600,
      scriptFile: opts.scriptFile ?? DEFAULT_SCRIPT_FILE,
      trustProxy: opts.trustProxy ?? false,
    },
  };
  const { log, trustProxy } = ctx.options;
  const app = new Hono<AppEnv>();
  if (log) app.use('*', requestLog(log));

  const limiter = rateLimit({ perMinute: ctx.options.rateLimitPerMinute, now: ctx.now, key: (c) => clientIp(c, trustProxy) });
  const browserCap = capBody(BROWSER_BODY_LIMIT);
  for (const path of BROWSER_PATHS) {
    app.options(path, preflight(ctx));
    app.use(path, browserCors(ctx), limiter, browserCap);
  }
  app.use('/r/*', limiter);

  const browserPaths = new Set<string>(BROWSER_PATHS);
  const serverOnly =
    (mw: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> =>
    (c, next) =>
      browserPaths.has(c.req.path) ? next() : mw(c, next);
  app.use('/v1/*', serverOnly(requireSecret(ctx)), serverOnly(capBody(SERVER_BODY_LIMIT)));

  app.route('/', metaRoutes(ctx));
  app.route('/', scriptRoutes(ctx));
  app.route('/', redirectRoutes(ctx));
  app.route('/', browserRoutes(ctx));
  app.route('/', partnerRoutes(ctx));
  app.route('/', customerRoutes(ctx));
  app.route('/', settingsRoutes(ctx));
  app.route('/', programRoutes(ctx));
  registerRewardPipeline(ctx);

  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path.slice(0, 200)}`), 404));
  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.field), err.status as 400);
    if (err instanceof HTTPException && err.status < 500) return c.json(errorBody('bad_request', err.message || 'Bad request'), err.status as ErrorStatus as 400);
    log?.(`error ${c.req.method} ${c.req.path.slice(0, 200)}: ${err instanceof Error ? err.message : String(err)}`);
    return c.json(errorBody('internal', 'Internal error'), 500);
  });
  return { app, ctx };
}
