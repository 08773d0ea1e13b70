// The end-to-end stack: a real ingest (SQLite in a temp dir) behind a tiny TCP switch we can
// turn off, the demo site, and one Chromium. Browsers see three hosts on loopback:
//   www.acme.test:<demo>, app.acme.test:<demo>  the demo (one server, routed by Host)
//   track.acme.test:<switch>                    the ingest, as the script and partner links name it
//   spa.acme.test:<pages>                       pages a test writes itself (a real server: Chromium
//                                               blocks a page.route() page from loading loopback scripts)
// The demo's server side calls the ingest directly (not through the switch), so a test can
// take the ingest "down" for browsers only.
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { startDemoSite, type DemoSiteHandle } from '../../demo-site/server.js';
import { DEFAULT_SCRIPT_FILE } from '../../ingest/config.js';
import { launchBrowser } from '../helpers/browser.js';
import { startTestIngest, type TestIngest } from '../helpers/ingest.js';

/** The built script under test: REFSTACK_SCRIPT_FILE (as for the ingest), else dist/refstack.js from `npm run build`. */
export const SCRIPT_FILE = process.env.REFSTACK_SCRIPT_FILE?.trim() || DEFAULT_SCRIPT_FILE;

export const SIGNUP_OFFER = { name: 'Signup bonus', event: 'customer.created', amount: 500, currency: 'USD' } as const;

/** A TCP pass-through on a fixed port: down() refuses connections (and cuts open ones), up() accepts again. */
export interface Switch {
  port: number;
  /** Where connections go (set once the ingest listens). */
  target: number;
  /**
   * Holds what browsers send until release(): a request in flight meanwhile stays in flight,
   * and if the browser drops it (closes its socket), its bytes never reach the ingest.
   */
  hold(): void;
  release(): void;
  up(): Promise<void>;
  down(): Promise<void>;
  close(): Promise<void>;
}

export async function startSwitch(): Promise<Switch> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let holding = false;
  const held = new Map<net.Socket, Buffer[]>();
  const sw: Switch = {
    port: 0,
    target: 0,
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const [upstream, chunks] of held) for (const chunk of chunks.splice(0)) upstream.write(chunk);
      held.clear();
    },
    up: async () => {
      if (server) return;
      const s = net.createServer((client) => {
        const upstream = net.connect(sw.target, '127.0.0.1');
        for (const sock of [client, upstream]) {
          sockets.add(sock);
          sock.on('error', () => {});
          sock.on('close', () => {
            sockets.delete(sock);
            held.delete(upstream);
            client.destroy();
            upstream.destroy();
          });
        }
        client.on('data', (chunk: Buffer) => {
          if (!holding) return void upstream.write(chunk);
          if (!held.has(upstream)) held.set(upstream, []);
          held.get(upstream)!.push(chunk);
        });
        upstream.pipe(client);
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(sw.port, '127.0.0.1', () => resolve());
      });
      sw.port = (s.address() as AddressInfo).port;
      server = s;
    },
    down: async () => {
      const s = server;
      server = undefined;
      if (!s) return;
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      for (const sock of sockets) sock.destroy();
      await closed;
    },
    close: () => sw.down(),
  };
  await sw.up();
  return sw;
}

