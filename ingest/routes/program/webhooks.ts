// POST/GET /v1/webhooks, DELETE /v1/webhooks/:id, GET /v1/webhooks/:id/deliveries.
// Each endpoint gets its own signing secret (whsec_...), shown when it is created and listed.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { EVENT_TYPES } from '../../domain/rewards/triggers.js';
import { newWebhookSecret } from '../../domain/rewards/webhooks.js';
import { deliveryJson, endpointJson, parseId, publicId } from '../../domain/rewards/views.js';
import type { AppEnv } from '../../http/auth.js';
import { parseBody, parseQuery } from '../../http/body.js';
import { ApiError } from '../../http/errors.js';
import * as s from '../../http/schemas.js';
import { deleteEndpoint, endpointById, insertEndpoint, listDeliveries, listEndpoints } from '../../store/webhooks.js';
import { secret } from './common.js';

export const webhookBody = z.strictObject({
  url: s.httpUrl,
  events: z.array(z.enum([...EVENT_TYPES, '*'])).min(1).max(EVENT_TYPES.length + 1),
  description: z.string().trim().max(500).optional(),
});

export function webhookRoutes(ctx: AppContext, r: Hono<AppEnv>): void {
  const doc = secret('webhooks');
  const endpointOr404 = (programId: number, id: string) => {
    const n = parseId('wh', id);
    const e = n === undefined ? undefined : endpointById(ctx.db, programId, n);
    if (!e) throw new ApiError(404, 'webhook_not_found', `No webhook with id ${id.slice(0, 100)}`, 'id');
    return e;
  };

  ctx.openapi.add({ ...doc, method: 'post', path: '/v1/webhooks', summary: 'Subscribe an endpoint to events ("*" = all); answers its signing secret', body: webhookBody, responses: { 201: '{ webhook: { id, url, events, secret } }' } });
  r.post('/v1/webhooks', async (c) => {
    const b = await parseBody(c, webhookBody);
    const programId = c.var.program.id;
    const id = ctx.db.tx(() =>
      insertEndpoint(ctx.db, { programId, url: b.url, secret: newWebhookSecret(), events: [...new Set(b.events)], description: b.description ?? null, now: ctx.now() }),
    );
    return c.json({ webhook: endpointJson(endpointById(ctx.db, programId, id)!) }, 201);
  });

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/webhooks', summary: 'List webhook endpoints, newest first', responses: { 200: '{ webhooks, hasMore }' } });
  r.get('/v1/webhooks', (c) => c.json({ webhooks: listEndpoints(ctx.db, c.var.program.id).map(endpointJson), hasMore: false }));

  ctx.openapi.add({ ...doc, method: 'delete', path: '/v1/webhooks/:id', summary: 'Delete an endpoint (its queued deliveries are dropped)', responses: { 200: '{ deleted: true, id }' } });
  r.delete('/v1/webhooks/:id', (c) => {
    const e = endpointOr404(c.var.program.id, c.req.param('id'));
    ctx.db.tx(() => deleteEndpoint(ctx.db, c.var.program.id, e.id));
    return c.json({ deleted: true, id: publicId('wh', e.id) });
  });

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/webhooks/:id/deliveries', summary: "An endpoint's deliveries, newest first", query: s.listQuery, responses: { 200: '{ deliveries, hasMore }' } });
  r.get('/v1/webhooks/:id/deliveries', (c) => {
    const q = parseQuery(c, s.listQuery);
    const e = endpointOr404(c.var.program.id, c.req.param('id'));
    const { rows, hasMore } = s.page(
      q,
      (id) => {
        const n = parseId('whd', id);
        return n === undefined ? undefined : ctx.db.get<{ id: number }>('SELECT id FROM webhook_delivery WHERE id = ? AND endpoint_id = ?', n, e.id);
      },
      (limit, afterId) => listDeliveries(ctx.db, e.id, limit, afterId),
    );
    return c.json({ deliveries: rows.map((d) => deliveryJson(d as Parameters<typeof deliveryJson>[0])), hasMore });
  });
}
