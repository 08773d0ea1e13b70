// Partner organisation: groups (POST/GET /v1/groups, PUT /v1/partners/:key/group), tags
// (POST/DELETE /v1/partners/:key/tags) and contacts (POST/GET /v1/partners/:key/contacts,
// GET /v1/partners/:key/contacts/:contactKey/view).
//
// Each contact gets its own link (the core's link table, contact_id set): its clicks credit
// the partner and record the contact. What a contact may see depends on its role:
//   owner, admin: everything about the partnership: links, stats, customers, balances,
//                 rewards, payouts and the team's contacts;
//   member:       its own links and the clicks and customers that came through them;
//                 no money and no other contacts;
//   viewer:       the partnership's totals (clicks, customers) only: no customers' details,
//                 no money, no contacts.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { createLink, defaultDestination, linkJson } from '../../domain/links.js';
import { partnerJson } from '../../domain/partners.js';
import { emitPartnerUpdated } from '../../domain/rewards/emit.js';
import { iso, Key } from '../../domain/rewards/money.js';
import { contactJson, payoutJson, rewardJson } from '../../domain/rewards/views.js';
import type { AppEnv } from '../../http/auth.js';
import { parseBody, parseQuery, validate } from '../../http/body.js';
import { ApiError } from '../../http/errors.js';
import * as s from '../../http/schemas.js';
import { countClicks } from '../../store/clicks.js';
import { groupByKey } from '../../store/groups.js';
import { partnerBalances } from '../../store/ledger.js';
import { linksOfPartner } from '../../store/links.js';
import {
  contactByKey,
  contactsOf,
  contactStats,
  customersOfPartner,
  insertContact,
  insertGroup,
  listGroups,
  removePartnerTags,
  setPartnerGroup,
  type ContactRow,
} from '../../store/partner-admin.js';
import { countCustomersOf, partnerById, type PartnerRow } from '../../store/partners.js';
import { listPayouts } from '../../store/payouts.js';
import { randomId } from '../../store/programs.js';
import { listRewards } from '../../store/rewards.js';
import { addPartnerTags, ensureTags, partnerTags } from '../../store/tags.js';
import { baseUrl, partnerOr404, secret } from './common.js';

const TagName = z.string().trim().min(1).max(64);

export const groupBody = z.strictObject({ key: Key.optional(), name: z.string().trim().min(1).max(200) });
export const moveBody = z.strictObject({ groupKey: Key });
export const tagsBody = z.strictObject({ tags: z.array(TagName).min(1).max(50) });
export const contactBody = z.strictObject({
  email: s.email,
  name: z.string().trim().min(1).max(200),
  role: z.enum(['owner', 'admin', 'member', 'viewer']).default('member'),
  key: Key.optional(),
  destination: s.httpUrl.optional(),
});

const groupJson = (g: { key: string; name: string; is_default: number; created_at: number; partners?: number }) => ({
  key: g.key,
  name: g.name,
  isDefault: g.is_default === 1,
  ...(g.partners === undefined ? {} : { partners: g.partners }),
  createdAt: iso(g.created_at),
});

