// Key checks. Secret keys (sk_...) only in `Authorization: Bearer`, for server routes;
// publishable keys (pk_...) only in `X-Refstack-Key` or the body field `key`, for browser
// routes. Either kind in the other's place is a 401, never a silent pass.
import type { Context, MiddlewareHandler } from 'hono';
import type { AppContext } from '../context.js';
import { programByPublishable, programBySecret, type Program } from '../store/programs.js';
import { ApiError } from './errors.js';

export type AppEnv = { Variables: { program: Program } };

/** Middleware for server-to-server routes: sets c.var.program from the Bearer secret key. */
export function requireSecret(ctx: AppContext): MiddlewareHandler<AppEnv> {
  return async function secretKey(c, next) {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new ApiError(401, 'missing_key', 'Send the secret key as "Authorization: Bearer sk_..."');
    const key = m[1];
    if (key.startsWith('pk_')) throw new ApiError(401, 'wrong_key_type', 'A publishable key cannot be used here; use the secret key (sk_...)');
    const program = key.startsWith('sk_') ? programBySecret(ctx.db, key) : undefined;
    if (!program) throw new ApiError(401, 'invalid_key', 'Unknown secret key');
    c.set('program', program);
    await next();
  };
}

/**
 * For browser routes, after the body is parsed: the publishable key from the header or the
 * body's `key` field. Origin checks are separate (see cors.ts).
 */
export function publishableProgram(ctx: AppContext, c: Context, bodyKey: unknown): Program {
  const key = c.req.header('x-refstack-key') ?? (typeof bodyKey === 'string' ? bodyKey : undefined);
  if (!key) throw new ApiError(401, 'missing_key', 'Send the publishable key in X-Refstack-Key or the body field "key"', 'key');
  if (key.startsWith('sk_')) throw new ApiError(401, 'wrong_key_type', 'Never send a secret key from a browser; use the publishable key (pk_...)', 'key');
  const program = key.startsWith('pk_') ? programByPublishable(ctx.db, key) : undefined;
  if (!program) throw new ApiError(401, 'invalid_key', 'Unknown publishable key', 'key');
  return program;
}
