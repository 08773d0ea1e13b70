// Hostile input against every route in GET /openapi.json (read at collection time, so a new
// route gets its own test without anyone editing this file). Path parameters get real and
// bogus values; bodies, query strings, content types, keys and origins get a corpus of
// garbage. Every answer must be a 4xx in SPEC's shape within 5 s (never a 5xx, never a
// hang), and the database must be byte-for-byte unchanged after every rejected request.
import { afterAll, describe, expect, it } from 'vitest';
import { insertProgram, randomId } from '../../ingest/store/programs.js';
import { startTestIngest } from '../helpers/ingest.js';
import { changed, hit, isErrorShape, rawStatus, snapshot, type Sent } from './harness.js';

const ORIGIN = 'http://www.acme.test';
const OTHER_ORIGIN = 'https://www.other.test';
const BROWSER_LIMIT = 16 * 1024;
const SERVER_LIMIT = 256 * 1024;

const t = await startTestIngest({ allowedOrigins: [ORIGIN] });
afterAll(() => t.close());

// A second program in the same database, with its own keys and origin.
const other = { secretKey: `sk_test_${randomId(24)}`, publishableKey: `pk_test_${randomId(24)}` };
t.db.tx(() => insertProgram(t.db, { key: 'other', name: 'Other', ...other, allowedOrigins: [OTHER_ORIGIN], now: Date.now() }));

