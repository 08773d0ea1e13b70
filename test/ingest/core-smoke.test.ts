import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIngest, type TestIngest } from '../helpers/ingest.js';

let t: TestIngest;
beforeAll(async () => {
  t = await startTestIngest();
});
afterAll(() => t.close());

describe('smoke', () => {
  it('creates a partner, follows its link, signs up a referred customer', async () => {
    const p = await t.api('/v1/partners', { body: { email: 'ann@partner.test', name: 'Ann Partner' } });
    expect(p.status).toBe(201);
    const link = p.body.partner.links[0];
    const r = await t.request(`/r/${link.linkKey}`, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0 Safari/537.36' } });
    expect(r.status).toBe(302);
    const loc = new URL(r.headers.get('location')!);
    const xid = loc.searchParams.get('ps_xid');
    expect(loc.searchParams.get('ps_partner_key')).toBe(p.body.partner.key);
    const s = await t.browser('/v1/signups', { customerKey: 'c1', email: 'c1@cust.test', xid });
    expect(s.status).toBe(201);
    expect(s.body.customer.partnerKey).toBe(p.body.partner.key);
    const again = await t.browser('/v1/signups', { customerKey: 'c1', email: 'c1@cust.test', xid });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(s.body);
  });
});
