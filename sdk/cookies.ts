// First-party cookies on the registrable root domain, found by probing: the cookie is written
// on the shortest parent domain first (`acme.test` for `www.acme.test`) and read back; where
// the browser refuses that domain (a public suffix such as `co.uk`) the next level is tried.
// The cookie is its own probe: no test cookie is left behind or sent anywhere. localhost and IP
// addresses get host-only cookies. SameSite=Lax; Secure on https. Every access in try/catch.

import { find } from './params';

export const DAY = 86400;

export const getCookie = (name: string): string | undefined => {
  try {
    return find('; ' + document.cookie, name, '; ');
  } catch (e) {
    // blocked (sandboxed document) or malformed
  }
};

/** Writes `name` on the root domain; a `maxAge` of 0 removes it from every level and the host. */
export const setCookie = (name: string, value: string, maxAge: number): void => {
  const host = location.hostname;
  const labels = host.split('.');
  const write = (domain: string) =>
    (document.cookie =
      name + '=' + encodeURIComponent(value) + ';path=/;max-age=' + maxAge + ';SameSite=Lax' + domain +
      (location.protocol == 'https:' ? ';Secure' : ''));
  try {
    // IPv4 ends in a digit and IPv6 in `]` (no top-level domain does); localhost has one label.
    for (let i = /[\d\]]$/.test(host) ? 0 : labels.length - 1; i--; ) {
      write(';domain=' + labels.slice(i).join('.'));
      if (maxAge && getCookie(name) == value) return;
    }
    write('');
  } catch (e) {
    // blocked: a document that refuses one write refuses them all
  }
};
