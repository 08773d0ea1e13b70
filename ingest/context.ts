// What every route and domain function receives: the database, the clock, the event bus,
// the OpenAPI registry and the resolved options. Built once by createApp().
import type { Db } from './db/index.js';
import type { EventBus } from './domain/events.js';
import type { IpHasher } from './http/ip-hash.js';
import type { OpenApiRegistry } from './http/openapi.js';

export interface AppOptions {
  /** An open, migrated database (see openDb). */
  db: Db;
  /** The clock, in ms since the epoch. Tests move it to cross cookie windows and hold periods. @default Date.now */
  now?: () => number;
  /** Browser-route requests per minute per IP; 0 turns rate limiting off. @default 600 */
  rateLimitPerMinute?: number;
  /** Public base URL of the ingest, used for partner link URLs. @default the request's own origin @example "https://track.vendor.com" */
  publicUrl?: string;
  /** Path of the built browser script served at /refstack.js. @default "<repo>/dist/refstack.js" */
  scriptFile?: string;
  /** Trust X-Forwarded-For / -Proto / -Host (only behind your own proxy). @default false */
  trustProxy?: boolean;
  /** One line per request/problem; never given key material or raw IPs. @default no logging */
  log?: (line: string) => void;
}

export interface AppContext {
  db: Db;
  now: () => number;
  bus: EventBus;
  openapi: OpenApiRegistry;
  /** Daily-salted IP hashing (the raw IP is never stored). */
  ipHasher: IpHasher;
  options: Required<Pick<AppOptions, 'rateLimitPerMinute' | 'scriptFile' | 'trustProxy'>> & AppOptions;
}
