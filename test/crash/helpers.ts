// For the crash and concurrency tests: the standalone ingest as a real child process
// (`node --import tsx ingest/server.ts`, so SIGKILL hits the server itself, not a wrapper),
// on loopback, with the database in a temp dir; and one-shot HTTP requests that each open
// their own connection (a fresh agent), so "many connections at once" means exactly that.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { randomId } from '../../ingest/store/programs.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ChildIngest {
  url: string;
  proc: ChildProcess;
  /** SIGKILL, resolved once the process is gone. */
  kill: () => Promise<void>;
  /** SIGTERM (clean shutdown), SIGKILL after 5 s. */
  stop: () => Promise<void>;
}

export interface Env {
  dir: string;
  dbFile: string;
  secretKey: string;
  publishableKey: string;
}

export function tempEnv(): Env {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refstack-crash-'));
  return { dir, dbFile: path.join(dir, 'refstack.db'), secretKey: `sk_test_${randomId(24)}`, publishableKey: `pk_test_${randomId(24)}` };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `node --import tsx ingest/server.ts` on 127.0.0.1:port and waits for /healthz. */
export async function spawnIngest(env: Env, port: number, extra: Record<string, string> = {}): Promise<ChildIngest> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'ingest', 'server.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      REFSTACK_DB: env.dbFile,
      REFSTACK_SECRET_KEY: env.secretKey,
      REFSTACK_PUBLISHABLE_KEY: env.publishableKey,
      REFSTACK_RATE_LIMIT: '0',
      REFSTACK_LOG: '0',
      REFSTACK_DEMO: '0',
      ...extra,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`ingest exited (${proc.exitCode}): ${stderr.slice(0, 2000)}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`ingest did not answer /healthz within 20 s: ${stderr.slice(0, 2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const signal = async (sig: NodeJS.Signals, graceMs: number) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(sig);
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { url, proc, kill: () => signal('SIGKILL', 0), stop: () => signal('SIGTERM', 5000) };
}

export interface Answer {
  status: number;
  text: string;
  json: any;
}

/**
 * One request on its own connection (a fresh agent, no keep-alive). Rejects on a network
 * error (refused, reset) and after timeoutMs.
 */
export function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number; agent?: http.Agent; /** Source address, e.g. 127.0.0.2 (any 127.0.0.x works on Linux). */ localAddress?: string } = {},
): Promise<Answer> {
  const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const agent = init.agent ?? new http.Agent({ keepAlive: false });
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: init.method ?? (body === undefined ? 'GET' : 'POST'),
        agent,
        localAddress: init.localAddress,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
        timeout: init.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${init.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(body);
  }).finally(() => {
    if (!init.agent) agent.destroy();
  }) as Promise<Answer>;
}

/** The database file opened read-only (for counting rows and the integrity check). */
export function readOnly(dbFile: string): Database.Database {
  return new Database(dbFile, { readonly: true, fileMustExist: true });
}
