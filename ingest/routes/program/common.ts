// Shared by the program routes: lookups that answer 404 in the SPEC shape, the public base
// URL, sending a stored JSON answer, and the OpenAPI doc defaults.
import type { Context } from 'hono';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { publicBase } from '../../http/request-info.js';
import { partnerByKey, type PartnerRow } from '../../store/partners.js';

export const secret = (tag: string) => ({ tag, auth: 'secret' as const });

export function partnerOr404(ctx: AppContext, programId: number, key: string, field = 'partnerKey'): PartnerRow {
  const p = partnerByKey(ctx.db, programId, key);
  if (!p) throw new ApiError(404, 'partner_not_found', `No partner with key ${key.slice(0, 100)}`, field);
  return p;
}

export const baseUrl = (ctx: AppContext, c: Context) => publicBase(c, ctx.options.publicUrl, ctx.options.trustProxy);

/** Sends JSON text as stored (an idempotent replay answers the very same bytes). */
export const sendJson = (text: string, status: number) => new Response(text, { status, headers: { 'content-type': 'application/json; charset=UTF-8' } });

/** Any non-empty vendor id up to 255 characters (transaction, deal and refund keys). */
export { customerKey as vendorKey } from '../../http/schemas.js';
