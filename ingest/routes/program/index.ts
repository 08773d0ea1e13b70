// STUB (owned by the reward pipeline): server routes for transactions, offers, rewards,
// payouts, groups, tags, segments, tiers, triggers, webhooks, leads, deals and reports.
import { Hono } from 'hono';
import type { AppContext } from '../../context.js';
import type { AppEnv } from '../../http/auth.js';

export function programRoutes(_ctx: AppContext): Hono<AppEnv> {
  return new Hono<AppEnv>();
}
