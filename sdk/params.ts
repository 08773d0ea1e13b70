// Partner parameters in a URL: `ps_partner_key` / `ps_xid`, and PartnerStack's legacy `gspk` /
// `gsxid`. Values are passed on exactly as found (percent-decoded, a `+` kept as `+`, base64
// left alone): the ingest decides which partner a value names, the script never guesses.

const PARTNER = 'ps_partner_key|gspk';
const XID = 'ps_xid|gsxid';

export interface Params {
  partnerKey: string;
  xid?: string | null;
}

/**
 * The value of the first of `names` (a RegExp alternation) right after `before` in `text`: in a
 * URL's query (or a hash route's query: `#/x?ps_xid=`) after `[?&]`, in `'; ' + document.cookie`
 * after `; `. An empty value is none. Throws on a malformed %-escape.
 */
export const find = (text: string, names: string, before = '[?&]'): string | undefined => {
  const m = RegExp(before + '(' + names + ')=([^&#;]+)').exec(text);
  if (m) return decodeURIComponent(m[2]);
};

/** The partner parameters of `url`, or `undefined` when it carries no partner key. Throws on a malformed %-escape. */
export const readParams = (url: string): Params | undefined => {
  const partnerKey = find(url, PARTNER);
  if (partnerKey) return { partnerKey, xid: find(url, XID) };
};

/** The URL the browser originally navigated to (before a router rewrote the address); throws without Navigation Timing 2. */
export const navigationUrl = (): string => performance.getEntriesByType('navigation')[0].name;
