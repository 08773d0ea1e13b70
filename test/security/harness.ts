// For the hostile-input tests: a snapshot of the whole database (every table's row count and
// a checksum of its content) to prove a rejected request changed nothing, the SPEC error
// shape, and a request helper with a hard per-request timeout (a hang is a failure).
import crypto from 'node:crypto';
import net from 'node:net';
import type { Db } from '../../ingest/db/index.js';

/** table -> "rows:sha256" over every row in rowid/primary-key order. */
export function snapshot(db: Db): Record<string, string> {
  const out: Record<string, string> = {};
  const tables = db.raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  for (const t of tables) {
    const rows = db.raw.prepare(`SELECT * FROM "${t}"`).raw().all();
    out[t] = `${rows.length}:${crypto.createHash('sha256').update(JSON.stringify(rows)).digest('hex').slice(0, 16)}`;
  }
  return out;
}

/** The tables whose snapshot differs. */
export function changed(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((t) => a[t] !== b[t]);
}

/** SPEC: {"error":{"code","message","field"?}} and nothing else. */
export function isErrorShape(body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'error') return false;
  const e = (body as { error: unknown }).error as Record<string, unknown>;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code !== 'string' || !e.code || typeof e.message !== 'string' || !e.message) return false;
  if ('field' in e && typeof e.field !== 'string') return false;
  return Object.keys(e).every((k) => k === 'code' || k === 'message' || k === 'field');
}

export interface Sent {
  status: number;
  contentType: string;
  text: string;
  json: unknown;
  headers: Headers;
}

/** fetch with a hard timeout; body as given (string or Uint8Array), never re-encoded. */
export async function hit(url: string, init: { method: string; headers?: Record<string, string>; body?: string | Uint8Array; timeoutMs?: number }): Promise<Sent> {
  const res = await fetch(url, {
    method: init.method,
    headers: init.headers,
    body: init.body as BodyInit | undefined,
    redirect: 'manual',
    signal: AbortSignal.timeout(init.timeoutMs ?? 5000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json, headers: res.headers };
}

/** A hand-written HTTP/1.1 request on a raw socket (for what fetch refuses to send, e.g. a lying Content-Length); resolves with the status code. */
export function rawStatus(url: string, head: string, body = '', timeoutMs = 5000): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname);
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(`${head.replace(/\n/g, '\r\n')}\r\nHost: ${u.host}\r\n\r\n${body}`));
    socket.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      if (m) {
        clearTimeout(timer);
        socket.destroy();
        resolve(Number(m[1]));
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
