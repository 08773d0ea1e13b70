// What every route and domain function receives: the database, the clock, the event bus,
// the OpenAPI registry and the resolved options. Built once by createApp().
import type { Db } from './db/index.js';
import type { EventBus } from './domain/events.js';
import type { OpenApiRegistry } from './http/openapi.js';

export interface AppOptions {
  /** An open, migrated database (see openDb). */
  db: Db;
  /** The clock, in ms since the epoch. Tests move it to cross cookie windows and hold periods. @default Date.now */
  now?: () => number;
  /** Browser-route requests per minute per IP; 0 turns rate limiting off. @default 600 */
  rateLimitPerMinute?: number;
  /** Public base URL of the ingest, used for partner link URLs (https://track.vendor.com). @default the request's own origin */
  publicUrl?: string;
  /** Path of the built browser script served at /refstack.js. @default dist/refstack.js */
  scriptFile?: string;
  /** Trust X-Forwarded-For for the client IP (only behind your own proxy). @default false */
  trustProxy?: boolean;
  /** One line per request/problem; never given key material or raw IPs. @default no logging */
  log?: (line: string) => void;
}

export interface AppContext {
  db: Db;
  now: () => number;
  bus: EventBus;
  openapi: OpenApiRegistry;
  options: Required<Pick<AppOptions, 'rateLimitPerMinute' | 'scriptFile' | 'trustProxy'>> & AppOptions;
}
