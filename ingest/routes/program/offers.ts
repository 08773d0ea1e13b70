// POST/GET /v1/offers, GET/PATCH /v1/offers/:key.
// An offer is flat (amount + currency) or a percentage (bps), never both. bps needs a value
// to take a percentage of, so it is refused on customer.created; firstOnly only makes sense
// on transaction.created. PATCH changes only the name, status, window, duration and caps:
// to change what an offer pays, archive it and create another (rewards keep their offer).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { Bps, Currency, Instant, Key, PositiveAmount } from '../../domain/rewards/money.js';
import { offerJson } from '../../domain/rewards/views.js';
import type { AppEnv } from '../../http/auth.js';
import { parseBody, parseQuery } from '../../http/body.js';
import { ApiError } from '../../http/errors.js';
import * as s from '../../http/schemas.js';
import { groupByKey } from '../../store/groups.js';
import { insertOffer, listOffers, offerById, offerByKey, updateOffer, type OfferPatch } from '../../store/offers.js';
import { randomId } from '../../store/programs.js';
import { tierByKey } from '../../store/tiers.js';
import { secret } from './common.js';

const Count = z.int().min(1).max(1_000_000);
const Name = z.string().trim().min(1).max(200);

export const offerBody = z.strictObject({
  key: Key.optional(),
  name: Name,
  event: z.enum(['customer.created', 'transaction.created', 'deal.won']),
  amount: PositiveAmount.optional(),
  currency: Currency.optional(),
  bps: Bps.optional(),
  firstOnly: z.boolean().optional(),
  durationMonths: z.int().min(1).max(1200).optional(),
  maxPerCustomer: Count.optional(),
  maxPerPartner: Count.optional(),
  startsAt: Instant.optional(),
  endsAt: Instant.optional(),
  groupKey: Key.optional(),
  tierKey: Key.optional(),
});

export const offerPatch = z.strictObject({
  name: Name.optional(),
  status: z.enum(['active', 'archived']).optional(),
  startsAt: Instant.nullable().optional(),
  endsAt: Instant.nullable().optional(),
  durationMonths: z.int().min(1).max(1200).nullable().optional(),
  maxPerCustomer: Count.nullable().optional(),
  maxPerPartner: Count.nullable().optional(),
});

const invalid = (message: string, field: string) => new ApiError(422, 'invalid_value', message, field);

function checkWindow(startsAt: number | null | undefined, endsAt: number | null | undefined): void {
  if (startsAt != null && endsAt != null && endsAt <= startsAt) throw invalid('endsAt must be after startsAt', 'endsAt');
}

export function offerRoutes(ctx: AppContext, r: Hono<AppEnv>): void {
  const doc = secret('offers');
  const offerOr404 = (programId: number, key: string) => {
    const o = offerByKey(ctx.db, programId, key);
    if (!o) throw new ApiError(404, 'offer_not_found', `No offer with key ${key.slice(0, 100)}`, 'key');
    return o;
  };

  ctx.openapi.add({ ...doc, method: 'post', path: '/v1/offers', summary: 'Create an offer: flat (amount + currency) or percentage (bps)', body: offerBody, responses: { 201: '{ offer }' } });
  r.post('/v1/offers', async (c) => {
    const b = await parseBody(c, offerBody);
    const program = c.var.program;
    const flat = b.amount !== undefined || b.currency !== undefined;
    if (flat && b.bps !== undefined) throw invalid('Give either amount + currency (flat) or bps (percentage), not both', 'bps');
    if (!flat && b.bps === undefined) throw invalid('Give amount + currency (flat) or bps (percentage)', 'amount');
    if (flat && b.amount === undefined) throw invalid('A flat offer needs an amount', 'amount');
    if (flat && b.currency === undefined) throw invalid('A flat offer needs a currency', 'currency');
    if (b.bps !== undefined && b.event === 'customer.created') throw invalid('A percentage needs a value: use bps on transaction.created or deal.won', 'bps');
    if (b.firstOnly && b.event !== 'transaction.created') throw invalid('firstOnly applies to transaction.created offers', 'firstOnly');
    checkWindow(b.startsAt, b.endsAt);
    const group = b.groupKey === undefined ? undefined : groupByKey(ctx.db, program.id, b.groupKey);
    if (b.groupKey !== undefined && !group) throw new ApiError(422, 'unknown_group', `No group with key ${b.groupKey}`, 'groupKey');
    const tier = b.tierKey === undefined ? undefined : tierByKey(ctx.db, program.id, b.tierKey);
    if (b.tierKey !== undefined && !tier) throw new ApiError(422, 'unknown_tier', `No tier with key ${b.tierKey}`, 'tierKey');
    const id = ctx.db.tx(() =>
      insertOffer(ctx.db, {
        programId: program.id,
        key: b.key ?? `off_${randomId(12)}`,
        name: b.name,
        event: b.event,
        firstOnly: b.firstOnly ?? false,
        amount: b.amount ?? null,
        currency: b.currency ?? null,
        bps: b.bps ?? null,
        durationMonths: b.durationMonths ?? null,
        maxPerCustomer: b.maxPerCustomer ?? null,
        maxPerPartner: b.maxPerPartner ?? null,
        startsAt: b.startsAt ?? null,
        endsAt: b.endsAt ?? null,
        groupId: group?.id ?? null,
        tierId: tier?.id ?? null,
        now: ctx.now(),
      }),
    );
    if (id === undefined) throw new ApiError(409, 'offer_key_taken', `An offer with key ${b.key} already exists`, 'key');
    return c.json({ offer: offerJson(offerById(ctx.db, id)!) }, 201);
  });

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/offers', summary: 'List offers, newest first', query: s.listQuery, responses: { 200: '{ offers, hasMore }' } });
  r.get('/v1/offers', (c) => {
    const q = parseQuery(c, s.listQuery);
    const programId = c.var.program.id;
    const { rows, hasMore } = s.page(
      q,
      (key) => offerByKey(ctx.db, programId, key),
      (limit, afterId) => listOffers(ctx.db, programId, limit, afterId),
    );
    return c.json({ offers: rows.map(offerJson), hasMore });
  });

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/offers/:key', summary: 'An offer', responses: { 200: '{ offer }' } });
  r.get('/v1/offers/:key', (c) => c.json({ offer: offerJson(offerOr404(c.var.program.id, c.req.param('key'))) }));

  ctx.openapi.add({ ...doc, method: 'patch', path: '/v1/offers/:key', summary: 'Rename, archive/reactivate, or change the window, duration or caps of an offer', body: offerPatch, responses: { 200: '{ offer }' } });
  r.patch('/v1/offers/:key', async (c) => {
    const patch: OfferPatch = await parseBody(c, offerPatch);
    const o = offerOr404(c.var.program.id, c.req.param('key'));
    checkWindow(patch.startsAt === undefined ? o.starts_at : patch.startsAt, patch.endsAt === undefined ? o.ends_at : patch.endsAt);
    ctx.db.tx(() => updateOffer(ctx.db, o.id, patch));
    return c.json({ offer: offerJson(offerById(ctx.db, o.id)!) });
  });
}
