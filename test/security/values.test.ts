// Hostile values in otherwise valid bodies of the routes SPEC names: amounts that overflow,
// are fractional, strings or -0; unknown currencies; keys and strings over their limits;
// another program's partner. Each is a 4xx in SPEC's shape and changes nothing. Text a vendor
// may legitimately send (SQL, HTML, unicode, control characters, NUL bytes, deep metadata) is
// stored and answered back exactly, deduplicated on retry, and never causes a 5xx.
import { afterAll, describe, expect, it } from 'vitest';
import { insertProgram, randomId } from '../../ingest/store/programs.js';
import { startTestIngest } from '../helpers/ingest.js';
import { changed, hit, isErrorShape, snapshot } from './harness.js';

const ORIGIN = 'http://www.acme.test';
const t = await startTestIngest({ allowedOrigins: [ORIGIN] });
afterAll(() => t.close());

const other = { secretKey: `sk_test_${randomId(24)}`, publishableKey: `pk_test_${randomId(24)}` };
t.db.tx(() => insertProgram(t.db, { key: 'other', name: 'Other', ...other, now: Date.now() }));

const must = async (p: string, body: unknown, key?: string) => {
  const r = await t.api(p, { method: 'POST', body, key });
  if (r.status !== 201) throw new Error(`fixture ${p}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
await must('/v1/partners', { email: 'p1@partner.test', name: 'Partner One', key: 'p1' });
await must('/v1/partners', { email: 'p2@partner.test', name: 'Other program partner', key: 'p-other' }, other.secretKey);
await must('/v1/offers', { name: '10% of sales', event: 'transaction.created', bps: 1000 });
await must('/v1/customers', { customerKey: 'c1', email: 'c1@x.test', partnerKey: 'p1' });
await must('/v1/customers', { customerKey: 'c-no-sales', email: 'c2@x.test', partnerKey: 'p1' });
await must('/v1/transactions', { customerKey: 'c1', key: 't1', amount: 4000, currency: 'USD' });

const uniq = () => randomId(10);

interface Route {
  path: string;
  browser?: boolean;
  /** A valid body (fresh keys each call). */
  base: () => Record<string, unknown>;
  /** field -> raw JSON values that must be refused. */
  bad: Record<string, string[]>;
}

const HOSTILE_AMOUNTS = ['1e309', '-1e309', '"1"', '9007199254740992', '9007199254740993', '1000000000001', '-0', '0', '1.5', '0.0001', '"NaN"', '"Infinity"', 'null', 'true', '[]', '{}', '""', '"1e3"'];
const HOSTILE_CURRENCIES = ['"usd"', '"ZZZ"', '"US"', '"USDD"', '"€€€"', '""', '" USD"', '"USD\\u0000"', '"U\\u0000D"', 'null', '840', '["USD"]'];
const LONG = (n: number) => JSON.stringify('x'.repeat(n));

const routes: Route[] = [
  {
    path: '/v1/transactions',
    base: () => ({ customerKey: 'c1', key: `k-${uniq()}`, amount: 1000, currency: 'USD' }),
    bad: {
      amount: HOSTILE_AMOUNTS,
      currency: HOSTILE_CURRENCIES,
      customerKey: ['""', '"   "', LONG(256), '"no-such-customer"', JSON.stringify("' OR '1'='1' --"), '"<script>alert(1)</script>"', '123'],
      key: ['""', LONG(256), '123', 'null'],
      productKey: [LONG(256), '123'],
      admin: ['true'],
    },
  },
  {
    // A refund larger than the customer's sales (the 1,000 the base check posts) is refused.
    path: '/v1/transactions',
    base: () => ({ customerKey: 'c-no-sales', key: `k-${uniq()}`, amount: 1000, currency: 'USD' }),
    bad: { amount: ['-1001', '-1000000000000'] },
  },
  {
    path: '/v1/transactions/t1/refund',
    base: () => ({ amount: 100, key: `r-${uniq()}` }),
    bad: { amount: [...HOSTILE_AMOUNTS.filter((a) => a !== 'null'), '-100', '4001', '1000000'], key: ['""', LONG(256)] },
  },
  {
    path: '/v1/offers',
    base: () => ({ name: `Offer ${uniq()}`, event: 'customer.created', amount: 100, currency: 'USD' }),
    bad: { amount: [...HOSTILE_AMOUNTS.filter((a) => a !== 'null'), '-100'], currency: HOSTILE_CURRENCIES.filter((c) => c !== 'null'), bps: ['1000'], event: ['"customer.deleted"', '""', '1'], name: ['""', LONG(201)] },
  },
  {
    path: '/v1/offers',
    base: () => ({ name: `Offer ${uniq()}`, event: 'transaction.created', bps: 500 }),
    bad: { bps: ['0', '10001', '1.5', '-1', '"500"', '1e309', '-0'], amount: ['100'], currency: ['"USD"'] },
  },
  {
    path: '/v1/customers',
    base: () => ({ customerKey: `cu-${uniq()}`, email: 'v@x.test', partnerKey: 'p1' }),
    bad: {
      email: ['"not-an-email"', '""', '"a@"', '"@b"', '"a b@c.test"', JSON.stringify(`${'x'.repeat(300)}@x.test`), '"a@b\\u0000 c"'],
      customerKey: ['""', '"   "', LONG(256)],
      name: [LONG(201)],
      metadata: ['[]', '"str"', '1'],
      partnerKey: [LONG(257)],
      xid: [LONG(129)],
      admin: ['true'],
    },
  },
  {
    path: '/v1/signups',
    browser: true,
    base: () => ({ customerKey: `su-${uniq()}`, email: 'v@x.test', partnerKey: 'p1' }),
    bad: { email: ['"not-an-email"', '""', '123'], customerKey: ['""', LONG(256), '{}'], name: [LONG(201)], metadata: ['[]', '"str"'] },
  },
  {
    path: '/v1/clicks',
    browser: true,
    base: () => ({ partnerKey: 'p1', url: `${ORIGIN}/?ps_partner_key=p1` }),
    bad: { partnerKey: ['""', '"no-such-partner"', '"p-other"', LONG(257), JSON.stringify("' OR '1'='1")], url: [LONG(8193), '123', 'null'] },
  },
  {
    path: '/v1/partners',
    base: () => ({ email: `${uniq()}@partner.test`, name: 'New partner' }),
    bad: {
      key: ['"bad key!"', '"-leading"', '""', JSON.stringify('x'.repeat(65)), '"p1"', '"<b>"', '"a\\u0000b"'],
      email: ['"nope"', '""'],
      name: ['""', '"   "', LONG(201)],
      groupKey: ['"no-such-group"', '""'],
      tags: [JSON.stringify(Array.from({ length: 51 }, (_, i) => `t${i}`)), '[""]', '"vip"', JSON.stringify([`${'x'.repeat(65)}`])],
    },
  },
  {
    path: '/v1/partners/p1/links',
    base: () => ({ destination: 'https://www.acme.test/landing' }),
    bad: { destination: ['"javascript:alert(1)"', '"data:text/html,<script>alert(1)</script>"', '"ftp://x.test/"', '"not a url"', '""', JSON.stringify(`https://x.test/${'a'.repeat(2100)}`)] },
  },
];

