// Shared set-up for the jsdom tests of the browser script: a fresh copy of the sdk modules per
// test (they hold page-view state), a scripted `fetch`, a recorded `sendBeacon`, a navigation
// entry, and clean cookies, storage, history hooks and listeners.

import { vi } from 'vitest';

export const API = 'https://ingest.test';
export const KEY = 'pk_test_1';

export interface Call {
  url: string;
  path: string;
  body: any;
  init: RequestInit;
}

/** What the fake ingest answers: a status and JSON, or `'network'` for a failed fetch. */
export type Reply = { status: number; json?: unknown } | 'network';
export type Handler = (path: string, body: any) => Reply;

export const calls: Call[] = [];
export const beacons: Array<{ url: string; body: any }> = [];
let handler: Handler = () => ({ status: 500 });
const listeners: Array<[string, any]> = [];
const realAdd = window.addEventListener.bind(window);

/** Answers of a working ingest: clicks 201 (last_click, 90 days), signups 201, identify 200. */
export const ingest =
  (click: Record<string, unknown> = {}): Handler =>
  (path, body) => {
    if (path == '/v1/clicks')
      return {
        status: body.xid ? 200 : 201,
        json: { xid: body.xid || 'x_new', partnerKey: body.partnerKey, cookieWindowDays: 90, attributionModel: 'last_click', ...click },
      };
    return {
      status: path == '/v1/signups' ? 201 : 200,
      json: { customer: { key: body.customerKey, email: body.email, partnerKey: body.partnerKey || null, xid: body.xid || null } },
    };
  };

export const reply = (h: Handler): void => {
  handler = h;
};

/**
 * Resets the page: `url` as the address, `navigated` as the navigation entry's URL. With `keep`,
 * a next page view of the same visitor: cookies and localStorage stay.
 */
export const resetPage = (url = 'https://www.acme.test/', navigated = url, keep = false): void => {
  vi.restoreAllMocks();
  vi.resetModules();
  vi.useRealTimers();
  (globalThis as any).jsdom.reconfigure({ url });
  if (!keep) {
    (globalThis as any).jsdom.cookieJar.removeAllCookiesSync();
    localStorage.clear();
  }
  delete (history as any).pushState;
  delete (history as any).replaceState;
  for (const [type, fn] of listeners.splice(0)) window.removeEventListener(type, fn);
  window.addEventListener = ((type: string, fn: any, o?: any) => {
    listeners.push([type, fn]);
    realAdd(type, fn, o);
  }) as any;
  calls.length = 0;
  beacons.length = 0;
  handler = ingest();
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
    const body = JSON.parse(init.body as string);
    calls.push({ url, path: url.slice(API.length), body, init });
    const r = handler(url.slice(API.length), body);
    if (r == 'network') throw new TypeError('Failed to fetch');
    return new Response(r.json === undefined ? '' : JSON.stringify(r.json), { status: r.status });
  }));
  Object.defineProperty(navigator, 'sendBeacon', {
    configurable: true,
    value: (url: string, data: string) => {
      beacons.push({ url, body: JSON.parse(data) });
      return true;
    },
  });
  vi.spyOn(performance, 'getEntriesByType').mockImplementation(
    ((type: string) => (type == 'navigation' ? [{ name: navigated }] : [])) as any,
  );
};

/** Lets pending promise callbacks (and zero-delay work) run. */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** A fresh client started with `options`; its modules are returned for inspection. */
export const start = async (options: { consent?: 'required' } = {}) => {
  const client = await import('../../sdk/client');
  client.init(KEY, API, options.consent);
  return { ...client, api: client.methods() };
};

export const cookie = (name: string): string | undefined => {
  const m = document.cookie.match('(?:^|; )' + name + '=([^;]*)');
  return m ? decodeURIComponent(m[1]) : undefined;
};

/** The cookies a page on `url` would be sent, as `name=value` strings. */
export const cookiesFor = (url: string): string[] =>
  (globalThis as any).jsdom.cookieJar.getCookiesSync(url).map((c: any) => c.key + '=' + c.value);

export const outbox = (): any[] => JSON.parse(localStorage.getItem('refstack_outbox') || '[]');
