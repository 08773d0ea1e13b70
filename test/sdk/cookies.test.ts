// @vitest-environment jsdom
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { getCookie, setCookie } from '../../sdk/cookies';
import { cookiesFor, resetPage } from './helpers';

// Every string written to document.cookie, in order.
const writes = (): string[] => {
  const desc = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!;
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
  test('www.acme.test: acme.test is tried first, accepted, and nothing else is written', () => {
    resetPage('https://www.acme.test/');
    const seen = writes();
    setCookie('ps_partner_key', 'jane doe', 7776000);
    expect(seen).toEqual(['ps_partner_key=jane%20doe;path=/;max-age=7776000;SameSite=Lax;domain=acme.test;Secure']);
    expect(getCookie('ps_partner_key')).toBe('jane doe');
    expect(cookiesFor('https://app.acme.test/')).toEqual(['ps_partner_key=jane%20doe']);
  });

  test('a public suffix is refused by the browser, so the next level is kept (a.b.co.uk -> b.co.uk)', () => {
    resetPage('https://a.b.co.uk/');
    const seen = writes();
    setCookie('ps_xid', 'x1', 60);
    expect(seen.map((w) => w.match(/domain=([^;]*)/)![1])).toEqual(['co.uk', 'b.co.uk']);
    expect(cookiesFor('https://c.b.co.uk/')).toEqual(['ps_xid=x1']);
  });

  test('localhost and IP addresses: one host-only write, no Secure on http', () => {
    for (const url of ['http://localhost:3000/', 'http://127.0.0.1:8787/', 'http://[::1]:3000/']) {
      resetPage(url);
      const seen = writes();
      setCookie('ps_xid', 'c_1', 60);
      expect(seen).toEqual(['ps_xid=c_1;path=/;max-age=60;SameSite=Lax']);
      expect(getCookie('ps_xid')).toBe('c_1');
      vi.restoreAllMocks();
    }
  });
});

describe('setCookie', () => {
  test('max-age 0 removes it from every level and the host', () => {
    resetPage('https://www.acme.test/');
    setCookie('ps_xid', 'c_1', 60);
    const seen = writes();
    setCookie('ps_xid', '', 0);
    expect(seen.map((w) => (w.match(/domain=([^;]*)/) || [, 'host'])[1])).toEqual(['acme.test', 'www.acme.test', 'host']);
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
