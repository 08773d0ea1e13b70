// @vitest-environment jsdom
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { getCookie, rootDomain, setCookie } from '../../sdk/cookies';
import { cookiesFor, resetPage } from './helpers';

// Every string written to document.cookie, in order.
const writes = (): string[] => {
  const proto = Object.getPrototypeOf(Object.getPrototypeOf(document));
  const desc = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie') || Object.getOwnPropertyDescriptor(proto, 'cookie')!;
  const seen: string[] = [];
  vi.spyOn(document, 'cookie', 'set').mockImplementation((v: string) => {
    seen.push(v);
    desc.set!.call(document, v);
  });
  vi.spyOn(document, 'cookie', 'get').mockImplementation(() => desc.get!.call(document));
  return seen;
};

beforeEach(() => {
  vi.restoreAllMocks();
});

describe('root domain by probing', () => {
  test('www.acme.test: acme.test is tried first and accepted', () => {
    resetPage('https://www.acme.test/');
    const seen = writes();
    expect(rootDomain()).toBe('acme.test');
    expect(seen[0]).toMatch(/^refstack_probe=[\d.]+;path=\/;max-age=9;SameSite=Lax;domain=acme\.test;Secure$/);
    // the probe is removed again
    expect(seen[1]).toMatch(/^refstack_probe=;path=\/;max-age=0;SameSite=Lax;domain=acme\.test;Secure$/);
    expect(document.cookie).toBe('');
  });

  test('a public suffix is refused by the browser, so the next level is kept (a.b.co.uk -> b.co.uk)', () => {
    resetPage('https://a.b.co.uk/');
    const seen = writes();
    expect(rootDomain()).toBe('b.co.uk');
    expect(seen[0]).toContain('domain=co.uk');
  });

  test('localhost and IP addresses are host-only, without a single probe', () => {
    for (const url of ['http://localhost:3000/', 'http://127.0.0.1:8787/', 'http://[::1]:3000/']) {
      resetPage(url);
      const seen = writes();
      expect(rootDomain()).toBeUndefined();
      expect(seen).toEqual([]);
    }
  });
});

describe('setCookie', () => {
  test('on https: root domain, SameSite=Lax, Secure, max-age; visible on a sibling subdomain', () => {
    resetPage('https://www.acme.test/');
    const seen = writes();
    setCookie('ps_partner_key', 'jane doe', 7776000);
    expect(seen.at(-1)).toBe('ps_partner_key=jane%20doe;path=/;max-age=7776000;SameSite=Lax;domain=acme.test;Secure');
    expect(getCookie('ps_partner_key')).toBe('jane doe');
    expect(cookiesFor('https://app.acme.test/')).toEqual(['ps_partner_key=jane%20doe']);
  });

  test('on http localhost: host-only, no Secure', () => {
    resetPage('http://localhost:3000/');
    const seen = writes();
    setCookie('ps_xid', 'c_1', 60);
    expect(seen).toEqual(['ps_xid=c_1;path=/;max-age=60;SameSite=Lax']);
    expect(getCookie('ps_xid')).toBe('c_1');
  });

  test('max-age 0 removes it', () => {
    resetPage('https://www.acme.test/');
    setCookie('ps_xid', 'c_1', 60);
    setCookie('ps_xid', '', 0);
    expect(getCookie('ps_xid')).toBeUndefined();
    expect(cookiesFor('https://app.acme.test/')).toEqual([]);
  });

  test('a document whose cookie access throws: nothing thrown, nothing read', () => {
    resetPage('https://www.acme.test/');
    vi.spyOn(document, 'cookie', 'get').mockImplementation(() => {
      throw new DOMException('sandboxed', 'SecurityError');
    });
    vi.spyOn(document, 'cookie', 'set').mockImplementation(() => {
      throw new DOMException('sandboxed', 'SecurityError');
    });
    expect(() => setCookie('a', 'b', 1)).not.toThrow();
    expect(getCookie('a')).toBeUndefined();
  });
});
