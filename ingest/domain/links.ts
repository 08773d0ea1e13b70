// Partner links: random short keys, their public URL ({base}/r/{linkKey}) and the
// redirect target with the partner parameters appended.
import type { AppContext } from '../context.js';
import { insertLink, linkById, type LinkRow } from '../store/links.js';
import { randomId, type Program } from '../store/programs.js';

const LINK_KEY_LENGTH = 8;
const PARAMS = new Set(['ps_partner_key', 'ps_xid']);

export interface LinkJson {
  linkKey: string;
  url: string;
  destination: string;
}

export const linkJson = (l: LinkRow, base: string): LinkJson => ({ linkKey: l.key, url: `${base}/r/${l.key}`, destination: l.destination });

/** The destination a new link gets when none is given. */
/**
 * Where a new link points when the caller names no destination: the program's default
 * destination, else its first allowed origin (the vendor's own site), else the ingest's origin.
 */
export const defaultDestination = (program: Program, base: string) =>
  program.defaultDestination ?? `${program.allowedOrigins[0] ?? new URL(base).origin}/`;

/** Creates a link with a fresh key (retrying the unlikely collision). Call inside db.tx(). */
export function createLink(ctx: AppContext, program: Program, partnerId: number, destination: string, contactId: number | null = null): LinkRow {
  for (let attempt = 0; ; attempt++) {
    try {
      const id = insertLink(ctx.db, { programId: program.id, partnerId, contactId, key: randomId(LINK_KEY_LENGTH), destination, now: ctx.now() });
      return linkById(ctx.db, id)!;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE' || attempt >= 4) throw err;
    }
  }
}

/**
 * The destination with ps_partner_key (and ps_xid when given) appended; the existing query
 * is kept byte for byte, except earlier ps_ parameters, which are replaced, and so is the
 * #fragment.
 */
export function withPartnerParams(destination: string, partnerKey: string, xid?: string): string {
  const hashAt = destination.indexOf('#');
  const fragment = hashAt >= 0 ? destination.slice(hashAt) : '';
  const beforeHash = hashAt >= 0 ? destination.slice(0, hashAt) : destination;
  const queryAt = beforeHash.indexOf('?');
  const base = queryAt >= 0 ? beforeHash.slice(0, queryAt) : beforeHash;
  const kept = (queryAt >= 0 ? beforeHash.slice(queryAt + 1) : '').split('&').filter((part) => {
    if (!part) return false;
    const name = part.split('=')[0];
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      /* keep the raw name */
    }
    return !PARAMS.has(decoded);
  });
  kept.push(`ps_partner_key=${encodeURIComponent(partnerKey)}`);
  if (xid) kept.push(`ps_xid=${encodeURIComponent(xid)}`);
  return `${base}?${kept.join('&')}${fragment}`;
}
