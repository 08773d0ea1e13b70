// First-party cookies on the registrable root domain. The domain is found by probing: a test
// cookie is written on the shortest parent domain first (`acme.test` for `www.acme.test`) and
// the first the browser accepts is kept; where the parent is a public suffix (`co.uk`) the
// browser refuses it and the next level is tried. localhost and IP addresses get host-only
// cookies. SameSite=Lax; Secure on https. Every access in try/catch.

const PROBE = 'refstack_probe';

export const DAY = 86400;

export const getCookie = (name: string): string | undefined => {
  try {
    const m = document.cookie.match('(^|; )' + name + '=([^;]*)');
    if (m) return decodeURIComponent(m[2]);
  } catch (e) {
    // blocked (sandboxed document) or malformed
  }
};

const write = (name: string, value: string, maxAge: number, domain?: string): void => {
  try {
    document.cookie =
      name + '=' + encodeURIComponent(value) + ';path=/;max-age=' + maxAge + ';SameSite=Lax' +
      (domain ? ';domain=' + domain : '') + (location.protocol == 'https:' ? ';Secure' : '');
  } catch (e) {
    // blocked
  }
};

/** The widest domain the browser lets this page set cookies on; `undefined` means host-only. */
export const rootDomain = (): string | undefined => {
  const host = location.hostname;
  const labels = host.split('.');
  // IPv4 ends in a digit and IPv6 in `]` (no top-level domain does); localhost has one label.
  for (let i = /[\d\]]$/.test(host) ? 0 : labels.length - 1; i--; ) {
    const domain = labels.slice(i).join('.');
    write(PROBE, '1', 9, domain);
    if (getCookie(PROBE)) {
      write(PROBE, '', 0, domain);
      return domain;
    }
  }
};

/** Writes `name` on the root domain; a `maxAge` of 0 removes it. */
export const setCookie = (name: string, value: string, maxAge: number): void =>
  write(name, value, maxAge, rootDomain());
