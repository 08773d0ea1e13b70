// `npm run bench`: the numbers a vendor can check before putting Refstack in front of traffic.
// Prints them and writes bench/results.md. Loopback only, every run bounded in time.
//
//   1. HTTP: the real ingest as a child process (bench/server.ts = ingest/server.ts plus a
//      bare no-op route and a constant redirect on the same Hono app), a temp database, rate
//      limit off, a flat signup offer and a 10 % transaction offer active. autocannon (in this
//      process) drives the no-op ceiling, the constant redirect, GET /r/{linkKey}, POST
//      /v1/clicks, /v1/signups, /v1/transactions at full speed (req/s, latency, and the
//      server's CPU time per request from /proc), then /r, /v1/signups and /v1/transactions
//      at a fixed 1,000 req/s. The whole suite runs twice.
//   2. Memory: the child's VmRSS idle, after each suite (after a full GC) and its VmHWM peak.
//   3. Bulk: 100,000 transactions through the domain layer in-process, offers evaluated.
//   4. The browser script: gzip / brotli bytes and its start-up cost in Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import autocannon, { type Request, type Result } from 'autocannon';
import Database from 'better-sqlite3';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT_FILE = path.join(ROOT, 'dist', 'refstack.js');
const RESULTS_FILE = path.join(ROOT, 'bench', 'results.md');

/** Seconds per measured route, after a short discarded warm-up. */
const DURATION = Number(process.env.BENCH_DURATION ?? 6);
const WARMUP = 1.5;
const CONNECTIONS = 16;
const FIXED_RATE = 1000;
const BULK_TRANSACTIONS = Number(process.env.BENCH_BULK ?? 100_000);
const SCRIPT_LOADS = 50;
const CUSTOMERS = 1000;
const ORIGIN = 'http://www.acme.test';
const BROWSER_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

const TARGETS = { redirectRatio: 0.7, signupRatio: 0.5, fixedP99Ms: 20, bulkPerSec: 5000, peakRssMb: 200 };

const out: string[] = [];
function say(line = ''): void {
  console.log(line);
  out.push(line);
}

// ---------------------------------------------------------------- the child server

interface Child {
  url: string;
  pid: number;
  proc: ChildProcess;
  stop: () => Promise<void>;
}

/**
 * The V8 flags `npm start` runs the server with (package.json "start"; README "Running it in
 * production"): a live heap of ~15 MB needs no more, and without a cap V8 lets garbage pile up
 * under load (peak RSS 240+ MB here instead of ~125 MB at the same throughput).
 */
const SERVER_NODE_FLAGS = ['--max-old-space-size=192', '--max-semi-space-size=8'];

function startServer(dir: string, keys: { sk: string; pk: string }): Promise<Child> {
  const proc = spawn(process.execPath, ['--expose-gc', ...SERVER_NODE_FLAGS, path.join(ROOT, 'dist', 'bench-server.mjs')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      REFSTACK_DB: path.join(dir, 'refstack.db'),
      REFSTACK_SECRET_KEY: keys.sk,
      REFSTACK_PUBLISHABLE_KEY: keys.pk,
      REFSTACK_ALLOWED_ORIGINS: ORIGIN,
      REFSTACK_RATE_LIMIT: '0',
      REFSTACK_LOG: '0',
      REFSTACK_DEMO: '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench server did not start within 30 s')), 30_000);
    proc.once('exit', (code) => reject(new Error(`bench server exited early (${code})`)));
    readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (!line.startsWith('BENCH_READY ')) return;
      clearTimeout(timer);
      const { url, pid } = JSON.parse(line.slice('BENCH_READY '.length)) as { url: string; pid: number };
      const stop = () =>
        new Promise<void>((done) => {
          if (proc.exitCode !== null) return done();
          const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
          proc.once('exit', () => {
            clearTimeout(kill);
            done();
          });
          proc.kill('SIGTERM');
        });
      resolve({ url, pid, proc, stop });
    });
  });
}

/** VmRSS / VmHWM of a process, in MB. */
function procMem(pid: number): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