export function partnerAdminRoutes(ctx: AppContext, r: Hono<AppEnv>): void {
  const gdoc = secret('groups');
  const tdoc = secret('partners');

  ctx.openapi.add({ ...gdoc, method: 'post', path: '/v1/groups', summary: 'Create a partner group', body: groupBody, responses: { 201: '{ group }' } });
  r.post('/v1/groups', async (c) => {
    const b = await parseBody(c, groupBody);
    const program = c.var.program;
    const key = b.key ?? `grp_${randomId(10)}`;
    const id = ctx.db.tx(() => insertGroup(ctx.db, { programId: program.id, key, name: b.name, now: ctx.now() }));
    if (id === undefined) throw new ApiError(409, 'group_key_taken', `A group with key ${key} already exists`, 'key');
    return c.json({ group: groupJson({ ...groupByKey(ctx.db, program.id, key)!, partners: 0 }) }, 201);
  });

  ctx.openapi.add({ ...gdoc, method: 'get', path: '/v1/groups', summary: 'List groups with their partner counts, newest first', query: s.listQuery, responses: { 200: '{ groups, hasMore }' } });
  r.get('/v1/groups', (c) => {
    const q = parseQuery(c, s.listQuery);
    const programId = c.var.program.id;
    const { rows, hasMore } = s.page(
      q,
      (key) => groupByKey(ctx.db, programId, key),
      (limit, afterId) => listGroups(ctx.db, programId, limit, afterId),
    );
    return c.json({ groups: rows.map(groupJson), hasMore });
  });

  ctx.openapi.add({ ...gdoc, method: 'put', path: '/v1/partners/:key/group', summary: 'Move a partner to a group (one group at a time)', body: moveBody, responses: { 200: '{ partner }' } });
  r.put('/v1/partners/:key/group', async (c) => {
    const b = await parseBody(c, moveBody);
    const program = c.var.program;
    const p = partnerOr404(ctx, program.id, c.req.param('key'), 'key');
    const g = groupByKey(ctx.db, program.id, b.groupKey);
    if (!g) throw new ApiError(422, 'unknown_group', `No group with key ${b.groupKey}`, 'groupKey');
    ctx.db.tx(() => {
      if (setPartnerGroup(ctx.db, p.id, g.id)) emitPartnerUpdated(ctx, program.id, p.id, 'group', { groupKey: g.key });
    });
    return c.json({ partner: partnerJson(ctx, partnerById(ctx.db, p.id)!, baseUrl(ctx, c)) });
  });

  ctx.openapi.add({ ...tdoc, method: 'post', path: '/v1/partners/:key/tags', summary: 'Add tags to a partner (created on first use)', body: tagsBody, responses: { 200: '{ partner }' } });
  r.post('/v1/partners/:key/tags', async (c) => {
    const b = await parseBody(c, tagsBody);
    const program = c.var.program;
    const p = partnerOr404(ctx, program.id, c.req.param('key'), 'key');
    ctx.db.tx(() => {
      const before = new Set(partnerTags(ctx.db, p.id));
      const added = [...new Set(b.tags)].filter((t) => !before.has(t));
      if (!added.length) return;
      addPartnerTags(ctx.db, p.id, ensureTags(ctx.db, program.id, added));
      emitPartnerUpdated(ctx, program.id, p.id, 'tags', { added });
    });
    return c.json({ partner: partnerJson(ctx, partnerById(ctx.db, p.id)!, baseUrl(ctx, c)) });
  });

  ctx.openapi.add({ ...tdoc, method: 'delete', path: '/v1/partners/:key/tags', summary: 'Remove tags from a partner (body { tags } or ?tags=a,b)', body: tagsBody, responses: { 200: '{ partner }' } });
  r.delete('/v1/partners/:key/tags', async (c) => {
    const fromQuery = c.req.query('tags');
    const b = fromQuery !== undefined ? validate(tagsBody, { tags: fromQuery.split(',').filter(Boolean) }) : await parseBody(c, tagsBody);
    const program = c.var.program;
    const p = partnerOr404(ctx, program.id, c.req.param('key'), 'key');
    ctx.db.tx(() => {
      const had = new Set(partnerTags(ctx.db, p.id));
      const removed = [...new Set(b.tags)].filter((t) => had.has(t));
      if (!removed.length) return;
      removePartnerTags(ctx.db, p.id, removed);
      emitPartnerUpdated(ctx, program.id, p.id, 'tags', { removed });
    });
    return c.json({ partner: partnerJson(ctx, partnerById(ctx.db, p.id)!, baseUrl(ctx, c)) });
  });

  const cdoc = secret('contacts');
  const contactLinks = (contact: ContactRow, base: string) =>
    linksOfPartner(ctx.db, contact.partner_id)
      .filter((l) => l.contact_id === contact.id)
      .map((l) => linkJson(l, base));

  ctx.openapi.add({ ...cdoc, method: 'post', path: '/v1/partners/:key/contacts', summary: "Add a contact to a partner's team, with its own link", body: contactBody, responses: { 201: '{ contact }' } });
  r.post('/v1/partners/:key/contacts', async (c) => {
    const b = await parseBody(c, contactBody);
    const program = c.var.program;
    const p = partnerOr404(ctx, program.id, c.req.param('key'), 'key');
    const base = baseUrl(ctx, c);
    const contact = ctx.db.tx(() => {
      let id: number;
      try {
        id = insertContact(ctx.db, { partnerId: p.id, key: b.key ?? `ct_${randomId(10)}`, email: b.email, name: b.name, role: b.role, now: ctx.now() });
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
        const field = /email/.test((err as Error).message) ? 'email' : 'key';
        throw new ApiError(409, `contact_${field}_taken`, `This partner already has a contact with this ${field}`, field);
      }
      createLink(ctx, program, p.id, b.destination ?? defaultDestination(program, base), id);
      return ctx.db.get<ContactRow>('SELECT * FROM partner_contact WHERE id = ?', id)!;
    });
    return c.json({ contact: contactJson(contact, contactLinks(contact, base)) }, 201);
  });

  ctx.openapi.add({ ...cdoc, method: 'get', path: '/v1/partners/:key/contacts', summary: "A partner's contacts, newest first", query: s.listQuery, responses: { 200: '{ contacts, hasMore }' } });
  r.get('/v1/partners/:key/contacts', (c) => {
    const q = parseQuery(c, s.listQuery);
    const p = partnerOr404(ctx, c.var.program.id, c.req.param('key'), 'key');
    const base = baseUrl(ctx, c);
    const { rows, hasMore } = s.page(
      q,
      (key) => contactByKey(ctx.db, p.id, key),
      (limit, afterId) => contactsOf(ctx.db, p.id, limit, afterId),
    );
    return c.json({ contacts: rows.map((ct) => contactJson(ct, contactLinks(ct, base))), hasMore });
  });

  ctx.openapi.add({ ...cdoc, method: 'get', path: '/v1/partners/:key/contacts/:contactKey/view', summary: 'What this contact may see of the partnership, by role', responses: { 200: '{ contact, sees, partner, ... }' } });
  r.get('/v1/partners/:key/contacts/:contactKey/view', (c) => {
    const program = c.var.program;
    const p = partnerOr404(ctx, program.id, c.req.param('key'), 'key');
    const ct = contactByKey(ctx.db, p.id, c.req.param('contactKey'));
    if (!ct) throw new ApiError(404, 'contact_not_found', 'No such contact for this partner', 'contactKey');
    return c.json(contactView(ctx, p, ct, baseUrl(ctx, c)));
  });
}

