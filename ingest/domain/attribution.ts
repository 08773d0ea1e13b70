// Who gets the credit for a customer, decided once when it is created (or when an
// unattributed customer is later identified with a referral):
// - candidates: the click named by the body's xid, the click named by the server cookie
//   refstack_xid (browser routes), and the partner named by partnerKey (plain or base64);
// - clicks of another program are unknown; clicks older than the program's cookie window
//   are expired, and an expired click credits nobody (not even via a partnerKey);
// - between live clicks, last_click takes the newest and first_click the oldest;
// - with no known click (e.g. a migrated PartnerStack gsxid) partnerKey decides;
// - a customer whose email is the partner's own or one of its contacts' is a self-referral:
//   not credited, and flagged.
import type { AppContext } from '../context.js';
import { clickByXid, type ClickRow } from '../store/clicks.js';
import { isPartnerEmail, partnerById, type PartnerRow } from '../store/partners.js';
import type { Program } from '../store/programs.js';
import { resolvePartner } from './clicks.js';

const DAY_MS = 86_400_000;

export interface Referral {
  xid?: string | null;
  cookieXid?: string | null;
  partnerKey?: string | null;
}

export interface Attribution {
  partner: PartnerRow | null;
  click: ClickRow | null;
  selfReferral: boolean;
}

export const NOBODY: Attribution = { partner: null, click: null, selfReferral: false };

export function clickIsLive(program: Program, click: { created_at: number }, now: number): boolean {
  return now - click.created_at <= program.cookieWindowDays * DAY_MS;
}

function pick(program: Program, clicks: ClickRow[]): ClickRow {
  const newer = (a: ClickRow, b: ClickRow) => a.created_at - b.created_at || a.id - b.id;
  const sorted = [...clicks].sort(newer);
  return program.attributionModel === 'first_click' ? sorted[0] : sorted[sorted.length - 1];
}

export function attribute(ctx: AppContext, program: Program, referral: Referral, email: string | null | undefined): Attribution {
  const now = ctx.now();
  const xids = [...new Set([referral.xid, referral.cookieXid].filter((x): x is string => !!x))];
  const known = xids.map((x) => clickByXid(ctx.db, program.id, x)).filter((c): c is ClickRow => !!c);
  const live = known.filter((c) => clickIsLive(program, c, now));

  let partner: PartnerRow | undefined;
  let click: ClickRow | null = null;
  if (live.length) {
    click = pick(program, live);
    partner = partnerById(ctx.db, click.partner_id);
  } else if (!known.length && referral.partnerKey) {
    partner = resolvePartner(ctx, program.id, referral.partnerKey);
  }
  if (!partner) return NOBODY;
  if (email && isPartnerEmail(ctx.db, partner.id, email)) return { partner: null, click: null, selfReferral: true };
  return { partner, click, selfReferral: false };
}

/**
 * first_click keeps an existing, live refstack_xid cookie that credits another partner:
 * the new click must not overwrite it.
 */
export function keepsExistingCookie(ctx: AppContext, program: Program, existingXid: string, newPartnerId: number): boolean {
  if (program.attributionModel !== 'first_click') return false;
  const existing = clickByXid(ctx.db, program.id, existingXid);
  return !!existing && existing.partner_id !== newPartnerId && clickIsLive(program, existing, ctx.now());
}
