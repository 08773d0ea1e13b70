// Zod pieces shared by several routes' schemas (each route file still declares its own
// request schema at its top).
import { z } from 'zod';
import { ApiError } from './errors.js';

export const email = z.string().trim().min(3).max(254).regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address');

/** Customer keys are the vendor's ids: any non-empty string up to 255 chars. */
export const customerKey = z.string().trim().min(1).max(255);

/** A partner key, link key or base64 key as it arrives from a URL parameter. */
export const partnerRef = z.string().trim().min(1).max(256);

export const xid = z.string().trim().min(1).max(128);

/**
 * Deepest nesting accepted in metadata. Storing it takes JSON.stringify, which overflows the
 * stack on a few thousand levels (a 10 KB body): refused here as a 422 instead of a 500.
 */
export const METADATA_MAX_DEPTH = 32;

/** True when no object/array in v nests deeper than max (iterative: deep input must not overflow the check itself). */
function nestsWithin(v: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[v, 1]];
  while (stack.length) {
    const [x, depth] = stack.pop()!;
    if (x === null || typeof x !== 'object') continue;
    if (depth > max) return false;
    for (const child of Object.values(x)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return true;
}

export const metadata = z.record(z.string(), z.unknown()).refine((m) => nestsWithin(m, METADATA_MAX_DEPTH), `must not nest deeper than ${METADATA_MAX_DEPTH} levels`);

/** A check that the value parses as an http(s) URL and passes `ok`. */
const httpUrlWhere = (ok: (u: URL, raw: string) => boolean) => (v: string) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && ok(u, v);
  } catch {
    return false;
  }
};

export const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine(httpUrlWhere((u) => !!u.hostname), 'must be an http(s) URL');

/** An exact origin: scheme://host[:port], nothing more. */
export const origin = z
  .string()
  .trim()
  .max(512)
  .refine(httpUrlWhere((u, raw) => u.origin === raw), 'must be an exact origin like https://www.example.com');


/** The customer fields shared by POST /v1/signups (browser) and POST /v1/customers (server). */
export const customerFields = {
  customerKey,
  email,
  name: z.string().trim().max(200).nullish(),
  xid: xid.nullish(),
  partnerKey: partnerRef.nullish(),
  metadata: metadata.nullish(),
};

/** limit (default 100, 1..1000) and startingAfter (the last item's key) for lists. */
export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  startingAfter: z.string().min(1).max(256).optional(),
});

/**
 * One page of a newest-first list: `find` resolves startingAfter (422 naming the field when
 * it names nothing), `list` fetches limit + 1 rows after that row id to learn hasMore.
 */
export function page<R extends { id: number }>(
  q: z.output<typeof listQuery>,
  find: (key: string) => R | undefined,
  list: (limit: number, afterId?: number) => R[],
): { rows: R[]; hasMore: boolean } {
  let afterId: number | undefined;
  if (q.startingAfter !== undefined) {
    const after = find(q.startingAfter);
    if (!after) throw new ApiError(422, 'invalid_value', 'startingAfter names no item of this list', 'startingAfter');
    afterId = after.id;
  }
  const rows = list(q.limit + 1, afterId);
  return { rows: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
}
