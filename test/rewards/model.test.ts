// The rest of the object model: groups, tags, segments (computed membership), triggers,
// partner contacts (own links, roles), reports with sell-through, and the OpenAPI listing.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BROWSER_UA } from '../helpers/ingest.js';
import { DAY_MS, harness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(() => h.close());

const keys = (r: { body: { partners: { key: string }[] } }) => r.body.partners.map((p) => p.key);

describe('groups and tags', () => {
  test('a partner is in exactly one group at a time; tags are added and removed', async () => {
    await h.api('/v1/groups', { body: { key: 'agencies', name: 'Agencies' } });
    expect((await h.api('/v1/groups', { body: { key: 'agencies', name: 'Again' } })).body.error.code).toBe('group_key_taken');
    await h.partner('alice');
    const moved = await h.api('/v1/partners/alice/group', { method: 'PUT', body: { groupKey: 'agencies' } });
    expect(moved.body.partner).toMatchObject({ key: 'alice', groupKey: 'agencies' });
    const groups = await h.api('/v1/groups');
    expect(groups.body.groups.map((g: any) => [g.key, g.partners, g.isDefault])).toEqual([
      ['agencies', 1, false],
      ['default', 0, true],
    ]);
    expect((await h.api('/v1/partners/alice/group', { method: 'PUT', body: { groupKey: 'nope' } })).body.error).toMatchObject({ code: 'unknown_group', field: 'groupKey' });
    expect((await h.api('/v1/partners/nobody/group', { method: 'PUT', body: { groupKey: 'agencies' } })).status).toBe(404);

    const tagged = await h.api('/v1/partners/alice/tags', { body: { tags: ['saas', 'eu', 'saas'] } });
    expect(tagged.body.partner.tags).toEqual(['eu', 'saas']);
    const untagged = await h.api('/v1/partners/alice/tags', { method: 'DELETE', body: { tags: ['eu', 'never-had'] } });
    expect(untagged.body.partner.tags).toEqual(['saas']);
    expect((await h.api('/v1/partners/alice/tags?tags=saas', { method: 'DELETE' })).body.partner.tags).toEqual([]);
    expect((await h.api('/v1/partners/alice/tags', { body: { tags: [] } })).status).toBe(422);
  });
});

describe('segments', () => {
  test('membership is computed from tags, group, tier, signup date and revenue at read time', async () => {
    await h.api('/v1/groups', { body: { key: 'vip', name: 'VIP' } });
    await h.api('/v1/tiers', { body: { key: 'silver', name: 'Silver', metric: 'revenue', threshold: 1000, currency: 'USD' } });
    await h.api('/v1/tiers', { body: { key: 'gold', name: 'Gold', metric: 'revenue', threshold: 5000, currency: 'USD' } });
    const t0 = h.clock.now();
    await h.partner('alice', { tags: ['saas'] });
    h.clock.advance(10 * DAY_MS);
    await h.partner('bob', { tags: ['saas'], groupKey: 'vip' });
    await h.partner('carol');
    await h.customer('c-alice', 'alice');
    await h.txn('s1', 'c-alice', 6000); // alice: gold, revenue 6000
    await h.customer('c-carol', 'carol');
    await h.txn('s2', 'c-carol', 1500); // carol: silver, revenue 1500

    const mk = async (key: string, rules: unknown[], match?: string) => {
      const r = await h.api('/v1/segments', { body: { key, name: key, rules, ...(match ? { match } : {}) } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return (await h.api(`/v1/segments/${key}/partners`)) as any;
    };
    expect(keys(await mk('saas', [{ field: 'tag', op: 'has', value: 'saas' }]))).toEqual(['bob', 'alice']);
    expect(keys(await mk('not-saas', [{ field: 'tag', op: 'lacks', value: 'saas' }]))).toEqual(['carol']);
    expect(keys(await mk('vip-saas', [{ field: 'tag', op: 'has', value: 'saas' }, { field: 'group', op: 'eq', value: 'vip' }]))).toEqual(['bob']);
    expect(keys(await mk('silver-up', [{ field: 'tier', op: 'atLeast', value: 'silver' }]))).toEqual(['carol', 'alice']);
    expect(keys(await mk('gold', [{ field: 'tier', op: 'eq', value: 'gold' }]))).toEqual(['alice']);
    expect(keys(await mk('no-gold', [{ field: 'tier', op: 'neq', value: 'gold' }]))).toEqual(['carol', 'bob']);
    expect(keys(await mk('new', [{ field: 'createdAt', op: 'gte', value: new Date(t0 + DAY_MS).toISOString() }]))).toEqual(['carol', 'bob']);
    expect(keys(await mk('earners', [{ field: 'revenue', op: 'gte', value: 1500, currency: 'USD' }]))).toEqual(['carol', 'alice']);
    expect(keys(await mk('either', [{ field: 'group', op: 'in', value: ['vip'] }, { field: 'revenue', op: 'gte', value: 5000, currency: 'USD' }], 'any'))).toEqual(['bob', 'alice']);

    // computed, not stored: a refund moves carol out of "earners" at once
    await h.api('/v1/transactions/s2/refund', { body: { amount: 1 } });
    expect(keys(await h.api('/v1/segments/earners/partners'))).toEqual(['alice']);
    // paging
    const p1 = await h.api('/v1/segments/saas/partners?limit=1');
    expect([keys(p1), p1.body.hasMore]).toEqual([['bob'], true]);
    expect(keys(await h.api('/v1/segments/saas/partners?limit=1&startingAfter=bob'))).toEqual(['alice']);

    expect((await h.api('/v1/segments')).body.segments).toHaveLength(9);
    expect((await h.api('/v1/segments/saas')).body.segment).toMatchObject({ key: 'saas', match: 'all', rules: [{ field: 'tag', op: 'has', value: 'saas' }] });
    expect((await h.api('/v1/segments/none/partners')).status).toBe(404);
    expect((await h.api('/v1/segments', { body: { name: 'x', rules: [{ field: 'group', op: 'eq', value: 'ghost' }] } })).body.error).toMatchObject({ code: 'unknown_group', field: 'rules.0.value' });
    expect((await h.api('/v1/segments', { body: { name: 'x', rules: [{ field: 'shoe', op: 'eq', value: 1 }] } })).status).toBe(422);
    expect((await h.api('/v1/segments', { body: { name: 'x', rules: [] } })).status).toBe(422);
  });
});

describe('triggers', () => {
  test('if this then that: tag on a big sale, then move to a group; a bonus once per customer; remove a tag; webhook', async () => {
    await h.api('/v1/groups', { body: { key: 'vip', name: 'VIP' } });
    const hook = await h.api('/v1/webhooks', { body: { url: 'http://127.0.0.1:9/never', events: ['partner.created'] } });
    const mk = async (body: Record<string, unknown>) => {
      const r = await h.api('/v1/triggers', { body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.trigger;
    };
    await mk({ key: 'big', name: 'Big seller', event: 'transaction.created', conditions: [{ field: 'transaction.amount', op: 'gte', value: 10000 }], action: { type: 'add_tag', tag: 'big-seller' } });
    await mk({ key: 'promote', name: 'Big sellers to VIP', event: 'partner.updated', conditions: [{ field: 'partner.tags', op: 'contains', value: 'big-seller' }], action: { type: 'move_to_group', groupKey: 'vip' } });
    await mk({ key: 'bonus', name: 'Referral bonus', event: 'customer.created', conditions: [{ field: 'customer.partnerKey', op: 'exists' }], action: { type: 'create_reward', amount: 500, currency: 'USD' } });
    await mk({ key: 'lost', name: 'Lost deal', event: 'deal.lost', action: { type: 'remove_tag', tag: 'big-seller' } });
    await mk({ key: 'notify', name: 'Notify rewards', event: 'reward.created', conditions: [{ field: 'reward.amount', op: 'gt', value: 0 }], action: { type: 'send_webhook', webhookId: hook.body.webhook.id } });

    await h.partner('alice');
    await h.customer('c1', 'alice');
    const rewards = await h.rewards('alice');
    expect(rewards).toEqual([expect.objectContaining({ amount: 500, offer: null, trigger: { key: 'bonus' }, source: { type: 'customer', key: 'c1' }, description: 'Referral bonus' })]);
    // the webhook endpoint is subscribed to partner.created only, yet the trigger queued reward.created for it
    expect(h.db.raw.prepare('SELECT event_type FROM webhook_delivery ORDER BY id').pluck().all()).toEqual(['partner.created', 'reward.created']);

    await h.txn('small', 'c1', 9999);
    expect((await h.api('/v1/partners/alice')).body.partner).toMatchObject({ tags: [], groupKey: 'default' });
    await h.txn('large', 'c1', 10000);
    expect((await h.api('/v1/partners/alice')).body.partner).toMatchObject({ tags: ['big-seller'], groupKey: 'vip' });

    await h.api('/v1/deals', { body: { partnerKey: 'alice', key: 'd1' } });
    await h.api('/v1/deals/d1', { method: 'PATCH', body: { status: 'lost' } });
    expect((await h.api('/v1/partners/alice')).body.partner.tags).toEqual([]);
    // the bonus is once per (trigger, customer): the event again changes nothing
    h.db.tx(() => h.ctx.bus.emit(h.db, { type: 'customer.created', programId: 1, at: h.clock.now(), ids: { customerId: 1, partnerId: 1 }, data: { customer: { partnerKey: 'alice' } } }));
    expect(await h.rewards('alice')).toHaveLength(1);

    expect((await h.api('/v1/triggers')).body.triggers.map((t: any) => t.key)).toEqual(['notify', 'lost', 'bonus', 'promote', 'big']);
  });

  test('trigger validation', async () => {
    const bad = async (body: Record<string, unknown>) => (await h.api('/v1/triggers', { body })).body.error;
    expect(await bad({ name: 'x', event: 'reward.created', action: { type: 'create_reward', amount: 1, currency: 'USD' } })).toMatchObject({ code: 'invalid_value', field: 'action.type' });
    expect(await bad({ name: 'x', event: 'deal.won', action: { type: 'move_to_group', groupKey: 'ghost' } })).toMatchObject({ code: 'unknown_group' });
    expect(await bad({ name: 'x', event: 'deal.won', action: { type: 'send_webhook', webhookId: 'wh_999' } })).toMatchObject({ code: 'unknown_webhook' });
    expect(await bad({ name: 'x', event: 'deal.won', action: { type: 'explode' } })).toMatchObject({ code: 'invalid_value' });
    expect(await bad({ name: 'x', event: 'nope', action: { type: 'add_tag', tag: 'a' } })).toMatchObject({ field: 'event' });
    expect(await bad({ name: 'x', event: 'deal.won', conditions: [{ field: '../etc', op: 'eq', value: 1 }], action: { type: 'add_tag', tag: 'a' } })).toMatchObject({ field: 'conditions.0.field' });
  });
});

describe('partner contacts', () => {
  test("each contact gets its own link; its traffic credits the partner and records the contact; roles limit the view", async () => {
    await h.partner('acme');
    await h.offer({ key: 'pct', name: '10 %', event: 'transaction.created', bps: 1000 });
    const mk = async (key: string, role: string) => {
      const r = await h.api('/v1/partners/acme/contacts', { body: { key, email: `${key}@acme.test`, name: key, role } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.contact;
    };
    const owner = await mk('olga', 'owner');
    const member = await mk('max', 'member');
    await mk('vic', 'viewer');
    expect(member).toMatchObject({ key: 'max', role: 'member', links: [{ linkKey: expect.any(String), url: expect.stringContaining('/r/') }] });
    expect(member.links[0].linkKey).not.toBe(owner.links[0].linkKey);
    expect((await h.api('/v1/partners/acme/contacts', { body: { email: 'max@acme.test', name: 'dup' } })).body.error.code).toBe('contact_email_taken');

    // a visitor through max's link signs up and buys
    const redirect = await h.request(`/r/${member.links[0].linkKey}`, { headers: { 'user-agent': BROWSER_UA } });
    expect(redirect.status).toBe(302);
    const xid = new URL(redirect.headers.get('location')!).searchParams.get('ps_xid');
    const cu = await h.api('/v1/customers', { body: { customerKey: 'buyer', email: 'buyer@x.test', xid } });
    expect(cu.body.customer.partnerKey).toBe('acme');
    const t = await h.txn('sale', 'buyer', 5000);
    expect(t.body.rewards[0]).toMatchObject({ partnerKey: 'acme', amount: 500 });
    expect(h.db.raw.prepare("SELECT c.key FROM txn t JOIN partner_contact c ON c.id = t.contact_id WHERE t.key = 'sale'").pluck().get()).toBe('max');

    const view = async (key: string) => (await h.api(`/v1/partners/acme/contacts/${key}/view`)).body;
    const m = await view('max');
    expect(m.sees).toEqual(['partner', 'ownLinks', 'ownStats', 'ownCustomers']);
    expect(m.stats).toEqual({ clicks: 1, customers: 1 });
    expect(m.customers.map((c: any) => c.key)).toEqual(['buyer']);
    expect(m).not.toHaveProperty('balances');
    expect(m).not.toHaveProperty('rewards');
    const v = await view('vic');
    expect(v).toEqual({ contact: { key: 'vic', name: 'vic', role: 'viewer' }, sees: ['partner', 'stats'], partner: { key: 'acme', name: 'Partner acme' }, stats: { clicks: 1, customers: 1 } });
    const o = await view('olga');
    expect(o.balances).toEqual([{ currency: 'USD', pending: 500, approved: 0, paid: 0 }]);
    expect(o.rewards.map((r: any) => r.amount)).toEqual([500]);
    expect(o.contacts.map((c: any) => c.key)).toEqual(['vic', 'max', 'olga']);
    expect(o.links).toHaveLength(4); // the partner's own + one per contact

    const list = await h.api('/v1/partners/acme/contacts?limit=2');
    expect([list.body.contacts.map((c: any) => c.key), list.body.hasMore]).toEqual([['vic', 'max'], true]);
    expect((await h.api('/v1/partners/acme/contacts/nobody/view')).status).toBe(404);
  });
});

describe('reports', () => {
  test('per partner and per program over a range, with sell-through', async () => {
    await h.partner('alice');
    await h.partner('bob');
    await h.offer({ key: 'pct', name: '10 %', event: 'transaction.created', bps: 1000 });
    const click = async (partnerKey: string) => {
      const links = (await h.api(`/v1/partners/${partnerKey}`)).body.partner.links;
      const r = await h.request(`/r/${links[0].linkKey}`, { headers: { 'user-agent': BROWSER_UA } });
      return new URL(r.headers.get('location')!).searchParams.get('ps_xid');
    };
    const day1 = h.clock.now();
    for (let i = 0; i < 3; i++) await click('alice');
    const xid = await click('alice');
    await h.api('/v1/customers', { body: { customerKey: 'a1', email: 'a1@x.test', xid } });
    await h.txn('t1', 'a1', 10001);
    await click('bob');
    h.clock.advance(2 * DAY_MS);
    await h.txn('t2', 'a1', 999);

    const all = await h.api('/v1/reports/partners');
    const alice = all.body.partners.find((p: any) => p.partnerKey === 'alice');
    expect(alice).toEqual({
      partnerKey: 'alice',
      name: 'Partner alice',
      clicks: 4,
      customers: 1,
      revenue: [{ currency: 'USD', amount: 11000 }],
      rewards: [{ currency: 'USD', amount: 1100 }],
      sellThrough: { customersPerClick: 0.25, revenuePerClick: [{ currency: 'USD', amount: 2750 }] },
    });
    expect(all.body.partners.find((p: any) => p.partnerKey === 'bob')).toMatchObject({ clicks: 1, customers: 0, revenue: [], sellThrough: { customersPerClick: 0, revenuePerClick: [] } });

    const firstDay = await h.api(`/v1/reports/partners?from=${new Date(day1 - 1000).toISOString()}&to=${new Date(day1 + DAY_MS).toISOString()}`);
    expect(firstDay.body.partners.find((p: any) => p.partnerKey === 'alice')).toMatchObject({ revenue: [{ currency: 'USD', amount: 10001 }], rewards: [{ currency: 'USD', amount: 1000 }] });

    const program = await h.api('/v1/reports/program');
    expect(program.body).toMatchObject({ clicks: 5, customers: 1, revenue: [{ currency: 'USD', amount: 11000 }], rewards: [{ currency: 'USD', amount: 1100 }], sellThrough: { customersPerClick: 0.2, revenuePerClick: [{ currency: 'USD', amount: 2200 }] } });
    expect((await h.api('/v1/reports/program?from=2030-01-02&to=2030-01-01')).body.error).toMatchObject({ code: 'invalid_value', field: 'to' });
    expect((await h.api('/v1/reports/program?from=yesterday')).status).toBe(422);
  });
});

test('every program route is in /openapi.json', async () => {
  const doc = (await h.request('/openapi.json')).body;
  const want: [string, string][] = [
    ['post', '/v1/transactions'],
    ['post', '/v1/transactions/{key}/refund'],
    ['get', '/v1/transactions'],
    ['get', '/v1/transactions/{key}'],
    ['post', '/v1/offers'],
    ['patch', '/v1/offers/{key}'],
    ['get', '/v1/rewards'],
    ['post', '/v1/rewards'],
    ['post', '/v1/rewards/{id}/approve'],
    ['post', '/v1/rewards/{id}/decline'],
    ['post', '/v1/payouts'],
    ['get', '/v1/payouts'],
    ['post', '/v1/groups'],
    ['put', '/v1/partners/{key}/group'],
    ['post', '/v1/partners/{key}/tags'],
    ['delete', '/v1/partners/{key}/tags'],
    ['post', '/v1/segments'],
    ['get', '/v1/segments/{key}/partners'],
    ['post', '/v1/tiers'],
    ['post', '/v1/triggers'],
    ['post', '/v1/webhooks'],
    ['delete', '/v1/webhooks/{id}'],
    ['get', '/v1/webhooks/{id}/deliveries'],
    ['post', '/v1/partners/{key}/contacts'],
    ['get', '/v1/partners/{key}/contacts/{contactKey}/view'],
    ['post', '/v1/leads'],
    ['post', '/v1/deals'],
    ['patch', '/v1/deals/{key}'],
    ['get', '/v1/reports/partners'],
    ['get', '/v1/reports/program'],
  ];
  for (const [method, path] of want) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
  expect(doc.paths['/v1/transactions'].post.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['customerKey', 'key', 'amount', 'currency']));
});
