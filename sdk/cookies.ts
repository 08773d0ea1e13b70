// First-party cookies on the registrable root domain, found by probing: the cookie is written
// on the shortest parent domain first (`acme.test` for `www.acme.test`) and read back; where
// the browser refuses that domain (a public suffix such as `co.uk`) the next level is tried.
// The cookie is its own probe: no test cookie is left behind or sent anywhere. localhost and IP
// addresses get host-only cookies. SameSite=Lax; Secure on https. Every access in try/catch.

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

/** Writes `name` on the root domain; a `maxAge` of 0 removes it from every level and the host. */
export const setCookie = (name: string, value: string, maxAge: number): void => {
  const host = location.hostname;
  const labels = host.split('.');
  // IPv4 ends in a digit and IPv6 in `]` (no top-level domain does); localhost has one label.
  for (let i = /[\d\]]$/.test(host) ? 0 : labels.length - 1; i--; ) {
    write(name, value, maxAge, labels.slice(i).join('.'));
    if (maxAge && getCookie(name) == value) return;
  }
  write(name, value, maxAge);
};