function contactView(ctx: AppContext, p: PartnerRow, ct: ContactRow, base: string) {
  const db = ctx.db;
  const who = { key: ct.key, name: ct.name, role: ct.role };
  const partner = { key: p.key, name: p.name };
  if (ct.role === 'viewer') {
    return { contact: who, sees: ['partner', 'stats'], partner, stats: { clicks: countClicks(db, p.id), customers: countCustomersOf(db, p.id) } };
  }
  const customer = (cu: { key: string; email: string | null; created_at: number }) => ({ key: cu.key, email: cu.email, createdAt: iso(cu.created_at) });
  if (ct.role === 'member') {
    const own = linksOfPartner(db, p.id).filter((l) => l.contact_id === ct.id);
    return {
      contact: who,
      sees: ['partner', 'ownLinks', 'ownStats', 'ownCustomers'],
      partner,
      links: own.map((l) => linkJson(l, base)),
      stats: contactStats(db, ct.id),
      customers: customersOfPartner(db, p.id, ct.id, 100).map(customer),
    };
  }
  return {
    contact: who,
    sees: ['partner', 'links', 'stats', 'customers', 'balances', 'rewards', 'payouts', 'contacts'],
    partner: partnerJson(ctx, p, base),
    links: linksOfPartner(db, p.id).map((l) => linkJson(l, base)),
    stats: { clicks: countClicks(db, p.id), customers: countCustomersOf(db, p.id) },
    customers: customersOfPartner(db, p.id, null, 100).map(customer),
    balances: partnerBalances(db, p.id, ctx.now()),
    rewards: listRewards(db, p.program_id, { partnerId: p.id }, 100).map(rewardJson),
    payouts: listPayouts(db, p.program_id, p.id, 100).map((po) => payoutJson(po)),
    contacts: contactsOf(db, p.id, 1000).map((x) => ({ key: x.key, name: x.name, email: x.email, role: x.role })),
  };
}
