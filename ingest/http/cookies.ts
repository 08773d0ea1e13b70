// The server-set attribution cookie `refstack_xid`: HttpOnly, on the registrable domain the
// ingest shares with the vendor's site, so it survives Safari's 7-day cap on script cookies.
// Set only when the ingest's host and the other host (redirect destination, or the page's
// Origin) share a registrable domain; for localhost / IP addresses only when the hosts are equal.
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { parse } from 'tldts';
import type { AppContext } from '../context.js';
import { keepsExistingCookie } from '../domain/attribution.js';
import { BoundedMemo } from '../memo.js';
import type { Program } from '../store/programs.js';
import { requestOrigin } from './request-info.js';

export const XID_COOKIE = 'refstack_xid';
const XID_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;

export interface CookieScope {
  /** Domain attribute; undefined = host-only cookie. */
  domain?: string;
}

function hostnameOf(urlOrHost: string): string | undefined {
  try {
    return new URL(urlOrHost.includes('://') ? urlOrHost : `http://${urlOrHost}`).hostname.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Scopes already worked out: a redirect or click asks about one of a handful of destinations
 * and origins, and the public-suffix lookup was 3 % of a redirect. Bounded, oldest out.
 */
const scopes = new BoundedMemo<Readonly<CookieScope> | null>(1000);

/** Where refstack_xid may be set so that `otherUrl`'s site can use it; null = not at all. */
export function cookieScope(ingestOrigin: string, otherUrl: string): Readonly<CookieScope> | null {
  return scopes.get(`${ingestOrigin} ${otherUrl}`, () => {
    const scope = workOutScope(ingestOrigin, otherUrl);
    return scope && Object.freeze(scope);
  });
}

function workOutScope(ingestOrigin: string, otherUrl: string): CookieScope | null {
  const a = hostnameOf(ingestOrigin);
  const b = hostnameOf(otherUrl);
  if (!a || !b) return null;
  const pa = parse(a);
  const pb = parse(b);
  if (pa.isIp || pb.isIp || !pa.domain || !pb.domain) return a === b ? {} : null;
  return pa.domain === pb.domain ? { domain: pa.domain } : null;
}

export function setXidCookie(c: Context, xid: string, scope: CookieScope, maxAgeSeconds: number, secure: boolean): void {
  setCookie(c, XID_COOKIE, xid, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    maxAge: maxAgeSeconds,
    ...(scope.domain ? { domain: scope.domain } : {}),
  });
}

/** The xid in the request's refstack_xid cookie, if it has the shape of one. */
export function readXidCookie(c: Context): string | undefined {
  let value: string | undefined;
  try {
    value = getCookie(c, XID_COOKIE);
  } catch {
    return undefined;
  }
  return value && XID_SHAPE.test(value) ? value : undefined;
}

/**
 * After a click: set refstack_xid when the ingest shares a registrable domain with `target`
 * (the redirect destination, or the calling page's Origin) — unless first_click keeps an
 * existing live cookie of another partner.
 */
export function setAttributionCookie(
  ctx: AppContext,
  c: Context,
  program: Program,
  click: { xid: string; partner_id: number },
  target: string | undefined,
): void {
  if (!target) return;
  const ingest = requestOrigin(c, ctx.options.trustProxy);
  const scope = cookieScope(ingest, target);
  if (!scope) return;
  const existing = readXidCookie(c);
  if (existing && existing !== click.xid && keepsExistingCookie(ctx, program, existing, click.partner_id)) return;
  setXidCookie(c, click.xid, scope, program.cookieWindowDays * 86_400, ingest.startsWith('https:'));
}
