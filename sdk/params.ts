// Partner parameters in a URL: `ps_partner_key` / `ps_xid`, and PartnerStack's legacy `gspk` /
// `gsxid`. Values are passed on exactly as found (percent-decoded, a `+` kept as `+`, base64
// left alone): the ingest decides which partner a value names, the script never guesses.

const PARTNER = 'ps_partner_key|gspk';
const XID = 'ps_xid|gsxid';

export interface Params {
  partnerKey: string;
  xid?: string;
}

// The value of the first of `names` in the query (or in a hash route's query: `#/x?ps_xid=`).
const get = (url: string, names: string): string | undefined => {
  const m = RegExp('[?&](' + names + ')=([^&#]+)').exec(url);
  if (m) return decodeURIComponent(m[2]);
};

/** The partner parameters of `url`, or `undefined` when it carries no partner key. */
export const readParams = (url?: string): Params | undefined => {
  try {
    const partnerKey = get(url + '', PARTNER);
    if (partnerKey) return { partnerKey, xid: get(url + '', XID) };
  } catch (e) {
    // a malformed %-escape: no params
  }
};

/** `url` without the partner parameters (and a `?` that led them moved to what follows). */
export const stripParams = (url: string): string =>
  url.replace(RegExp('[?&](' + PARTNER + '|' + XID + ')=[^&#]*', 'g'), '').replace(/^([^?]*)&/, '$1?');

/** The URL the browser originally navigated to (before a router rewrote the address). */
export const navigationUrl = (): string | undefined => {
  try {
    return performance.getEntriesByType('navigation')[0].name;
  } catch (e) {
    // no Navigation Timing level 2
  }
};
