// Leads and deals from the vendor's backend on a partner's behalf: POST/GET /v1/leads,
// POST/GET /v1/deals, GET/PATCH /v1/deals/:key. A lead is a deal of type 'lead' (lead-pass:
// the partner hands over a prospect; co-sell: a deal the partner works on). PATCH
// { status: won | lost } closes either kind once; deal.won runs the deal.won offers (bps of
// the deal's amount) and triggers. Creating with a key that exists answers that record when
// it is the same partner and type (a retry), 409 otherwise.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { emit } from '../../domain/rewards/emit.js';
import { Currency, PositiveAmount } from '../../domain/rewards/money.js';
import { dealJson } from '../../domain/rewards/views.js';
import type { AppEnv } from '../../http/auth.js';
import { parseBody, parseQuery } from '../../http/body.js';
import { ApiError } from '../../http/errors.js';
import * as s from '../../http/schemas.js';
import type { Program } from '../../store/programs.js';
import { randomId } from '../../store/programs.js';
import { closeDeal, dealById, dealByKey, insertDeal, listDeals, type DealRow } from '../../store/deals.js';
import { partnerOr404, secret, vendorKey } from './common.js';

const Text = z.string().trim().min(1).max(200);
export const leadBody = z.strictObject({ partnerKey: Text, key: vendorKey.optional(), email: s.email, name: Text.optional(), company: Text.optional() });
export const dealBody = z.strictObject({
  partnerKey: Text,
  key: vendorKey.optional(),
  name: Text.optional(),
  company: Text.optional(),
  email: s.email.optional(),
  amount: PositiveAmount.optional(),
  currency: Currency.optional(),
});
export const dealPatch = z.strictObject({ status: z.enum(['won', 'lost']), amount: PositiveAmount.optional(), currency: Currency.optional() });
export const dealsQuery = s.listQuery.extend({ partnerKey: Text.optional() });

function bothOrNeither(amount: number | undefined, currency: string | undefined): void {
  if ((amount === undefined) !== (currency === undefined)) {
    throw new ApiError(422, 'invalid_value', 'Give amount and currency together', amount === undefined ? 'amount' : 'currency');
  }
}

export function dealRoutes(ctx: AppContext, r: Hono<AppEnv>): void {
  const doc = secret('deals');

  const register = (program: Program, kind: 'lead' | 'deal', b: z.output<typeof dealBody>) => {
    const partner = partnerOr404(ctx, program.id, b.partnerKey);
    return ctx.db.tx(() => {
      const key = b.key ?? `${kind}_${randomId(12)}`;
      const id = insertDeal(ctx.db, {
        programId: program.id,
        partnerId: partner.id,
        key,
        kind,
        email: b.email ?? null,
        name: b.name ?? null,
        company: b.company ?? null,
        amount: b.amount ?? null,
        currency: b.currency ?? null,
        now: ctx.now(),
      });
      if (id === undefined) {
        const first = dealByKey(ctx.db, program.id, key)!;
        if (first.partner_id !== partner.id || first.kind !== kind) throw new ApiError(409, 'deal_key_taken', `Key ${key} is already used by another ${first.kind}`, 'key');
        return { deal: first, created: false };
      }
      const deal = dealById(ctx.db, id)!;
      emit(ctx, kind === 'lead' ? 'lead.created' : 'deal.created', program.id, { dealId: id, partnerId: partner.id }, { [kind]: dealJson(deal) });
      return { deal, created: true };
    });
  };

  ctx.openapi.add({ ...doc, method: 'post', path: '/v1/leads', summary: 'Register a lead a partner passed on', body: leadBody, responses: { 201: '{ lead }', 200: 'The same key again: that lead' } });
  r.post('/v1/leads', async (c) => {
    const b = await parseBody(c, leadBody);
    const { deal, created } = register(c.var.program, 'lead', b);
    return c.json({ lead: dealJson(deal) }, created ? 201 : 200);
  });

  ctx.openapi.add({ ...doc, method: 'post', path: '/v1/deals', summary: 'Register a deal a partner works on (amount + currency: its value)', body: dealBody, responses: { 201: '{ deal }', 200: 'The same key again: that deal' } });
  r.post('/v1/deals', async (c) => {
    const b = await parseBody(c, dealBody);
    bothOrNeither(b.amount, b.currency);
    const { deal, created } = register(c.var.program, 'deal', b);
    return c.json({ deal: dealJson(deal) }, created ? 201 : 200);
  });

  const list = (kind: 'lead' | 'deal') => (c: Context<AppEnv>) => {
    const q = parseQuery(c, dealsQuery);
    const programId = c.var.program.id;
    const partnerId = q.partnerKey === undefined ? undefined : partnerOr404(ctx, programId, q.partnerKey).id;
    const { rows, hasMore } = s.page(
      q,
      (key) => dealByKey(ctx.db, programId, key),
      (limit, afterId) => listDeals(ctx.db, programId, kind, partnerId, limit, afterId),
    );
    return c.json({ [`${kind}s`]: rows.map(dealJson), hasMore });
  };
  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/leads', summary: 'List leads, newest first', query: dealsQuery, responses: { 200: '{ leads, hasMore }' } });
  r.get('/v1/leads', list('lead'));
  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/deals', summary: 'List deals, newest first', query: dealsQuery, responses: { 200: '{ deals, hasMore }' } });
  r.get('/v1/deals', list('deal'));

  const dealOr404 = (programId: number, key: string): DealRow => {
    const d = dealByKey(ctx.db, programId, key);
    if (!d) throw new ApiError(404, 'deal_not_found', `No lead or deal with key ${key.slice(0, 100)}`, 'key');
    return d;
  };

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/deals/:key', summary: 'A lead or deal', responses: { 200: '{ deal }' } });
  r.get('/v1/deals/:key', (c) => c.json({ deal: dealJson(dealOr404(c.var.program.id, c.req.param('key'))) }));

  ctx.openapi.add({ ...doc, method: 'patch', path: '/v1/deals/:key', summary: 'Close a lead or deal as won or lost (once); won runs deal.won offers', body: dealPatch, responses: { 200: '{ deal }', 409: 'Already closed the other way' } });
  r.patch('/v1/deals/:key', async (c) => {
    const b = await parseBody(c, dealPatch);
    bothOrNeither(b.amount, b.currency);
    const program = c.var.program;
    const deal = ctx.db.tx(() => {
      const d = dealOr404(program.id, c.req.param('key'));
      if (d.status === b.status) return d;
      if (d.status !== 'open') throw new ApiError(409, 'deal_closed', `This ${d.kind} is already ${d.status}`, 'status');
      closeDeal(ctx.db, d.id, b.status, b.amount ?? null, b.currency ?? null, ctx.now());
      const closed = dealById(ctx.db, d.id)!;
      emit(ctx, b.status === 'won' ? 'deal.won' : 'deal.lost', program.id, { dealId: d.id, partnerId: d.partner_id }, { deal: dealJson(closed) });
      return closed;
    });
    return c.json({ deal: dealJson(deal) });
  });
}