// Fixtures, so real path values exist and validation past the lookups is reached.
const must = async (p: string, body: unknown) => {
  const r = await t.api(p, { method: 'POST', body });
  if (r.status !== 201) throw new Error(`fixture ${p}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const tryCreate = (p: string, body: unknown) => t.api(p, { method: 'POST', body }).catch(() => undefined);
const partner = (await must('/v1/partners', { email: 'p1@partner.test', name: 'Partner One', key: 'p1' })).partner;
await must('/v1/offers', { name: 'Signup bonus', event: 'customer.created', amount: 500, currency: 'USD' });
await must('/v1/offers', { name: '10% of sales', event: 'transaction.created', bps: 1000 });
await must('/v1/customers', { customerKey: 'c1', email: 'c1@x.test', partnerKey: 'p1' });
await must('/v1/customers', { customerKey: 'c-no-sales', email: 'c2@x.test', partnerKey: 'p1' });
await must('/v1/transactions', { customerKey: 'c1', key: 't1', amount: 4000, currency: 'USD' });
await tryCreate('/v1/partners/p1/contacts', { email: 'contact@partner.test', name: 'Contact' });
await tryCreate('/v1/groups', { key: 'g1', name: 'Group 1' });
await tryCreate('/v1/leads', { partnerKey: 'p1', email: 'lead@x.test' });
await tryCreate('/v1/deals', { partnerKey: 'p1', key: 'd1', name: 'Deal' });
await tryCreate('/v1/webhooks', { url: 'https://hooks.example.com/refstack', events: ['customer.created'] });
await tryCreate('/v1/segments', { key: 's1', name: 'Segment', rules: [{ field: 'group', op: 'eq', value: 'default' }] });
await tryCreate('/v1/rewards', { partnerKey: 'p1', amount: 100, currency: 'USD', description: 'Manual' });

interface Op {
  method: string;
  path: string;
  auth: 'secret' | 'publishable' | 'none';
  body?: { required?: string[]; properties?: Record<string, unknown>; additionalProperties?: unknown };
  query: string[];
}

const doc = (await t.request('/openapi.json')).body as { paths: Record<string, Record<string, any>> };
const ops: Op[] = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({
    method: method.toUpperCase(),
    path,
    auth: op.security?.[0]?.secretKey ? 'secret' : op.security?.[0]?.publishableKey ? 'publishable' : 'none',
    body: op.requestBody?.content?.['application/json']?.schema,
    query: (op.parameters ?? []).filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name),
  })),
);

/** A real value for each path parameter: the first item of the list the path extends, else a fixture. */
async function realPath(path: string): Promise<string> {
  let out = '';
  for (const part of path.split('/').slice(1)) {
    const m = /^\{(.+)\}$/.exec(part);
    if (!m) {
      out += `/${part}`;
      continue;
    }
    let value: string | undefined;
    if (m[1] === 'linkKey') value = partner.links[0].linkKey;
    else {
      const list = await t.api(out);
      const items = list.status === 200 ? (Object.values(list.body).find(Array.isArray) as Record<string, unknown>[] | undefined) : undefined;
      const first = items?.[0];
      const v = first && (first[m[1]] ?? first.key ?? first.id ?? first.customerKey);
      value = v === undefined || v === null ? undefined : String(v);
    }
    out += `/${encodeURIComponent(value ?? 'no-such-thing')}`;
  }
  return out;
}
const real = new Map<string, string>();
for (const op of ops) if (!real.has(op.path)) real.set(op.path, await realPath(op.path));

const BOGUS_PARAMS = [
  'no-such-thing',
  encodeURIComponent("' OR '1'='1' --"),
  encodeURIComponent('1; DROP TABLE customer; --'),
  encodeURIComponent('<script>alert(1)</script>'),
  'x'.repeat(5000),
  '%00',
  encodeURIComponent('a\u0000b'),
  '..%2F..%2Fetc%2Fpasswd',
  encodeURIComponent('😀\u202e\u0007'),
  '%E0%A4%A',
  '-1',
  '99999999999999999999999',
  '0x10',
];

function bogusPaths(path: string): string[] {
  const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  return params.flatMap((name) =>
    BOGUS_PARAMS.map((bogus) => {
      // Real values for the other parameters, the bogus one here.
      const realParts = real.get(path)!.split('/');
      return path
        .split('/')
        .map((part, i) => (part === `{${name}}` ? bogus : /^\{.+\}$/.test(part) ? realParts[i] : part))
        .join('/');
    }),
  );
}

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const deepObj = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

/** Bodies no route may accept, whatever its schema. [label, content-type or null, body] */
function garbageBodies(limit: number): Array<[string, string | null, string | Uint8Array]> {
  const json = 'application/json';
  return [
    ['empty body', json, ''],
    ['whitespace', json, ' \n\t '],
    ['truncated JSON', json, '{"customerKey": "x", '],
    ['trailing comma', json, '{"a":1,}'],
    ['single quotes', json, "{'a': 1}"],
    ['NaN literal', json, '{"amount": NaN}'],
    ['JS undefined', json, 'undefined'],
    ['a NUL byte', json, '\u0000'],
    ['a BOM then an array', json, '\ufeff[]'],
    ['JSON array', json, '[]'],
    ['JSON string', json, '"x"'],
    ['JSON number', json, '1'],
    ['JSON null', json, 'null'],
    ['JSON true', json, 'true'],
    ['10,000 nested arrays', json, deep(10_000)],
    ['100,000 nested arrays', json, deep(100_000)],
    ['10,000 nested objects', json, deepObj(10_000)],
    ['nested arrays under a field', json, `{"metadata":${deep(5000)}}`],
    ['form-encoded', 'application/x-www-form-urlencoded', 'customerKey=x&email=a%40b.test&amount=1'],
    ['multipart', 'multipart/form-data; boundary=XyZ', '--XyZ\r\nContent-Disposition: form-data; name="customerKey"\r\n\r\nx\r\n--XyZ--\r\n'],
    ['no content type, form body', null, 'customerKey=x&email=a%40b.test'],
    ['text/plain garbage', 'text/plain', 'hello'],
    ['XML', 'application/xml', '<customer><key>x</key></customer>'],
    ['invalid UTF-8', json, new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d])],
    ['only unknown fields', json, '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}'],
    ['one byte over the limit', json, JSON.stringify({ pad: 'x'.repeat(limit + 1 - 10) })],
    ['4 MB', json, JSON.stringify({ pad: 'x'.repeat(4 * 1024 * 1024) })],
  ];
}

/** Values of the wrong JSON type for any field (null is left out: nullable fields take it). */
const WRONG_TYPES: Array<[string, string]> = [
  ['an object', '{"$gt": ""}'],
  ['an array', '["a", "b"]'],
  ['a boolean', 'true'],
  ['a number', '12345'],
  ['a string', '"12345"'],
  ['1e309 (Infinity)', '1e309'],
];

/** 4xx, SPEC shape (JSON) — or, for GET /r/, the HTML 404 page. */
function problem(label: string, sent: Sent, htmlOk = false): string | undefined {
  if (sent.status < 400 || sent.status > 499) return `${label}: status ${sent.status} ${sent.text.slice(0, 200)}`;
  if (htmlOk && sent.contentType.startsWith('text/html')) return undefined;
  if (!sent.contentType.includes('application/json') || !isErrorShape(sent.json)) return `${label}: not SPEC's error shape: ${sent.contentType} ${sent.text.slice(0, 200)}`;
  return undefined;
}

/** Sends one hostile request; returns what is wrong with the answer (status, shape, DB change, hang). */
async function attack(label: string, url: string, init: { method: string; headers?: Record<string, string>; body?: string | Uint8Array }, htmlOk = false): Promise<string[]> {
  const before = snapshot(t.db);
  let sent: Sent;
  try {
    sent = await hit(url, init);
  } catch (err) {
    return [`${label}: no answer (${(err as Error).message})`];
  }
  const out: string[] = [];
  const p = problem(label, sent, htmlOk);
  if (p) out.push(p);
  const diff = changed(before, snapshot(t.db));
  if (diff.length) out.push(`${label}: database changed (${diff.join(', ')}) by a ${sent.status}`);
  return out;
}

function credentials(op: Op): Record<string, string> {
  if (op.auth === 'secret') return { authorization: `Bearer ${t.keys.secretKey}` };
  if (op.auth === 'publishable') return { 'x-refstack-key': t.keys.publishableKey, origin: ORIGIN };
  return {};
}

const hasParams = (op: Op) => op.path.includes('{');
const isRedirect = (op: Op) => op.path.startsWith('/r/');

describe('hostile input against every route in /openapi.json', () => {
  it('the document lists the routes this corpus is about', () => {
    const names = ops.map((o) => `${o.method} ${o.path}`);
    for (const r of ['GET /r/{linkKey}', 'POST /v1/clicks', 'POST /v1/signups', 'POST /v1/customers', 'POST /v1/transactions', 'POST /v1/partners', 'POST /v1/offers', 'GET /v1/rewards', 'POST /v1/payouts']) {
      expect(names).toContain(r);
    }
    expect(ops.length).toBeGreaterThan(40);
  });

  for (const op of ops) {
    it(`${op.method} ${op.path}`, { timeout: 120_000 }, async () => {
      const problems: string[] = [];
      const realUrl = t.url + real.get(op.path)!;
      const json = { 'content-type': 'application/json' };
      const send = async (label: string, url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array }) =>
        problems.push(...(await attack(`${op.method} ${url.slice(t.url.length, t.url.length + 120)} [${label}]`, url, { method: op.method, ...init }, isRedirect(op))));
      const minimal = op.body ? '{}' : undefined;

      // Bogus path parameters (a real value for the others).
      for (const p of bogusPaths(op.path)) await send('bogus path value', t.url + p, { headers: { ...credentials(op), ...(minimal ? json : {}) }, body: minimal });

      // Keys and origins.
      if (op.auth === 'secret') {
        const bad: Array<[string, Record<string, string>]> = [
          ['no key', {}],
          ['publishable key as Bearer', { authorization: `Bearer ${t.keys.publishableKey}` }],
          ['forged secret key', { authorization: `Bearer sk_test_${randomId(24)}` }],
          ['secret key with a NUL', { authorization: `Bearer ${t.keys.secretKey}%00` }],
          ["SQL in the key", { authorization: "Bearer sk_' OR '1'='1" }],
          ['secret key in X-Refstack-Key', { 'x-refstack-key': t.keys.secretKey }],
          ['Basic auth', { authorization: `Basic ${Buffer.from(`${t.keys.secretKey}:`).toString('base64')}` }],
          ['empty Bearer', { authorization: 'Bearer ' }],
          ['huge key', { authorization: `Bearer sk_${'a'.repeat(8000)}` }],
        ];
        for (const [label, headers] of bad) await send(label, realUrl, { headers: { ...headers, ...(minimal ? json : {}) }, body: minimal });
        // Another program's secret key cannot reach this program's objects.
        if (hasParams(op)) await send("another program's secret key", realUrl, { headers: { authorization: `Bearer ${other.secretKey}`, ...(minimal ? json : {}) }, body: minimal });
      }
      if (op.auth === 'publishable') {
        const body = (extra: Record<string, unknown> = {}) => JSON.stringify({ partnerKey: 'p1', url: `${ORIGIN}/`, customerKey: `sec-${randomId(8)}`, email: 'v@x.test', ...extra });
        const bad: Array<[string, Record<string, string>, string]> = [
          ['no key', { origin: ORIGIN }, body()],
          ['secret key in X-Refstack-Key', { 'x-refstack-key': t.keys.secretKey, origin: ORIGIN }, body()],
          ['secret key in the body', { origin: ORIGIN }, body({ key: t.keys.secretKey })],
          ['secret key as Bearer', { authorization: `Bearer ${t.keys.secretKey}`, origin: ORIGIN }, body()],
          ['forged publishable key', { 'x-refstack-key': `pk_test_${randomId(24)}`, origin: ORIGIN }, body()],
          ['publishable key of a number', { origin: ORIGIN }, body({ key: 12345 })],
          ['disallowed origin', { 'x-refstack-key': t.keys.publishableKey, origin: 'https://evil.test' }, body()],
          ['origin "null"', { 'x-refstack-key': t.keys.publishableKey, origin: 'null' }, body()],
          ['allowed origin plus a suffix', { 'x-refstack-key': t.keys.publishableKey, origin: `${ORIGIN}.evil.test` }, body()],
          ["another program's key from this program's origin", { 'x-refstack-key': other.publishableKey, origin: ORIGIN }, body()],
        ];
        for (const [label, headers, b] of bad) await send(label, realUrl, { headers: { ...json, ...headers }, body: b });
        const pre = await hit(realUrl, { method: 'OPTIONS', headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' } });
        const p = problem('OPTIONS preflight from a disallowed origin', pre);
        if (p) problems.push(p);
        if (pre.headers.get('access-control-allow-origin')) problems.push('preflight from a disallowed origin got Access-Control-Allow-Origin');
      }

      // Bodies no schema accepts, in every content type.
      if (op.body) {
        const limit = op.auth === 'publishable' ? BROWSER_LIMIT : SERVER_LIMIT;
        // With no required field, an empty body is a valid request ({}): not garbage there.
        const emptyOk = !(op.body.required ?? []).length;
        for (const [label, type, b] of garbageBodies(limit)) {
          if (emptyOk && typeof b === 'string' && !b.trim()) continue;
          await send(label, realUrl, { headers: { ...credentials(op), ...(type ? { 'content-type': type } : {}) }, body: b });
        }
        // A field of the wrong type (alone: required ones missing too) and each required field missing.
        for (const field of Object.keys(op.body.properties ?? {})) {
          if (op.auth === 'publishable' && field === 'key') continue;
          for (const [label, value] of WRONG_TYPES) {
            const schema = op.body.properties![field] as { type?: string | string[]; anyOf?: Array<{ type?: string }> };
            const types = [schema, ...(schema.anyOf ?? [])].flatMap((x) => ([] as string[]).concat(x.type ?? []));
            if (types.length === 0) continue; // any type may be valid here
            if ((label === 'a string' && types.includes('string')) || (label === 'a number' && (types.includes('number') || types.includes('integer')))) continue;
            if (label === 'a boolean' && types.includes('boolean')) continue;
            if (label === 'an array' && types.includes('array')) continue;
            if (label === 'an object' && types.includes('object')) continue;
            await send(`${field} is ${label}`, realUrl, { headers: { ...credentials(op), ...json }, body: `{"${field}": ${value}}` });
          }
        }
        if ((op.body.required ?? []).length) await send('required fields missing', realUrl, { headers: { ...credentials(op), ...json }, body: '{"unrelated": 1}' });
        // A declared size that lies (body shorter than Content-Length) must not hang.
        if (op.auth !== 'none') {
          const u = new URL(realUrl);
          const head = [`${op.method} ${u.pathname} HTTP/1.1`, ...Object.entries({ ...credentials(op), ...json, 'content-length': String(limit * 4) }).map(([k, v]) => `${k}: ${v}`)].join('\n');
          const status = await rawStatus(realUrl, head, '{}').catch((e: Error) => e);
          if (status !== 413) problems.push(`Content-Length over the limit, short body: ${status instanceof Error ? status.message : status}`);
        }
      }

      // Query strings.
      const Q: Record<string, string[]> = {
        limit: ['-1', '0', '1001', '1e309', 'abc', '1.5', '', 'NaN', '99999999999999999999'],
        startingAfter: ['no-such-thing', "' OR 1=1 --", '<script>', 'x'.repeat(300)],
        from: ['yesterday', '2026-13-45', "' OR 1=1"],
        to: ['tomorrow', '-1'],
        status: ['paid; DROP TABLE reward', 'PENDING', 'x'],
        customerKey: ['no-such-customer', "' OR '1'='1"],
        partnerKey: ['no-such-partner', "' OR '1'='1", 'p1%00'],
      };
      for (const name of op.query) {
        for (const value of Q[name] ?? ['no-such-thing']) {
          await send(`?${name}=${value.slice(0, 20)}`, `${realUrl}?${name}=${encodeURIComponent(value)}`, { headers: credentials(op) });
        }
      }

      // Methods the route does not have.
      const listed = new Set(Object.keys(doc.paths[op.path]).map((m) => m.toUpperCase()));
      for (const m of ['PUT', 'DELETE', 'PATCH', 'POST', 'GET']) {
        if (listed.has(m) || m !== ['PUT', 'DELETE', 'PATCH', 'POST', 'GET'].find((x) => !listed.has(x))) continue;
        problems.push(...(await attack(`${m} ${op.path} (not a method of this path)`, realUrl, { method: m, headers: { ...credentials(op), ...json }, body: m === 'GET' ? undefined : '{}' })));
      }

      expect(problems).toEqual([]);
    });
  }
});
