// Browser endpoints, called by refstack.js from the vendor's pages with the publishable key:
// POST /v1/clicks, /v1/signups, /v1/identify. Bodies are read as text (sendBeacon sends
// text/plain), capped at 16 KB; unknown fields are ignored so older scripts keep working.
// CORS, preflight, rate limiting and the body cap are mounted around them in app.ts.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { clickIsLive } from '../domain/attribution.js';
import { parseVisitor, recordClick, resolvePartner } from '../domain/clicks.js';
import { upsertCustomer } from '../domain/customers.js';
import { publishableProgram, type AppEnv } from '../http/auth.js';
import { BROWSER_BODY_LIMIT, readJson, validate } from '../http/body.js';
import { readXidCookie, setAttributionCookie } from '../http/cookies.js';
import { assertOriginAllowed } from '../http/cors.js';
import { ApiError } from '../http/errors.js';
import { clientIp } from '../http/request-info.js';
import * as s from '../http/schemas.js';
import { clickByXid } from '../store/clicks.js';
import type { Program } from '../store/programs.js';

const key = z.string().optional();

export const clickBody = z.object({
  key,
  partnerKey: s.partnerRef,
  url: z.string().max(8192),
  referrer: z.string().max(8192).nullish(),
  xid: s.xid.nullish(),
});

export const signupBody = z.object({ key, ...s.customerFields });

export const identifyBody = z.object({
  key,
  customerKey: s.customerKey,
  email: s.email.nullish(),
  xid: s.xid.nullish(),
  partnerKey: s.partnerRef.nullish(),
});

/** The browser paths (POST + OPTIONS preflight). */
export const BROWSER_PATHS = ['/v1/clicks', '/v1/signups', '/v1/identify'] as const;

/** One step for every browser POST: body -> key -> origin -> schema. */
async function browserRequest<S extends z.ZodType>(ctx: AppContext, c: Context<AppEnv>, schema: S): Promise<{ program: Program; body: z.output<S> }> {
  const raw = await readJson(c, BROWSER_BODY_LIMIT);
  const program = publishableProgram(ctx, c, raw.key);
  c.set('program', program);
  assertOriginAllowed(c, program);
  return { program, body: validate(schema, raw) };
}

export function browserRoutes(ctx: AppContext): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  const doc = { tag: 'browser', auth: 'publishable' as const };

  ctx.openapi.add({ ...doc, method: 'post', path: '/v1/clicks', summary: 'Record a click (or confirm a known xid)', body: clickBody, responses: { 200: 'The xid is a known click: nothing recorded', 201: 'Click recorded' } });
  r.post('/v1/clicks', async (c) => {
    const { program, body } = await browserRequest(ctx, c, clickBody);
    const now = ctx.now();
    let known = body.xid ? clickByXid(ctx.db, program.id, body.xid) : undefined;
    // A link without ps_xid (a direct link) names its partner only by key: resolved once, here.
    const linkPartner = body.xid ? undefined : resolvePartner(ctx, program.id, body.partnerKey);
    if (!body.xid) {
      // The same visitor seeing that link again (a reload, the link again): when refstack_xid
      // names a click of that same partner, confirm it, record no other.
      const cookieXid = readXidCookie(c);
      const prior = cookieXid ? clickByXid(ctx.db, program.id, cookieXid) : undefined;
      if (prior && prior.partner_id === linkPartner?.id) known = prior;
    }
    let click: { xid: string; partner_id: number; partnerKey: string };
    let status: 200 | 201 = 200;
    if (known && clickIsLive(program, known, now)) {
      click = { xid: known.xid, partner_id: known.partner_id, partnerKey: known.partner_key };
    } else {
      const partner = body.xid ? resolvePartner(ctx, program.id, body.partnerKey) : linkPartner;
      if (!partner) throw new ApiError(404, 'partner_not_found', 'No partner with this key', 'partnerKey');
      const input = {
        program,
        partnerId: partner.id,
        source: 'script' as const,
        url: body.url,
        referrer: body.referrer,
        visitor: parseVisitor(c.req.header('user-agent')),
        ip: clientIp(c, ctx.options.trustProxy),
      };
      const recorded = await ctx.db.batch(() => recordClick(ctx, input));
      click = { ...recorded, partnerKey: partner.key };
      status = 201;
    }
    setAttributionCookie(ctx, c, program, click, c.req.header('origin'));
    return c.json(
      { xid: click.xid, partnerKey: click.partnerKey, cookieWindowDays: program.cookieWindowDays, attributionModel: program.attributionModel },
      status,
    );
  });

  // Signup and identify differ only in their schema (identify's email is optional): both create
  // the customer when it is missing and attribute an unattributed one that brings a referral.
  const customerRoutes = [
    ['/v1/signups', signupBody, 'Create a customer from the browser, attributed to the referring partner'],
    ['/v1/identify', identifyBody, 'A known visitor logged in: attribute a pending referral, or create the customer'],
  ] as const;
  for (const [path, schema, summary] of customerRoutes) {
    ctx.openapi.add({ ...doc, method: 'post', path, summary, body: schema, responses: { 200: 'The customer existed (same answer)', 201: 'Customer created' } });
    r.post(path, async (c) => {
      const { program, body } = await browserRequest(ctx, c, schema);
      const input = { ...body, cookieXid: readXidCookie(c) };
      const { customer, created } = await ctx.db.batch(() => upsertCustomer(ctx, program, input));
      return c.json({ customer }, created ? 201 : 200);
    });
  }

  return r;
}
