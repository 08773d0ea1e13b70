// Exact-origin CORS for the browser endpoints (credentials included, so never `*`), and the
// allowed-origins check: a program with a non-empty list accepts browser requests only from
// those origins (403 origin_not_allowed); requests without an Origin header (servers, curl)
// are not subject to it. Server routes never answer with CORS headers.
import type { Context, MiddlewareHandler } from 'hono';
import type { AppContext } from '../context.js';
import { originAllowedByAnyProgram, type Program } from '../store/programs.js';
import type { AppEnv } from './auth.js';
import { ApiError, errorBody } from './errors.js';

const PREFLIGHT_MAX_AGE = '86400';

export const programAllowsOrigin = (program: Program, origin: string) =>
  program.allowedOrigins.length === 0 || program.allowedOrigins.includes(origin);

/** 403 when the request carries an Origin the program does not allow. */
export function assertOriginAllowed(c: Context, program: Program): void {
  const origin = c.req.header('origin');
  if (origin !== undefined && !programAllowsOrigin(program, origin)) {
    throw new ApiError(403, 'origin_not_allowed', `Origin ${origin.slice(0, 200)} is not in this program's allowed origins`);
  }
}

/**
 * Around a browser POST route: echoes an allowed Origin with credentials on every answer
 * (errors included, so the page can read them). "Allowed" is judged against the program the
 * key resolved to (c.var.program), or any program when the request failed before that.
 */
export function browserCors(ctx: AppContext): MiddlewareHandler<AppEnv> {
  return async function cors(c, next) {
    await next();
    c.res.headers.append('Vary', 'Origin');
    const origin = c.req.header('origin');
    if (!origin) return;
    const program = c.get('program');
    const allowed = program ? programAllowsOrigin(program, origin) : originAllowedByAnyProgram(ctx.db, origin);
    if (!allowed) return;
    c.res.headers.set('Access-Control-Allow-Origin', origin);
    c.res.headers.set('Access-Control-Allow-Credentials', 'true');
  };
}

/** OPTIONS preflight for a browser route: 204 when some program allows the origin (the preflight carries no key), 403 otherwise. */
export function preflight(ctx: AppContext): MiddlewareHandler {
  return async function preflightAnswer(c) {
    const origin = c.req.header('origin');
    if (!origin || !originAllowedByAnyProgram(ctx.db, origin)) {
      return c.json(errorBody('origin_not_allowed', 'No program allows this origin'), 403, { Vary: 'Origin' });
    }
    return c.body(null, 204, {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Methods': 'POST',
      'Access-Control-Allow-Headers': 'Content-Type, X-Refstack-Key',
      'Access-Control-Max-Age': PREFLIGHT_MAX_AGE,
      Vary: 'Origin',
    });
  };
}
