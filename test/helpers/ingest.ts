// Shared test helper: a real ingest (real HTTP server on 127.0.0.1, port 0) over a real
// SQLite file in a fresh temp dir, with a movable clock and small fetch helpers.
//
//   const t = await startTestIngest();
//   const { status, body } = await t.api('/v1/partners', { method: 'POST', body: { email, name } });
//   const r = await t.browser('/v1/signups', { customerKey: 'c1', email: 'a@b.test' });
//   t.clock.advanceDays(91);
//   await t.close();
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Hono } from 'hono';
import type { AppContext, AppEnv } from '../../ingest/app.js';
import type { Db } from '../../ingest/db/index.js';
import { startIngest, type StartOptions } from '../../ingest/main.js';
import { randomId } from '../../ingest/store/programs.js';

export const DAY_MS = 86_400_000;

/** A browser-like User-Agent (Node's fetch says "node", which counts as a bot on /r). */
export const BROWSER_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

export interface Clock {
  now: () => number;
  set: (ms: number) => void;
  advance: (ms: number) => void;
  advanceDays: (days: number) => void;
}

export function movableClock(start = Date.now()): Clock {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
    advanceDays: (days) => {
      t += days * DAY_MS;
    },
  };
}

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: T;
}

export interface RequestInit2 {
  method?: string;
  /** An object is sent as JSON; a string is sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** For api(): the secret key to send (default: the program's); null sends none. */
  key?: string | null;
}

export interface TestIngest {
  url: string;
  app: Hono<AppEnv>;
  ctx: AppContext;
  db: Db;
  keys: { secretKey: string; publishableKey: string };
  clock: Clock;
  /** The temp dir holding the database (removed by close()). */
  dir: string;
  dbFile: string;
  /** fetch against the server, answer parsed. */
  request: <T = any>(path: string, init?: RequestInit2 & { redirect?: RequestRedirect }) => Promise<Reply<T>>;
  /** A server route with `Authorization: Bearer <secret key>` (init.key overrides; null = none). */
  api: <T = any>(path: string, init?: RequestInit2) => Promise<Reply<T>>;
  /** POST to a browser route with X-Refstack-Key = publishable key (init.key overrides; null = none) and an Origin if given. */
  browser: <T = any>(path: string, body: unknown, init?: { origin?: string; key?: string | null; headers?: Record<string, string> }) => Promise<Reply<T>>;
  /**
   * A request through node:http, for what fetch cannot send (a Host header) or show
   * (every Set-Cookie line): headers come back as node's IncomingHttpHeaders.
   */
  raw: (path: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<RawReply>;
  close: () => Promise<void>;
}

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** node:http request to an absolute URL (see TestIngest.raw). */
export function rawRequest(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (ch: Buffer) => chunks.push(ch));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

export interface TestIngestOptions extends Partial<Omit<StartOptions, 'port' | 'dbFile' | 'now'>> {
  /** The movable clock to use. @default movableClock() starting now */
  clock?: Clock;
}

export async function startTestIngest(opts: TestIngestOptions = {}): Promise<TestIngest> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refstack-test-'));
  const dbFile = path.join(dir, 'refstack.db');
  const clock = opts.clock ?? movableClock();
  const keys = { secretKey: opts.secretKey ?? `sk_test_${randomId(24)}`, publishableKey: opts.publishableKey ?? `pk_test_${randomId(24)}` };
  const ingest = await startIngest({
    host: '127.0.0.1',
    rateLimitPerMinute: 0,
    workers: false,
    keysFile: false,
    ...opts,
    ...keys,
    port: 0,
    dbFile,
    now: clock.now,
  });

  const request = async <T>(p: string, init: RequestInit2 & { redirect?: RequestRedirect } = {}): Promise<Reply<T>> => {
    const headers: Record<string, string> = { ...init.headers };
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    const res = await fetch(ingest.url + p, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, redirect: init.redirect ?? 'manual' });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('application/json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        /* keep the text */
      }
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  };

  const api = <T>(p: string, init: RequestInit2 = {}) => {
    const key = init.key === undefined ? keys.secretKey : init.key;
    return request<T>(p, { ...init, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...init.headers } });
  };

  const browser = <T>(p: string, body: unknown, init: { origin?: string; key?: string | null; headers?: Record<string, string> } = {}) => {
    const key = init.key === undefined ? keys.publishableKey : init.key;
    return request<T>(p, {
      method: 'POST',
      body,
      headers: { ...(key ? { 'x-refstack-key': key } : {}), ...(init.origin ? { origin: init.origin } : {}), ...init.headers },
    });
  };

  return {
    url: ingest.url,
    app: ingest.app,
    ctx: ingest.ctx,
    db: ingest.db,
    keys,
    clock,
    dir,
    dbFile,
    request,
    api,
    browser,
    raw: (p, init) => rawRequest(ingest.url + p, init),
    close: async () => {
      await ingest.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