async function post(route: Route, body: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (route.browser) Object.assign(headers, { 'x-refstack-key': t.keys.publishableKey, origin: ORIGIN });
  else headers.authorization = `Bearer ${t.keys.secretKey}`;
  return hit(t.url + route.path, { method: 'POST', headers, body });
}

describe('hostile values in valid bodies are refused and change nothing', () => {
  for (const route of routes) {
    it(`POST ${route.path} (${Object.keys(route.bad).join(', ')})`, async () => {
      // The base body is valid (so each refusal below is about the one hostile value).
      const ok = await post(route, JSON.stringify(route.base()));
      expect(ok.status, ok.text).toBeLessThan(300);
      const problems: string[] = [];
      for (const [field, values] of Object.entries(route.bad)) {
        for (const raw of values) {
          // Appended: JSON.parse keeps the last of duplicate names, so the hostile value wins.
          const body = JSON.stringify(route.base()).replace(/}$/, `,"${field}":${raw}}`);
          const label = `${field}=${raw.slice(0, 40)}`;
          const before = snapshot(t.db);
          const r = await post(route, body).catch((e: Error) => e);
          if (r instanceof Error) {
            problems.push(`${label}: no answer (${r.message})`);
            continue;
          }
          if (r.status < 400 || r.status > 499) problems.push(`${label}: ${r.status} ${r.text.slice(0, 200)}`);
          else if (!isErrorShape(r.json)) problems.push(`${label}: not SPEC's error shape: ${r.text.slice(0, 200)}`);
          const diff = changed(before, snapshot(t.db));
          if (diff.length) problems.push(`${label}: database changed (${diff.join(', ')}) by a ${r.status}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it("a click or signup with another program's publishable key never reaches this program's partner", async () => {
    // The other program has no allowed origins, so no Origin header is needed.
    const click = await t.browser('/v1/clicks', { partnerKey: 'p1', url: `${ORIGIN}/` }, { key: other.publishableKey });
    expect(click.status).toBe(404);
    expect(isErrorShape(click.body)).toBe(true);
    const signup = await t.browser('/v1/signups', { customerKey: 'cross-1', email: 'x@x.test', partnerKey: 'p1' }, { key: other.publishableKey });
    expect(signup.status).toBe(201);
    expect(signup.body.customer.partnerKey).toBeNull();
    expect((await t.api('/v1/customers/cross-1')).status).toBe(404);
  });
});

const TEXTS: Array<[string, string]> = [
  ['SQL', "'); DROP TABLE customer; -- \" OR 1=1"],
  ['HTML', '<img src=x onerror=alert(1)><script>alert(2)</script>'],
  ['unicode', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 ‮RTL‬ ﷽ Ω'],
  ['control characters', 'a\u0001\u0007\u001b[31mred\u007f\u0085b'],
  ['a NUL byte', 'a\u0000b'],
  ['line separators', 'a\u2028b\u2029c\r\nd'],
];

describe('text a vendor may send is stored and answered back exactly', () => {
  for (const [label, text] of TEXTS) {
    it(`${label} in customer key, name, email and metadata`, async () => {
      const key = `${text}-${uniq()}`;
      const body = { customerKey: key, email: `${label.replace(/\W/g, '')}@x.test`, name: text, metadata: { [text]: text, nested: [text] }, partnerKey: 'p1' };
      const created = await t.api('/v1/customers', { method: 'POST', body });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.customer).toMatchObject({ key, name: text, metadata: body.metadata });
      const again = await t.api('/v1/customers', { method: 'POST', body });
      expect(again.status).toBe(200);
      expect(again.body.customer).toEqual(created.body.customer);
      const read = await t.api(`/v1/customers/${encodeURIComponent(key)}`);
      expect(read.status).toBe(200);
      expect(read.body.customer).toEqual(created.body.customer);
      const sale = await t.api('/v1/transactions', { method: 'POST', body: { customerKey: key, key: `${text}-t`, amount: 100, currency: 'USD' } });
      expect(sale.status, JSON.stringify(sale.body)).toBe(201);
      expect(sale.body.transaction).toMatchObject({ key: `${text}-t`, customerKey: key });
      expect((await t.api(`/v1/transactions/${encodeURIComponent(`${text}-t`)}`)).body.transaction.key).toBe(`${text}-t`);
      expect(t.db.raw.pragma('integrity_check', { simple: true })).toBe('ok');
    });
  }

  it('a lone surrogate in a key never causes a 5xx and still deduplicates', async () => {
    const body = { customerKey: `lone-\ud800-${uniq()}`, email: 'lone@x.test' };
    const first = await t.api('/v1/customers', { method: 'POST', body });
    expect([201, 422]).toContain(first.status);
    if (first.status === 201) expect((await t.api('/v1/customers', { method: 'POST', body })).status).toBe(200);
  });

  const deepCases: Array<[string, number, Record<string, string>]> = [
    ['/v1/customers', 40, {}],
    ['/v1/customers', 5000, {}],
    ['/v1/customers', 100_000, {}],
    ['/v1/signups', 5000, { 'x-refstack-key': '' }],
  ];
  for (const [path, depth, extra] of deepCases) {
    it(`metadata nested ${depth} deep on POST ${path} is refused with a 4xx (never a 5xx) and changes nothing`, async () => {
      const key = `deep-${path.length}-${depth}`;
      const text = `{"customerKey":"${key}","email":"deep@x.test","metadata":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
      const headers: Record<string, string> = 'x-refstack-key' in extra ? { 'x-refstack-key': t.keys.publishableKey, origin: ORIGIN } : { authorization: `Bearer ${t.keys.secretKey}` };
      const before = snapshot(t.db);
      const r = await hit(t.url + path, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: text });
      expect(r.status, r.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(r.status, r.text.slice(0, 300)).toBeLessThan(500);
      expect(isErrorShape(r.json)).toBe(true);
      expect(changed(before, snapshot(t.db))).toEqual([]);
    });
  }

  it('metadata nested a few levels deep is stored as sent', async () => {
    const metadata = { plan: { tier: { limits: [[1, 2], { seats: 5 }] } } };
    const r = await t.api('/v1/customers', { method: 'POST', body: { customerKey: 'nested-ok', email: 'n@x.test', metadata } });
    expect(r.status).toBe(201);
    expect(r.body.customer.metadata).toEqual(metadata);
  });
});
