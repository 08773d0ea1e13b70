// POST/GET /v1/triggers: on an event, when every condition holds, do one action (see
// domain/rewards/triggers.ts for the facts conditions read and what each action does).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { Key } from '../../domain/rewards/money.js';
import { Action, canCreateReward, Condition, EVENT_TYPES } from '../../domain/rewards/triggers.js';
import { parseId, triggerJson } from '../../domain/rewards/views.js';
import type { AppEnv } from '../../http/auth.js';
import { parseBody, parseQuery } from '../../http/body.js';
import { ApiError } from '../../http/errors.js';
import * as s from '../../http/schemas.js';
import { groupByKey } from '../../store/groups.js';
import { randomId } from '../../store/programs.js';
import { insertTrigger, listTriggers, triggerById, triggerIdByKey } from '../../store/triggers.js';
import { endpointById } from '../../store/webhooks.js';
import { secret } from './common.js';

export const triggerBody = z.strictObject({
  key: Key.optional(),
  name: z.string().trim().min(1).max(200),
  event: z.enum(EVENT_TYPES),
  conditions: z.array(Condition).max(20).default([]),
  action: Action,
});

export function triggerRoutes(ctx: AppContext, r: Hono<AppEnv>): void {
  const doc = secret('triggers');

  ctx.openapi.add({ ...doc, method: 'post', path: '/v1/triggers', summary: 'Create a trigger: on event, if conditions, do action', body: triggerBody, responses: { 201: '{ trigger }' } });
  r.post('/v1/triggers', async (c) => {
    const b = await parseBody(c, triggerBody);
    const program = c.var.program;
    const a = b.action;
    if (a.type === 'create_reward' && !canCreateReward(b.event)) {
      throw new ApiError(422, 'invalid_value', `create_reward needs an event about a partner, customer, transaction or deal, not ${b.event}`, 'action.type');
    }
    if (a.type === 'move_to_group' && !groupByKey(ctx.db, program.id, a.groupKey)) throw new ApiError(422, 'unknown_group', `No group with key ${a.groupKey}`, 'action.groupKey');
    if (a.type === 'send_webhook' && !endpointById(ctx.db, program.id, parseId('wh', a.webhookId) ?? 0)) {
      throw new ApiError(422, 'unknown_webhook', `No webhook with id ${a.webhookId}`, 'action.webhookId');
    }
    const key = b.key ?? `trg_${randomId(10)}`;
    const id = ctx.db.tx(() => insertTrigger(ctx.db, { programId: program.id, key, name: b.name, event: b.event, conditions: b.conditions, action: a, now: ctx.now() }));
    if (id === undefined) throw new ApiError(409, 'trigger_key_taken', `A trigger with key ${key} already exists`, 'key');
    return c.json({ trigger: triggerJson(triggerById(ctx.db, id)!) }, 201);
  });

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/triggers', summary: 'List triggers, newest first', query: s.listQuery, responses: { 200: '{ triggers, hasMore }' } });
  r.get('/v1/triggers', (c) => {
    const q = parseQuery(c, s.listQuery);
    const programId = c.var.program.id;
    const { rows, hasMore } = s.page(
      q,
      (key) => {
        const id = triggerIdByKey(ctx.db, programId, key);
        return id === undefined ? undefined : triggerById(ctx.db, id);
      },
      (limit, afterId) => listTriggers(ctx.db, programId, limit, afterId),
    );
    return c.json({ triggers: rows.map(triggerJson), hasMore });
  });
}