/** A tiny server for pages a test writes: `pages.set('/spa', html)`; anything else is 404. */
export interface PageServer {
  port: number;
  pages: Map<string, string>;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const pages = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const html = pages.get(new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(html === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    pages,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Partner {
  key: string;
  email: string;
  /** The short link, http://track.acme.test:<port>/r/<linkKey>. */
  link: string;
}

export interface Stack {
  ingest: TestIngest;
  switch: Switch;
  demo: DemoSiteHandle;
  browser: Browser;
  /** http://track.acme.test:<port>: the ingest as browsers reach it. */
  track: string;
  /** http://www.acme.test:<port> and http://app.acme.test:<port>: the demo's two hosts. */
  www: string;
  app: string;
  /** http://spa.acme.test:<port>, serving `pages` (an allowed origin too). */
  spa: string;
  pages: Map<string, string>;
  /** A page with the Refstack tag (as SPEC documents it, with the stub) after `head`. */
  tagged(head?: string, attrs?: string): string;
  publishableKey: string;
  /** One line per request the ingest answered ("POST /v1/clicks 201 1.2ms"), through the switch or not. */
  requests: string[];
  /** GET /v1/customers/:key: the customer (status 200 asserted). */
  customer(key: string): Promise<{ key: string; email: string; name: string | null; partnerKey: string | null; xid: string | null }>;
  /** The HTTP status of GET /v1/customers/:key (404 until it exists). */
  customerStatus(key: string): Promise<number>;
  /** GET /v1/partners/:key -> stats. */
  stats(partnerKey: string): Promise<{ clicks: number; customers: number }>;
  /** GET /v1/rewards?partnerKey= */
  rewards(partnerKey: string): Promise<Array<{ partnerKey: string; amount: number; currency: string; status: string }>>;
  /** A new partner (unique key) with a link to the demo's landing page. */
  partner(prefix: string): Promise<Partner>;
  /** A fresh context (no cookies, no storage) with a desktop Chrome user agent (a headless one counts as a bot on /r). */
  context(): Promise<BrowserContext>;
  close(): Promise<void>;
}

let seq = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid.toString(36)}${(seq++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** The ingest, the switch, the demo and Chromium; the program allows exactly the two demo origins and pays 5.00 USD per signup. */
export async function startStack(): Promise<Stack> {
  // Chromium first: when it is missing, this is the one line the suite fails with.
  const browser = await launchBrowser();
  const requests: string[] = [];
  const sw = await startSwitch();
  const track = `http://track.acme.test:${sw.port}`;
  let ingest: TestIngest | undefined;
  let demo: DemoSiteHandle | undefined;
  let pages: PageServer | undefined;
  try {
    pages = await startPageServer();
    const spa = `http://spa.acme.test:${pages.port}`;
    ingest = await startTestIngest({ publicUrl: track, scriptFile: SCRIPT_FILE, log: (line) => requests.push(line) });
    sw.target = Number(new URL(ingest.url).port);
    demo = await startDemoSite({
      port: 0,
      ingestUrl: track,
      ingestApiUrl: ingest.url,
      publishableKey: ingest.keys.publishableKey,
      secretKey: ingest.keys.secretKey,
      hosts: { www: 'www.acme.test', app: 'app.acme.test' },
    });
    const www = `http://www.acme.test:${demo.port}`;
    const app = `http://app.acme.test:${demo.port}`;
    const program = await ingest.api('/v1/program', { method: 'PATCH', body: { allowedOrigins: [www, app, spa], defaultDestination: `${www}/` } });
    expect(program.status, JSON.stringify(program.body)).toBe(200);
    const offer = await ingest.api('/v1/offers', { body: SIGNUP_OFFER });
    expect(offer.status, JSON.stringify(offer.body)).toBe(201);

    const ua = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`;
    const t = ingest;
    const d = demo;
    const p = pages;
    return {
      ingest: t,
      switch: sw,
      demo: d,
      browser,
      track,
      www,
      app,
      spa,
      pages: p.pages,
      tagged: (head = '', attrs = '') =>
        `<!doctype html><html><head><meta charset="utf-8"><title>Test page</title>${head}
<script>window.refstack=window.refstack||function(){(refstack.q=refstack.q||[]).push(arguments)};</script>
<script async src="${track}/refstack.js" data-key="${t.keys.publishableKey}"${attrs ? ` ${attrs}` : ''}></script></head><body><main id="root">page</main></body></html>`,
      publishableKey: t.keys.publishableKey,
      requests,
      customer: async (key) => {
        const res = await t.api(`/v1/customers/${encodeURIComponent(key)}`);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body.customer;
      },
      customerStatus: async (key) => (await t.api(`/v1/customers/${encodeURIComponent(key)}`)).status,
      stats: async (partnerKey) => {
        const res = await t.api(`/v1/partners/${encodeURIComponent(partnerKey)}`);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body.partner.stats;
      },
      rewards: async (partnerKey) => {
        const res = await t.api(`/v1/rewards?partnerKey=${encodeURIComponent(partnerKey)}`);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body.rewards;
      },
      partner: async (prefix) => {
        const key = unique(prefix);
        const email = `${key}@partners.test`;
        const res = await t.api('/v1/partners', { body: { key, email, name: `Partner ${key}` } });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        const link = res.body.partner.links[0];
        expect(link.destination).toBe(`${www}/`);
        expect(link.url).toBe(`${track}/r/${link.linkKey}`);
        return { key, email, link: link.url };
      },
      context: async () => {
        const ctx = await browser.newContext({ userAgent: ua });
        // Fail a step with its own message well before the test's time limit.
        ctx.setDefaultTimeout(10_000);
        return ctx;
      },
      close: async () => {
        await browser.close();
        await d.close();
        await p.close();
        await sw.close();
        await t.close();
      },
    };
  } catch (err) {
    await browser.close();
    await demo?.close();
    await pages?.close();
    await sw.close();
    await ingest?.close();
    throw err;
  }
}

/** Requests a page makes to the ingest host, other than loading the script. */
export function ingestCalls(page: Page, track: string): Request[] {
  const host = new URL(track).host;
  const calls: Request[] = [];
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.host === host && u.pathname !== '/refstack.js') calls.push(req);
  });
  return calls;
}

/** Waits until the script has loaded and replayed its queue. */
export const scriptLoaded = (page: Page) => page.waitForFunction(() => (window as any).refstack?.loaded === true);

export async function cookieMap(context: BrowserContext) {
  const all = await context.cookies();
  return Object.fromEntries(all.map((c) => [c.name, c]));
}

/** Waits for the attribution cookies the script writes, and returns every cookie by name. */
export async function attributionCookies(context: BrowserContext, partnerKey: string) {
  await expect.poll(async () => (await cookieMap(context)).ps_partner_key?.value, { timeout: 10_000 }).toBe(partnerKey);
  // Chromium stores a page's cookie writes asynchronously, one by one: ps_partner_key can be
  // visible a moment before ps_xid, written in the same task. Give the xid that moment.
  for (let i = 0; i < 40 && !(await cookieMap(context)).ps_xid; i++) await new Promise((r) => setTimeout(r, 50));
  return cookieMap(context);
}

/** The demo's customer key for an email (demo-site/README.md): acme_ + 20 hex digits of sha256(lower-cased email). */
export const customerKeyFor = (email: string) => `acme_${crypto.createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 20)}`;

/** Lines of the ingest's request log matching e.g. "POST /v1/signups 201". */
export const countRequests = (requests: string[], prefix: string) => requests.filter((l) => l.startsWith(`${prefix} `) || l === prefix).length;

/**
 * One stack (and one Chromium) per test file, a fresh context per test: registers the hooks
 * and hands the stack to `ready`. After each test the switch is back up, holding nothing.
 */
export function useStack(ready: (s: Stack) => void) {
  let stack: Stack | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    stack = await startStack();
    ready(stack);
  });
  afterEach(async () => {
    if (!stack) return;
    stack.switch.release();
    await stack.switch.up();
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await stack?.close();
  });
  return {
    /** A fresh browser context, closed after the test. */
    newContext: async () => {
      const ctx = await stack!.context();
      contexts.push(ctx);
      return ctx;
    },
    /** A page in a fresh context. */
    newPage: async () => {
      const ctx = await stack!.context();
      contexts.push(ctx);
      return ctx.newPage();
    },
  };
}

/** Fills and submits the demo's signup form (/signup or /signup-classic). */
export async function submitSignup(page: Page, name: string, email: string) {
  await page.fill('input#name', name);
  await page.fill('input#email', email);
  await page.click('button#signup-submit');
}

/** The partner has exactly one click, one customer and one signup reward. */
export async function expectOneSignupReward(s: Stack, partnerKey: string) {
  const rewards = await s.rewards(partnerKey);
  expect(rewards).toHaveLength(1);
  expect(rewards[0]).toMatchObject({ partnerKey, amount: SIGNUP_OFFER.amount, currency: SIGNUP_OFFER.currency });
  expect(await s.stats(partnerKey)).toMatchObject({ clicks: 1, customers: 1 });
}
