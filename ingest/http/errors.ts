// One error shape for every answer the ingest gives: {"error":{"code","message","field"?}}.
// Routes throw ApiError (or return apiError(c, ...)); app.onError turns anything else into
// the same shape, so bad input never surfaces as a stack trace or an HTML page.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: field ? { code, message, field } : { code, message } };
}

export function apiError(c: Context, status: ErrorStatus, code: string, message: string, field?: string) {
  return c.json(errorBody(code, message, field), status as ContentfulStatusCode);
}

/** The first zod issue as an ApiError(422) naming the offending field (dot path). */
export function fromZod(err: ZodError): ApiError {
  const issue = err.issues[0];
  const field = issue && issue.path.length ? issue.path.map(String).join('.') : undefined;
  let message = issue ? issue.message : 'Invalid request';
  if (issue?.code === 'unrecognized_keys') {
    return new ApiError(422, 'unknown_field', `Unknown field: ${issue.keys.join(', ')}`, issue.keys[0]);
  }
  if (field && !message.toLowerCase().includes(field.toLowerCase())) message = `${field}: ${message}`;
  return new ApiError(422, 'invalid_value', message, field);
}

export const notFound = (what = 'Not found') => new ApiError(404, 'not_found', what);
export const conflict = (message: string, field?: string) => new ApiError(409, 'conflict', message, field);
