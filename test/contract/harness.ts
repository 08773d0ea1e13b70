// Black-box harness for the contract tests: runs the product the way SPEC "Running it" says
// (node dist/start.mjs in a child process, env vars only) and talks to it over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';

export const ROOT = resolve(__dirname, '../..');
const START = join(ROOT, 'dist/start.mjs');

let built = false;
export function ensureBuilt(): void {
  if (built || existsSync(START)) { built = true; return; }
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
  built = true;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

export interface Instance {
  base: string; port: number; demoPort: number; dir: string; sk: string; pk: string;
  out: () => string; proc: ChildProcess;
  stop: () => Promise<number | null>;
  api: (method: string, path: string, body?: unknown, opts?: ApiOpts) => Promise<Res>;
}
export interface ApiOpts { key?: string | null; pk?: boolean; headers?: Record<string, string>; raw?: string }
export interface Res { status: number; body: any; headers: Headers; text: string }

export async function startRefstack(env: Record<string, string | undefined> = {}, opts: { dir?: string; cwd?: string } = {}): Promise<Instance> {
  ensureBuilt();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'refstack-contract-'));
  const port = await freePort();
  const demoPort = await freePort();
  const rnd = Math.random().toString(36).slice(2, 10);
  const fullEnv: Record<string, string> = {
    ...process.env as Record<string, string>,
    HOST: '127.0.0.1',
    PORT: String(port), DEMO_PORT: String(demoPort), REFSTACK_DB: join(dir, 'r.db'),
    REFSTACK_SECRET_KEY: `sk_test_${rnd}`, REFSTACK_PUBLISHABLE_KEY: `pk_test_${rnd}`,
    REFSTACK_DEMO: '0', REFSTACK_RATE_LIMIT: '0',
  };
  for (const [k, v] of Object.entries(env)) { if (v === undefined) delete fullEnv[k]; else fullEnv[k] = v; }
  let out = '';
  const proc = spawn(process.execPath, [START], { cwd: opts.cwd ?? dir, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { out += d; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`refstack exited ${proc.exitCode}: ${out}`);
    try { const r = await fetch(`${base}/healthz`); if (r.status === 200) break; } catch { /* not up yet */ }
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`refstack not ready: ${out}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  const sk = fullEnv.REFSTACK_SECRET_KEY ?? '';
  const pk = fullEnv.REFSTACK_PUBLISHABLE_KEY ?? '';
  const stop = async (): Promise<number | null> => {
    if (proc.exitCode !== null || proc.signalCode) return proc.exitCode;
    const exited = new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    const code = await exited;
    clearTimeout(t);
    if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    return code;
  };
  const api = async (method: string, path: string, body?: unknown, o: ApiOpts = {}): Promise<Res> => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const key = o.key === undefined ? (o.pk ? pk : sk) : o.key;
    if (key) {
      if (key.startsWith('pk_') || o.pk) headers['X-Refstack-Key'] = key;
      else headers.Authorization = `Bearer ${key}`;
    }
    let payload: string | undefined = o.raw;
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['Content-Type'] ??= 'application/json';
    const r = await fetch(base + path, { method, headers, body: payload, redirect: 'manual' });
    const text = await r.text();
    let parsed: any;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
    return { status: r.status, body: parsed, headers: r.headers, text };
  };
  return { base, port, demoPort, dir, sk, pk, out: () => out, proc, stop, api };
}

/** SPEC "HTTP API": errors always look like {"error":{"code","message","field"}}. */
export function expectErrorShape(r: Res, status: number): void {
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text.slice(0, 300)}`);
  const e = r.body?.error;
  if (!e || typeof e.code !== 'string' || !e.code || typeof e.message !== 'string') {
    throw new Error(`error shape wrong: ${r.text.slice(0, 300)}`);
  }
}

export const uid = (p = 'x'): string => `${p}_${Math.random().toString(36).slice(2, 10)}`;
export const b64 = (s: string): string => Buffer.from(s).toString('base64');
