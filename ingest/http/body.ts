// Request bodies are read as text and parsed by us, never by a content-type-sniffing
// validator: sendBeacon posts `text/plain`, and Hono's validator('json') would quietly turn
// that into {}. One path: size check -> text -> JSON.parse -> object check -> zod schema.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { ApiError, fromZod } from './errors.js';

/** Browser routes: small bodies only. */
export const BROWSER_BODY_LIMIT = 16 * 1024;
/** Server-to-server routes. */
export const SERVER_BODY_LIMIT = 256 * 1024;

/**
 * The size cap in front of every route with a body: 413 before the body is read. A declared
 * Content-Length is checked from the header alone; only a chunked body goes through Hono's
 * bodyLimit, which counts the bytes as they stream. (bodyLimit reads `c.req.raw.body`, and on
 * @hono/node-server that builds a full web Request with a stream and an AbortSignal for every
 * request: 15 % of a signup's CPU. readJson then reads the body on node-server's direct path.)
 */
export function capBody(maxSize: number): MiddlewareHandler {
  const tooLarge = (c: Context) => {
    c.header('Connection', 'close');
    throw new ApiError(413, 'body_too_large', `Body exceeds ${maxSize} bytes`);
  };
  const streamed = bodyLimit({ maxSize, onError: tooLarge });
  return async function cap(c, next) {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(declared) > maxSize ? tooLarge(c) : next();
    }
    return streamed(c, next);
  };
}

/** Options for readJson: `optional` reads an empty body as {} (routes whose fields are all optional). */
export interface ReadOptions {
  optional?: boolean;
}

export async function readJson(c: Context, limit: number, opts: ReadOptions = {}): Promise<Record<string, unknown>> {
  // Any content type whose body is a JSON object is accepted: sendBeacon sends text/plain and
  // `curl -d` sends application/x-www-form-urlencoded. A real form or multipart body fails
  // JSON.parse below and gets a 400, like any other malformed body.
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > limit) throw new ApiError(413, 'body_too_large', `Body exceeds ${limit} bytes`);
  let text: string;
  try {
    text = await c.req.text();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(400, 'invalid_body', 'Could not read the request body');
  }
  if (Buffer.byteLength(text) > limit) throw new ApiError(413, 'body_too_large', `Body exceeds ${limit} bytes`);
  if (!text.trim()) {
    if (opts.optional) return {};
    throw new ApiError(400, 'invalid_json', 'Request body is empty; send a JSON object');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'Request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError(400, 'invalid_json', 'Request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Validate an already-parsed value with a zod schema; 422 naming the field on failure. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZod(result.error);
  return result.data;
}

/** readJson + validate in one step. */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S, limit = SERVER_BODY_LIMIT, opts?: ReadOptions): Promise<z.output<S>> {
  return validate(schema, await readJson(c, limit, opts));
}

/** Query string -> schema (422 on invalid values). */
export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return validate(schema, c.req.query());
}
