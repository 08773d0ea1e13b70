// The program's server routes (secret key; app.ts mounts them behind requireSecret, so
// c.var.program is set): transactions, offers, rewards and payouts, groups, tags, contacts,
// segments, tiers, triggers, webhooks, leads and deals, reports. One file per area; every
// route registers itself in ctx.openapi with the zod schemas that validate it.
import { Hono } from 'hono';
import type { AppContext } from '../../context.js';
import type { AppEnv } from '../../http/auth.js';
import { dealRoutes } from './deals.js';
import { offerRoutes } from './offers.js';
import { partnerAdminRoutes } from './partners.js';
import { reportRoutes } from './reports.js';
import { rewardRoutes } from './rewards.js';
import { segmentRoutes } from './segments.js';
import { tierRoutes } from './tiers.js';
import { transactionRoutes } from './transactions.js';
import { triggerRoutes } from './triggers.js';
import { webhookRoutes } from './webhooks.js';

export function programRoutes(ctx: AppContext): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  for (const add of [transactionRoutes, offerRoutes, rewardRoutes, partnerAdminRoutes, segmentRoutes, tierRoutes, triggerRoutes, webhookRoutes, dealRoutes, reportRoutes]) {
    add(ctx, r);
  }
  return r;
}