async function call(base: string, p: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<any> {
  const res = await fetch(base + p, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${p} -> ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

// ---------------------------------------------------------------- load runs

interface Row {
  route: string;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  bad: number;
  ratio?: number;
  /** The server's event-loop delay during the run (p99 / max, ms). */
  loop?: { p99: number; max: number };
  /** The server process's CPU time (user + system, all its threads) per answered request, µs. */
  cpuUs?: number;
}

/** CPU time a process has used so far (user + system, all threads), µs, from /proc. */
function procCpuUs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function load(name: string, opts: { url: string; requests?: Request[]; headers?: Record<string, string>; method?: string; rate?: number; expect: '2xx' | '3xx'; loopUrl?: string; pid?: number }): Promise<Row> {
  const base = {
    url: opts.url,
    connections: CONNECTIONS,
    pipelining: 1,
    timeout: 10,
    ...(opts.headers ? { headers: opts.headers } : {}),
    ...(opts.method ? { method: opts.method } : {}),
    ...(opts.requests ? { requests: opts.requests } : {}),
  };
  await autocannon({ ...base, duration: WARMUP, ...(opts.rate ? { overallRate: opts.rate } : {}) });
  if (opts.loopUrl) await call(opts.loopUrl, '');
  const cpuBefore = opts.pid ? procCpuUs(opts.pid) : 0;
  const r: Result = await autocannon({ ...base, duration: DURATION, ...(opts.rate ? { overallRate: opts.rate } : {}) });
  const cpuUs = opts.pid ? (procCpuUs(opts.pid) - cpuBefore) / Math.max(1, r.requests.total) : undefined;
  const loop = opts.loopUrl ? ((await call(opts.loopUrl, '')) as { p99: number; max: number }) : undefined;
  const ok = opts.expect === '2xx' ? r['2xx'] : r['3xx'];
  const bad = r['1xx'] + r['4xx'] + r['5xx'] + r.errors + r.timeouts + (opts.expect === '2xx' ? r['3xx'] : r['2xx']);
  return { route: name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, ok, bad, loop, cpuUs };
}

interface Fixture {
  sk: string;
  pk: string;
  partnerKey: string;
  linkKey: string;
}

async function suite(child: Child, fx: Fixture, run: number, sampleMem: () => void): Promise<{ rows: Row[]; fixed: Row[] }> {
  const u = child.url;
  const sampler = setInterval(sampleMem, 200);
  const browserHeaders = { 'content-type': 'application/json', 'x-refstack-key': fx.pk, origin: ORIGIN, 'user-agent': BROWSER_UA };
  const serverHeaders = { 'content-type': 'application/json', authorization: `Bearer ${fx.sk}` };
  let n = 0;
  const signups = (): Request[] => [
    {
      method: 'POST',
      path: '/v1/signups',
      setupRequest: (req) => {
        const i = n++;
        return { ...req, body: JSON.stringify({ customerKey: `su-${run}-${i}`, email: `su${run}.${i}@bench.test`, partnerKey: fx.partnerKey }) };
      },
    },
  ];
  const transactions = (): Request[] => [
    {
      method: 'POST',
      path: '/v1/transactions',
      setupRequest: (req) => {
        const i = n++;
        return { ...req, body: JSON.stringify({ customerKey: `cust-${i % CUSTOMERS}`, key: `tx-${run}-${i}`, amount: 1000 + (i % 9000), currency: 'USD' }) };
      },
    },
  ];
  const clickBody = JSON.stringify({ partnerKey: fx.partnerKey, url: `${ORIGIN}/pricing?ps_partner_key=${fx.partnerKey}`, referrer: 'https://blog.example/post' });
  try {
    const rows: Row[] = [];
    rows.push(await load('GET /bench/noop (ceiling)', { url: `${u}/bench/noop`, expect: '2xx', pid: child.pid }));
    rows.push(await load('GET /bench/redirect (constant 302)', { url: `${u}/bench/redirect`, expect: '3xx', pid: child.pid }));
    rows.push(await load('GET /r/{linkKey}', { url: `${u}/r/${fx.linkKey}`, headers: { 'user-agent': BROWSER_UA }, expect: '3xx', pid: child.pid }));
    rows.push(await load('POST /v1/clicks', { url: `${u}/v1/clicks`, method: 'POST', headers: browserHeaders, requests: [{ method: 'POST', path: '/v1/clicks', body: clickBody }], expect: '2xx', pid: child.pid }));
    rows.push(await load('POST /v1/signups', { url: `${u}/v1/signups`, method: 'POST', headers: browserHeaders, requests: signups(), expect: '2xx', pid: child.pid }));
    rows.push(await load('POST /v1/transactions', { url: `${u}/v1/transactions`, method: 'POST', headers: serverHeaders, requests: transactions(), expect: '2xx', pid: child.pid }));
    for (const r of rows) r.ratio = r.rps / rows[0].rps;
    const fixed: Row[] = [];
    fixed.push(await load(`GET /r/{linkKey} @ ${FIXED_RATE}/s`, { url: `${u}/r/${fx.linkKey}`, headers: { 'user-agent': BROWSER_UA }, rate: FIXED_RATE, expect: '3xx', loopUrl: `${u}/bench/loop` }));
    fixed.push(await load(`POST /v1/signups @ ${FIXED_RATE}/s`, { url: `${u}/v1/signups`, method: 'POST', headers: browserHeaders, requests: signups(), rate: FIXED_RATE, expect: '2xx', loopUrl: `${u}/bench/loop` }));
    fixed.push(await load(`POST /v1/transactions @ ${FIXED_RATE}/s`, { url: `${u}/v1/transactions`, method: 'POST', headers: serverHeaders, requests: transactions(), rate: FIXED_RATE, expect: '2xx', loopUrl: `${u}/bench/loop` }));
    return { rows, fixed };
  } finally {
    clearInterval(sampler);
  }
}

const f0 = (x: number) => x.toFixed(0);
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);

function table(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  say(line(head));
  say(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows) say(line(r));
}

// ---------------------------------------------------------------- the HTTP part

interface Mem {
  idle: number;
  after: number[];
  peak: number;
  hwm: number;
  heapIdle: number;
  heapAfter: number[];
  nodeBaseline: number;
}

/** RSS of an idle bare `node` (the runtime's own share of the server's RSS), MB. */
async function nodeBaseline(): Promise<number> {
  const proc = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { cwd: ROOT, stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 2000));
  const { rss } = procMem(proc.pid!);
  proc.kill('SIGKILL');
  return rss;
}

async function httpBench(): Promise<{ suites: Array<{ rows: Row[]; fixed: Row[] }>; mem: Mem; rowCounts: Record<string, number> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refstack-bench-'));
  const rand = () => Math.random().toString(36).slice(2, 12);
  const fx: Fixture = { sk: `sk_bench_${rand()}${rand()}`, pk: `pk_bench_${rand()}${rand()}`, partnerKey: '', linkKey: '' };
  const child = await startServer(dir, fx);
  try {
    const auth = { authorization: `Bearer ${fx.sk}` };
    const { partner } = await call(child.url, '/v1/partners', { body: { email: 'bench@partner.test', name: 'Bench Partner', key: 'bench-partner' }, headers: auth });
    fx.partnerKey = partner.key;
    fx.linkKey = partner.links[0].linkKey;
    await call(child.url, '/v1/offers', { body: { name: 'Signup bonus', event: 'customer.created', amount: 500, currency: 'USD' }, headers: auth });
    await call(child.url, '/v1/offers', { body: { name: '10% of sales', event: 'transaction.created', bps: 1000 }, headers: auth });
    for (let i = 0; i < CUSTOMERS; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, j) => call(child.url, '/v1/customers', { body: { customerKey: `cust-${i + j}`, email: `c${i + j}@bench.test`, partnerKey: fx.partnerKey }, headers: auth })),
      );
    }
    const heapIdle = ((await call(child.url, '/bench/gc')) as NodeJS.MemoryUsage).heapUsed / 2 ** 20;
    const idle = procMem(child.pid).rss;
    let peak = idle;
    const sample = () => {
      try {
        peak = Math.max(peak, procMem(child.pid).rss);
      } catch {
        /* exited */
      }
    };
    const suites = [];
    const after: number[] = [];
    const heapAfter: number[] = [];
    for (const run of [1, 2]) {
      suites.push(await suite(child, fx, run, sample));
      heapAfter.push(((await call(child.url, '/bench/gc')) as NodeJS.MemoryUsage).heapUsed / 2 ** 20);
      await new Promise((r) => setTimeout(r, 500));
      after.push(procMem(child.pid).rss);
    }
    const { hwm } = procMem(child.pid);
    await child.stop();
    const db = new Database(path.join(dir, 'refstack.db'), { readonly: true });
    const rowCounts: Record<string, number> = {};
    for (const t of ['click', 'customer', 'txn', 'reward']) {
      try {
        rowCounts[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
      } catch {
        /* table named otherwise */
      }
    }
    db.close();
    return { suites, mem: { idle, after, peak, hwm, heapIdle, heapAfter, nodeBaseline: await nodeBaseline() }, rowCounts };
  } finally {
    await child.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- bulk, in-process

async function bulkBench(): Promise<{ n: number; seconds: number; groupSeconds: number; batchedSeconds: number; rewards: number }> {
  const { openDb } = await import('../ingest/db/index.js');
  const { createApp } = await import('../ingest/app.js');
  const { ensureDefaultProgram } = await import('../ingest/domain/programs.js');
  const { createPartner } = await import('../ingest/domain/partners.js');
  const { upsertCustomer } = await import('../ingest/domain/customers.js');
  const { recordTransaction } = await import('../ingest/domain/rewards/transactions.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refstack-bulk-'));
  const db = openDb(path.join(dir, 'refstack.db'));
  try {
    const sk = 'sk_bulk_0123456789abcdef';
    const { program } = ensureDefaultProgram(db, { secretKey: sk, publishableKey: 'pk_bulk_0123456789abcdef' }, Date.now());
    const { app, ctx } = createApp({ db, rateLimitPerMinute: 0 });
    const post = async (p: string, body: unknown) => {
      const res = await app.request(p, { method: 'POST', headers: { authorization: `Bearer ${sk}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status !== 201) throw new Error(`${p} -> ${res.status} ${await res.text()}`);
    };
    await post('/v1/offers', { name: 'Signup bonus', event: 'customer.created', amount: 500, currency: 'USD' });
    await post('/v1/offers', { name: '10% of sales', event: 'transaction.created', bps: 1000 });
    const partners = Array.from({ length: 10 }, (_, i) => createPartner(ctx, program, { email: `p${i}@bulk.test`, name: `Partner ${i}` }, 'http://127.0.0.1'));
    for (let i = 0; i < CUSTOMERS; i++) upsertCustomer(ctx, program, { customerKey: `cust-${i}`, email: `c${i}@bulk.test`, partnerKey: partners[i % partners.length].key });
    const started = performance.now();
    for (let i = 0; i < BULK_TRANSACTIONS; i++) {
      recordTransaction(ctx, program, { customerKey: `cust-${i % CUSTOMERS}`, key: `bulk-${i}`, amount: 1000 + (i % 9000), currency: 'USD' });
    }
    const seconds = (performance.now() - started) / 1000;
    // As the API commits them under load: 16 requests in flight, group-committed by db.batch
    // (one IMMEDIATE commit per event-loop turn, a savepoint each).
    const startedGroup = performance.now();
    for (let i = 0; i < BULK_TRANSACTIONS; i += 16) {
      const flight: Promise<unknown>[] = [];
      for (let j = i; j < Math.min(i + 16, BULK_TRANSACTIONS); j++) {
        flight.push(db.batch(() => recordTransaction(ctx, program, { customerKey: `cust-${j % CUSTOMERS}`, key: `group-${j}`, amount: 1000 + (j % 9000), currency: 'USD' })));
      }
      await Promise.all(flight);
    }
    const groupSeconds = (performance.now() - startedGroup) / 1000;
    // The same work as an import would do it: 1,000 transactions per write transaction.
    const startedBatched = performance.now();
    for (let i = 0; i < BULK_TRANSACTIONS; i += 1000) {
      db.tx(() => {
        for (let j = i; j < Math.min(i + 1000, BULK_TRANSACTIONS); j++) {
          recordTransaction(ctx, program, { customerKey: `cust-${j % CUSTOMERS}`, key: `batch-${j}`, amount: 1000 + (j % 9000), currency: 'USD' });
        }
      });
    }
    const batchedSeconds = (performance.now() - startedBatched) / 1000;
    const rewards = db.get<{ n: number }>("SELECT count(*) AS n FROM reward WHERE source_type = 'transaction'")?.n ?? NaN;
    return { n: BULK_TRANSACTIONS, seconds, groupSeconds, batchedSeconds, rewards };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- the browser script

async function scriptBench(): Promise<{ raw: number; gzip: number; brotli: number; startup?: { median: number; p90: number; min: number; requests: number }; note?: string }> {
  const body = fs.readFileSync(SCRIPT_FILE);
  const raw = body.length;
  const gzip = zlib.gzipSync(body, { level: 9 }).length;
  const brotli = zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  let browser;
  try {
    const { launchBrowser } = await import('../test/helpers/browser.js');
    browser = await launchBrowser();
  } catch (err) {
    return { raw, gzip, brotli, note: `Chromium start-up not measured: ${(err as Error).message}` };
  }
  try {
    const page = await browser.newPage();
    const source = body.toString('utf8').replace(/<\/script/gi, '<\\/script');
    // Inline, so the figure is parse + compile + run to `refstack.loaded`, without the network.
    const html = `<!doctype html><html><head><meta charset="utf-8"><script>window.__t0=performance.now()</script><script data-key="pk_bench_0123456789" data-api="http://127.0.0.1:9">${source}</script><script>window.__t1=performance.now();window.__loaded=!!(window.refstack&&window.refstack.loaded)</script></head><body>Pricing</body></html>`;
    await page.route('http://www.acme.test/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
    let requests = 0;
    page.on('request', (req) => {
      if (!req.url().startsWith('http://www.acme.test/')) requests++;
    });
    const times: number[] = [];
    for (let i = 0; i < SCRIPT_LOADS + 3; i++) {
      await page.goto(`http://www.acme.test/pricing?load=${i}`, { timeout: 10_000 });
      const { t0, t1, loaded } = await page.evaluate(() => ({ t0: (window as any).__t0, t1: (window as any).__t1, loaded: (window as any).__loaded }));
      if (!loaded) throw new Error('refstack.loaded was not set');
      if (i >= 3) times.push(t1 - t0);
    }
    times.sort((a, b) => a - b);
    return { raw, gzip, brotli, startup: { median: times[Math.floor(times.length / 2)], p90: times[Math.floor(times.length * 0.9)], min: times[0], requests } };
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = Date.now();
  const cpu = os.cpus();
  say(`# Refstack benchmarks`);
  say();
  say(`Machine: ${cpu[0]?.model.trim() ?? 'unknown cpu'}, ${cpu.length} cores, ${f1(os.totalmem() / 2 ** 30)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}`);
  say(`Date: ${new Date().toISOString()}. Load: autocannon in the same machine (${CONNECTIONS} connections, ${DURATION} s per route after a ${WARMUP} s warm-up), server and load generator share the ${cpu.length} cores.`);
  say();

  // How noisy the machine is: an idle event loop's delay beyond a 5 ms timer, over 3 s.
  const idleLoop = monitorEventLoopDelay({ resolution: 5 });
  idleLoop.enable();
  await new Promise((r) => setTimeout(r, 3000));
  idleLoop.disable();
  say(
    `Machine noise: an idle Node event loop here is late by p99 ${f1(Math.max(0, idleLoop.percentile(99) / 1e6 - 5))} ms, max ${f1(Math.max(0, idleLoop.max / 1e6 - 5))} ms; load average ${os.loadavg().map(f2).join(' ')} (other work shares these cores).`,
  );
  say();

  const http = await httpBench();
  const check = (ok: boolean) => (ok ? 'met' : 'MISSED');
  for (const [i, s] of http.suites.entries()) {
    say(`## HTTP, run ${i + 1} of 2 (full speed)`);
    say();
    table(
      ['route', 'req/s', 'p50 ms', 'p99 ms', 'ratio to no-op', 'server CPU µs/request', 'answers ok', 'other'],
      s.rows.map((r) => [r.route, f0(r.rps), f1(r.p50), f1(r.p99), f2(r.ratio!), r.cpuUs === undefined ? '-' : f0(r.cpuUs), String(r.ok), String(r.bad)]),
    );
    say();
    say(`Fixed rate (${FIXED_RATE} req/s, ${DURATION} s):`);
    say();
    table(
      ['route', 'req/s', 'p50 ms', 'p99 ms', 'server loop delay p99 / max ms', 'answers ok', 'other'],
      s.fixed.map((r) => [r.route, f0(r.rps), f1(r.p50), f1(r.p99), r.loop ? `${f1(r.loop.p99)} / ${f1(r.loop.max)}` : '-', String(r.ok), String(r.bad)]),
    );
    say();
  }
  say(`Rows written by the two runs (read-only open of the bench database): ${Object.entries(http.rowCounts).map(([t, n]) => `${t} ${n}`).join(', ')}`);
  say();
  say(`## Memory (server process)`);
  say();
  say(`RSS idle (after set-up, after GC): ${f1(http.mem.idle)} MB`);
  say(`RSS after run 1 (after GC): ${f1(http.mem.after[0])} MB; after run 2: ${f1(http.mem.after[1])} MB (growth ${f1(http.mem.after[1] - http.mem.after[0])} MB)`);
  say(`RSS peak during the runs: ${f1(http.mem.peak)} MB sampled, ${f1(http.mem.hwm)} MB VmHWM`);
  say(`JS heap used after GC: idle ${f1(http.mem.heapIdle)} MB, after run 1 ${f1(http.mem.heapAfter[0])} MB, after run 2 ${f1(http.mem.heapAfter[1])} MB`);
  say(`For scale: an idle bare \`node\` is ${f1(http.mem.nodeBaseline)} MB RSS by itself (the server runs compiled, dist/bench-server.mjs, no TypeScript loader).`);
  say();

  const bulk = await bulkBench();
  say(`## Bulk (in-process, domain layer, one write transaction each)`);
  say();
  say(`${bulk.n} transactions with offers evaluated, one write transaction each (as the API does): ${f2(bulk.seconds)} s, ${f0(bulk.n / bulk.seconds)} transactions/s`);
  say(`${bulk.n} more, 16 in flight, group-committed (as the API commits under load): ${f2(bulk.groupSeconds)} s, ${f0(bulk.n / bulk.groupSeconds)} transactions/s`);
  say(`${bulk.n} more, 1,000 per write transaction (as a bulk import could): ${f2(bulk.batchedSeconds)} s, ${f0(bulk.n / bulk.batchedSeconds)} transactions/s`);
  say(`(${bulk.rewards} transaction rewards created in all)`);
  say();

  const script = await scriptBench();
  say(`## The browser script (dist/refstack.js)`);
  say();
  say(`${script.raw} bytes raw, ${script.gzip} bytes gzip -9, ${script.brotli} bytes brotli -q 11`);
  if (script.startup) {
    say(
      `Start-up in Chromium (inline tag, script evaluation to refstack.loaded, ${SCRIPT_LOADS} loads): median ${f2(script.startup.median)} ms, p90 ${f2(script.startup.p90)} ms, min ${f2(script.startup.min)} ms; requests sent by ${SCRIPT_LOADS + 3} page views without partner parameters: ${script.startup.requests}`,
    );
  } else say(script.note ?? '');
  say();

  const [r1, r2] = http.suites;
  const ratio = (s: typeof r1, route: string) => s.rows.find((r) => r.route === route)!.ratio!;
  const worst = (f: (s: typeof r1) => number, hi = false) => (hi ? Math.max(f(r1), f(r2)) : Math.min(f(r1), f(r2)));
  say(`## Targets (worst of the two runs)`);
  say();
  table(
    ['target', 'measured', ''],
    [
      [`redirect >= ${TARGETS.redirectRatio} of the no-op`, f2(worst((s) => ratio(s, 'GET /r/{linkKey}'))), check(worst((s) => ratio(s, 'GET /r/{linkKey}')) >= TARGETS.redirectRatio)],
      [`signups >= ${TARGETS.signupRatio} of the no-op`, f2(worst((s) => ratio(s, 'POST /v1/signups'))), check(worst((s) => ratio(s, 'POST /v1/signups')) >= TARGETS.signupRatio)],
      ...r1.fixed.map((row, i): string[] => {
        const p99 = Math.max(row.p99, r2.fixed[i].p99);
        return [`p99 < ${TARGETS.fixedP99Ms} ms: ${row.route}`, `${f1(p99)} ms`, check(p99 < TARGETS.fixedP99Ms)];
      }),
      [`bulk >= ${TARGETS.bulkPerSec} transactions/s (one write transaction each)`, f0(bulk.n / bulk.seconds), check(bulk.n / bulk.seconds >= TARGETS.bulkPerSec)],
      [`bulk >= ${TARGETS.bulkPerSec} transactions/s (16 in flight, group-committed)`, f0(bulk.n / bulk.groupSeconds), check(bulk.n / bulk.groupSeconds >= TARGETS.bulkPerSec)],
      [`bulk >= ${TARGETS.bulkPerSec} transactions/s (1,000 per write transaction)`, f0(bulk.n / bulk.batchedSeconds), check(bulk.n / bulk.batchedSeconds >= TARGETS.bulkPerSec)],
      [`peak RSS < ${TARGETS.peakRssMb} MB`, `${f1(http.mem.hwm)} MB`, check(http.mem.hwm < TARGETS.peakRssMb)],
      [`no growth from run 1 to run 2`, `${f1(http.mem.after[1] - http.mem.after[0])} MB`, check(http.mem.after[1] - http.mem.after[0] < 10)],
    ],
  );
  say();
  say(`Bench time: ${f0((Date.now() - started) / 1000)} s. Regenerate with \`npm run bench\`.`);
  fs.writeFileSync(RESULTS_FILE, `${out.join('\n')}\n`);
  console.log(`\n(written to ${path.relative(process.cwd(), RESULTS_FILE)})`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`[bench] ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
