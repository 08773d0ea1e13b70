// The attribution of this visitor: first-party cookies `ps_partner_key` (the canonical key the
// ingest answered) and `ps_xid`, and how a click's answer updates them. `refstack_link` keeps
// the partner value the link itself carried (maybe base64, a legacy gspk, a link key), so a
// reload of that link is known as the stored click whatever form the link used.

import { DAY, getCookie, setCookie } from './cookies';
import { ok } from './consent';
import type { Params } from './params';
import type { Attribution } from './types';

const NAMES = ['ps_partner_key', 'ps_xid', 'refstack_link'];

/** What `POST /v1/clicks` answers. */
export interface ClickAnswer {
  xid?: string;
  /** The canonical key (the link may have carried it base64-encoded). */
  partnerKey?: string;
  cookieWindowDays?: number;
  attributionModel?: 'last_click' | 'first_click';
}

/** The stored attribution (`xid: null` when the click was never confirmed), or `undefined`. */
export const current = (): Attribution | undefined => {
  const partnerKey = getCookie(NAMES[0]);
  if (partnerKey) return { partnerKey, xid: getCookie(NAMES[1]) || null };
};

/**
 * The xid stored with the link that carried partner value `raw`, when a link without an xid is
 * the one the stored attribution came from (a reload of a direct link, or the same link again).
 */
export const storedXid = (raw: string): string | undefined => {
  if (getCookie(NAMES[2]) == raw) return getCookie(NAMES[1]);
};

/** Stores partner key, xid and link value for `days`; `store()` clears. Nothing is written without consent. */
export const store = (values: Array<string | null | undefined> = [], days = 0): void => {
  if (ok || !days)
    NAMES.map((name, i) => {
      const v = values[i] || '';
      setCookie(name, v, v ? days * DAY : 0);
    });
};

/**
 * Applies the answer `a` to the click on link `p`: `last_click` replaces the stored attribution,
 * `first_click` keeps an existing one, for the program's window (`cookieWindowDays`). Without an
 * answer (network down): the link's own values, last-click, 90 days.
 */
export const clicked = ({ partnerKey: raw, xid }: Params, a: ClickAnswer = {}): void => {
  const key = a.partnerKey || raw;
  if (a.attributionModel != 'first_click' || !current()) store([key, a.xid || xid, raw], a.cookieWindowDays || 90);
};
