// What a request says about where it came from: the client IP (socket, or X-Forwarded-For
// behind a trusted proxy), the public origin the client used, and whether that was https.
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/**
 * The client IP. Without trustProxy it is the socket's peer address; with it, the last
 * X-Forwarded-For entry (the address our own proxy saw; earlier entries are client-supplied).
 * 'unknown' when neither exists (in-process app.request()).
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const xff = c.req.header('x-forwarded-for');
    const last = xff?.split(',').map((s) => s.trim()).filter(Boolean).pop();
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The origin (scheme://host[:port]) the client addressed; X-Forwarded-Proto/Host count only behind a trusted proxy. */
export function requestOrigin(c: Context, trustProxy: boolean): string {
  const url = new URL(c.req.url);
  if (trustProxy) {
    const proto = c.req.header('x-forwarded-proto')?.split(',')[0].trim();
    const host = c.req.header('x-forwarded-host')?.split(',')[0].trim();
    if (proto === 'http' || proto === 'https') url.protocol = `${proto}:`;
    if (host) {
      try {
        url.host = host;
      } catch {
        /* keep the socket's host */
      }
    }
  }
  return url.origin;
}

/** The base URL for links: the configured public URL, else the request's origin. */
export function publicBase(c: Context, publicUrl: string | undefined, trustProxy: boolean): string {
  return (publicUrl ?? requestOrigin(c, trustProxy)).replace(/\/+$/, '');
}
