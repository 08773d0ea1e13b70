// The attribution of this visitor: first-party cookies `ps_partner_key` and `ps_xid`, and how
// a click's answer updates them.

import { DAY, getCookie, setCookie } from './cookies';
import { ok } from './consent';
import type { Params } from './params';

const PK = 'ps_partner_key';
const XID = 'ps_xid';

/** What `POST /v1/clicks` answers. */
export interface ClickAnswer {
  xid?: string;
  /** The canonical key (the link may have carried it base64-encoded). */
  partnerKey?: string;
  cookieWindowDays?: number;
  attributionModel?: 'last_click' | 'first_click';
}

export const current = (): Params | undefined => {
  const partnerKey = getCookie(PK);
  if (partnerKey) return { partnerKey, xid: getCookie(XID) };
};

/** Stores `a` for `days`; `store()` clears. Nothing is written without consent. */
export const store = ({ partnerKey = '', xid = '' }: Partial<Params> = {}, days = 0): void => {
  if (ok || !days) {
    setCookie(PK, partnerKey, days * DAY);
    setCookie(XID, xid, xid ? days * DAY : 0);
  }
};

/**
 * Applies the answer to the click on a link that carried partner key `raw`: `last_click`
 * replaces the stored attribution, `first_click` keeps an existing one. The window is the
 * program's (`cookieWindowDays`).
 */
export const clicked = (raw: string, a: ClickAnswer): void => {
  if (!current() || a.attributionModel != 'first_click')
    store({ partnerKey: a.partnerKey || raw, xid: a.xid }, a.cookieWindowDays || 90);
};
