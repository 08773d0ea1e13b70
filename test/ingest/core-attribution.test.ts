// Attribution decided on the server: last vs first click, the cookie window (movable clock),
// self-referral, unknown xids (migrated gsxid) falling back to the partner key, base64 keys
// (PartnerStack links, legacy gspk), clicks of another program, never re-attributing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertClick } from '../../ingest/store/clicks.js';
import { insertPartner } from '../../ingest/store/partners.js';
import { insertProgram } from '../../ingest/store/programs.js';
import { DAY_MS, startTestIngest, type TestIngest } from '../helpers/ingest.js';

let t: TestIngest;
const b64 = (s: string) => Buffer.from(s).toString('base64');

async function setup(opts: Parameters<typeof startTestIngest>[0] = {}) {
  t = await startTestIngest(opts);
  for (const key of ['ann', 'bob']) await t.api('/v1/partners', { body: { email: `${key}@partner.test`, name: key, key } });
}
const click = async (partnerKey: string) => (await t.browser('/v1/clicks', { partnerKey, url: 'https://www.acme.test/' })).body.xid as string;
const signup = (body: Record<string, unknown>) => t.browser('/v1/signups', { email: `${String(body.customerKey)}@cust.test`, ...body });

afterEach(() => t.close());

describe('last_click (default)', () => {
  beforeEach(() => setup());

  it('credits the newer of the body xid and the cookie xid', async () => {
    const older = await click('ann');
    t.clock.advance(60_000);
    const newer = await click('bob');
    const a = await t.browser('/v1/signups', { customerKey: 'a', email: 'a@cust.test', xid: older }, { headers: { cookie: `refstack_xid=${newer}` } });
    expect(a.body.customer).toMatchObject({ partnerKey: 'bob', xid: newer });
    const b = await t.browser('/v1/signups', { customerKey: 'b', email: 'b@cust.test', xid: newer }, { headers: { cookie: `refstack_xid=${older}` } });
    expect(b.body.customer).toMatchObject({ partnerKey: 'bob', xid: newer });
  });

  it('a click credits the partner just inside the window, and nobody after it — even with its partnerKey', async () => {
    const xid = await click('ann');
    t.clock.advance(90 * DAY_MS);
    expect((await signup({ customerKey: 'inside', xid })).body.customer.partnerKey).toBe('ann');
    t.clock.advance(1);
    const expired = await signup({ customerKey: 'expired', xid, partnerKey: 'ann' });
    expect(expired.status).toBe(201);
    expect(expired.body.customer).toMatchObject({ partnerKey: null, xid: null, attributedAt: null });
  });

  it('ignores an expired click in favour of a live one', async () => {
    const old = await click('ann');
    t.clock.advance(91 * DAY_MS);
    const fresh = await click('bob');
    const res = await t.browser('/v1/signups', { customerKey: 'mix', email: 'mix@cust.test', xid: old }, { headers: { cookie: `refstack_xid=${fresh}` } });
    expect(res.body.customer.partnerKey).toBe('bob');
  });

  it('falls back to partnerKey for an unknown xid (a migrated PartnerStack gsxid), plain or base64', async () => {
    const plain = await signup({ customerKey: 'gs1', xid: 'gsxid-from-partnerstack', partnerKey: 'ann' });
    expect(plain.body.customer).toMatchObject({ partnerKey: 'ann', xid: null });
    const legacy = await signup({ customerKey: 'gs2', xid: 'c2c3d4e5', partnerKey: b64('bob') });
    expect(legacy.body.customer.partnerKey).toBe('bob');
    const url64 = await signup({ customerKey: 'gs3', partnerKey: Buffer.from('ann').toString('base64url') });
    expect(url64.body.customer.partnerKey).toBe('ann');
    const unknown = await signup({ customerKey: 'gs4', partnerKey: b64('nobody') });
    expect(unknown.status).toBe(201);
    expect(unknown.body.customer.partnerKey).toBeNull();
  });

  it('ignores a click of another program in the same database', async () => {
    const other = t.db.tx(() =>
      insertProgram(t.db, { key: 'second', name: 'Second', publishableKey: 'pk_test_second', secretKey: 'sk_test_second', now: t.clock.now() }),
    );
    const partnerId = insertPartner(t.db, { programId: other.id, key: 'ann', email: 'ann@partner.test', name: 'ann', groupId: null, now: t.clock.now() });
    insertClick(t.db, { programId: other.id, xid: 'rx_foreignforeignforei', partnerId, source: 'link', now: t.clock.now() });
    const res = await signup({ customerKey: 'foreign', xid: 'rx_foreignforeignforei' });
    expect(res.body.customer.partnerKey).toBeNull();
    // The same xid through the other program's key credits its partner.
    const there = await t.browser('/v1/signups', { customerKey: 'foreign', email: 'f@cust.test', xid: 'rx_foreignforeignforei' }, { key: 'pk_test_second' });
    expect(there.body.customer.partnerKey).toBe('ann');
    expect(t.db.get<{ n: number }>("SELECT count(*) n FROM customer WHERE key = 'foreign'")!.n).toBe(2);
  });

  it('flags a self-referral (partner email or a contact email, any case) and credits nobody', async () => {
    const xid = await click('ann');
    const self = await signup({ customerKey: 'self', email: 'ANN@partner.test', xid });
    expect(self.status).toBe(201);
    expect(self.body.customer).toMatchObject({ partnerKey: null, selfReferral: true, xid: null });
    expect(t.db.get<{ self_referral: number }>("SELECT self_referral FROM customer WHERE key = 'self'")!.self_referral).toBe(1);

    const bob = t.db.get<{ id: number }>("SELECT id FROM partner WHERE key = 'bob'")!;
    t.db.run("INSERT INTO partner_contact (partner_id, key, email, name, created_at) VALUES (?, 'c1', 'Helper@Team.test', 'Helper', 0)", bob.id);
    const contact = await signup({ customerKey: 'contact', email: 'helper@team.test', partnerKey: 'bob' });
    expect(contact.body.customer).toMatchObject({ partnerKey: null, selfReferral: true });
    expect(t.db.get<{ n: number }>("SELECT count(*) n FROM customer WHERE partner_id IS NOT NULL AND key IN ('self', 'contact')")!.n).toBe(0);
  });

  it('never re-attributes an attributed customer', async () => {
    await signup({ customerKey: 'once', partnerKey: 'ann' });
    const res = await signup({ customerKey: 'once', partnerKey: 'bob', xid: await click('bob') });
    expect(res.status).toBe(200);
    expect(res.body.customer.partnerKey).toBe('ann');
    const server = await t.api('/v1/customers', { body: { customerKey: 'once', email: 'once@cust.test', partnerKey: 'bob' } });
    expect(server.body.customer.partnerKey).toBe('ann');
  });
});

describe('first_click', () => {
  beforeEach(() => setup({ attributionModel: 'first_click', cookieWindowDays: 30 }));

  it('credits the older live click, and the window is the program’s', async () => {
    const older = await click('ann');
    t.clock.advance(DAY_MS);
    const newer = await click('bob');
    const res = await t.browser('/v1/signups', { customerKey: 'f', email: 'f@cust.test', xid: newer }, { headers: { cookie: `refstack_xid=${older}` } });
    expect(res.body.customer).toMatchObject({ partnerKey: 'ann', xid: older });
    t.clock.advance(30 * DAY_MS);
    const late = await t.browser('/v1/signups', { customerKey: 'g', email: 'g@cust.test', xid: newer }, { headers: { cookie: `refstack_xid=${older}` } });
    // The older click expired; the newer one is 30 days old, still inside.
    expect(late.body.customer).toMatchObject({ partnerKey: 'bob', xid: newer });
  });

  it('answers the model from /v1/clicks', async () => {
    const res = await t.browser('/v1/clicks', { partnerKey: 'ann', url: 'https://www.acme.test/' });
    expect(res.body).toMatchObject({ cookieWindowDays: 30, attributionModel: 'first_click' });
  });
});
