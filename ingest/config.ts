// Environment -> ingest settings, validated once at start-up (a bad value stops the start
// with a message naming the variable, instead of surfacing later as odd behaviour).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface IngestConfig {
  /** PORT. @default 8787 */
  port: number;
  /** HOST: the interface to listen on. @default all interfaces */
  host?: string;
  /** REFSTACK_DB. @default "./data/refstack.db" */
  dbFile: string;
  /** REFSTACK_SECRET_KEY: the default program's secret key (sk_...). @default generated once, saved to keys.json */
  secretKey?: string;
  /** REFSTACK_PUBLISHABLE_KEY: the default program's publishable key (pk_...). @default generated once */
  publishableKey?: string;
  /** REFSTACK_ALLOWED_ORIGINS: comma-separated exact origins. @default unchanged (empty on creation = any origin) */
  allowedOrigins?: string[];
  /** REFSTACK_RATE_LIMIT: browser-route requests per minute per IP; 0 = off. @default 600 */
  rateLimitPerMinute: number;
  /** REFSTACK_PUBLIC_URL: base URL of link URLs. @default the request's origin */
  publicUrl?: string;
  /** REFSTACK_TRUST_PROXY=1: client IP from X-Forwarded-For (last entry). @default false */
  trustProxy: boolean;
  /** REFSTACK_DESTINATION: the default program's default link destination. */
  defaultDestination?: string;
  /** REFSTACK_COOKIE_WINDOW_DAYS (1..730). @default 90 on creation */
  cookieWindowDays?: number;
  /** REFSTACK_ATTRIBUTION_MODEL: last_click | first_click. @default last_click on creation */
  attributionModel?: 'last_click' | 'first_click';
  /** REFSTACK_SCRIPT_FILE. @default "<repo>/dist/refstack.js" */
  scriptFile: string;
  /** REFSTACK_LOG=0 turns off the one-line-per-request log. @default true */
  logRequests: boolean;
}

export const DEFAULT_SCRIPT_FILE = path.join(repoRoot, 'dist', 'refstack.js');

type Env = Record<string, string | undefined>;

function fail(name: string, value: string, expected: string): never {
  throw new Error(`${name}=${JSON.stringify(value)}: expected ${expected}`);
}

function int(env: Env, name: string, min: number, max: number): number | undefined {
  const v = env[name]?.trim();
  if (!v) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) fail(name, v, `an integer from ${min} to ${max}`);
  return n;
}

function url(env: Env, name: string, originOnly: boolean): string | undefined {
  const v = env[name]?.trim();
  if (!v) return undefined;
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    if (originOnly && u.origin !== v.replace(/\/$/, '')) throw new Error();
    return originOnly ? u.origin : v;
  } catch {
    return fail(name, v, originOnly ? 'an origin like https://track.vendor.com' : 'an http(s) URL');
  }
}

function key(env: Env, name: string, prefix: string): string | undefined {
  const v = env[name]?.trim();
  if (!v) return undefined;
  if (!new RegExp(`^${prefix}[A-Za-z0-9_]{8,200}$`).test(v)) fail(name, `${v.slice(0, 3)}...`, `${prefix}... (letters, digits, _; at least 8 after the prefix)`);
  return v;
}

export function readConfig(env: Env = process.env): IngestConfig {
  const origins = env.REFSTACK_ALLOWED_ORIGINS?.trim();
  const model = env.REFSTACK_ATTRIBUTION_MODEL?.trim();
  if (model && model !== 'last_click' && model !== 'first_click') fail('REFSTACK_ATTRIBUTION_MODEL', model, 'last_click or first_click');
  return {
    port: int(env, 'PORT', 0, 65535) ?? 8787,
    host: env.HOST?.trim() || undefined,
    dbFile: env.REFSTACK_DB?.trim() || './data/refstack.db',
    secretKey: key(env, 'REFSTACK_SECRET_KEY', 'sk_'),
    publishableKey: key(env, 'REFSTACK_PUBLISHABLE_KEY', 'pk_'),
    allowedOrigins:
      origins === undefined
        ? undefined
        : origins
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean)
            .map((o) => url({ REFSTACK_ALLOWED_ORIGINS: o }, 'REFSTACK_ALLOWED_ORIGINS', true)!),
    rateLimitPerMinute: int(env, 'REFSTACK_RATE_LIMIT', 0, 10_000_000) ?? 600,
    publicUrl: url(env, 'REFSTACK_PUBLIC_URL', false)?.replace(/\/+$/, ''),
    trustProxy: env.REFSTACK_TRUST_PROXY === '1' || env.REFSTACK_TRUST_PROXY === 'true',
    defaultDestination: url(env, 'REFSTACK_DESTINATION', false),
    cookieWindowDays: int(env, 'REFSTACK_COOKIE_WINDOW_DAYS', 1, 730),
    attributionModel: (model || undefined) as IngestConfig['attributionModel'],
    scriptFile: env.REFSTACK_SCRIPT_FILE?.trim() || DEFAULT_SCRIPT_FILE,
    logRequests: env.REFSTACK_LOG !== '0',
  };
}
