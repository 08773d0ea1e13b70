// SPEC "Running it", /healthz, /openapi.json, GET /refstack.js (cacheable, ETag), rate limit.
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorShape, startRefstack, uid, type Instance } from './harness';

const listening = (port: number) => new Promise<boolean>((res) => {
  const s = connect(port, '127.0.0.1');
  s.once('connect', () => { s.destroy(); res(true); });
  s.once('error', () => res(false));
});

describe('SPEC Running it (REFSTACK_DEMO=0, env keys)', () => {
  let rs: Instance;
  beforeAll(async () => { rs = await startRefstack({ REFSTACK_RATE_LIMIT: '5' }); });
  afterAll(async () => { await rs?.stop(); });

  it('"GET /healthz answers 200 when ready"', async () => {
    expect((await fetch(`${rs.base}/healthz`)).status).toBe(200);
  });

  it('"REFSTACK_DEMO=0 runs the ingest alone, with no demo site and no demo data"', async () => {
    expect(await listening(rs.demoPort)).toBe(false);
    const p = await rs.api('GET', '/v1/partners');
    expect(p.body).toEqual({ partners: [], hasMore: false });
    expect((await rs.api('GET', '/v1/offers')).body.offers).toEqual([]);
    expect((await rs.api('GET', '/v1/customers')).body.customers).toEqual([]);
  });

  it('"REFSTACK_SECRET_KEY / REFSTACK_PUBLISHABLE_KEY, when set, are the default program\'s keys"', async () => {
    expect((await rs.api('GET', '/v1/partners', undefined, { key: rs.sk })).status).toBe(200);
    expect((await rs.api('POST', '/v1/signups', { customerKey: uid('c'), email: 'k@k.test' }, { key: null, headers: { 'X-Refstack-Key': rs.pk } })).status).toBe(201);
  });

  it('"Every route is listed in the OpenAPI document at GET /openapi.json"', async () => {
    const r = await fetch(`${rs.base}/openapi.json`);
    expect(r.status).toBe(200);
    const doc = await r.json();
    const paths = doc.paths as Record<string, Record<string, unknown>>;
    const want: [string, string][] = [
      ['get', '/r/{linkKey}'], ['post', '/v1/clicks'], ['post', '/v1/signups'], ['post', '/v1/customers'], ['get', '/v1/customers'],
      ['get', '/v1/customers/{customerKey}'], ['post', '/v1/transactions'], ['post', '/v1/transactions/{key}/refund'],
      ['post', '/v1/partners'], ['get', '/v1/partners'], ['get', '/v1/partners/{key}'], ['post', '/v1/partners/{key}/links'],
      ['post', '/v1/offers'], ['get', '/v1/rewards'], ['post', '/v1/payouts'], ['get', '/openapi.json'], ['get', '/healthz'], ['get', '/refstack.js'],
    ];
    for (const [m, p] of want) expect(paths[p]?.[m], `${m.toUpperCase()} ${p}`).toBeTruthy();
    // and every listed route exists (answers something other than a 404 for the route itself)
    for (const [p, ops] of Object.entries(paths)) {
      for (const m of Object.keys(ops)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(m) || p.startsWith('/r/')) continue;
        const url = p.replace(/\{[^}]+\}/g, 'zz_none');
        const res = await rs.api(m.toUpperCase(), url, ['get', 'delete'].includes(m) ? undefined : {}, { pk: ['/v1/clicks', '/v1/signups', '/v1/identify'].includes(p) });
        expect(res.status, `${m} ${p}`).toBeLessThan(500);
        if (res.status === 404) expect(res.body?.error?.code, `${m} ${p} is not routed`).toBeTruthy();
      }
    }
  });

  it('"GET {ingest}/refstack.js (cacheable, ETag)"', async () => {
    const r = await fetch(`${rs.base}/refstack.js`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/javascript/);
    const etag = r.headers.get('etag');
    expect(etag).toBeTruthy();
    const cc = r.headers.get('cache-control') ?? '';
    expect(cc).toMatch(/max-age=\d+|public/);
    expect(cc).not.toMatch(/no-store/);
    expect((await r.text()).length).toBeGreaterThan(100);
    const again = await fetch(`${rs.base}/refstack.js`, { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
  });

  it('"REFSTACK_RATE_LIMIT requests per minute per IP on the browser routes" -> 429 in the error shape; server routes are not limited', async () => {
    let last = 0; let limited: any;
    for (let i = 0; i < 8; i++) {
      const r = await rs.api('POST', '/v1/signups', { customerKey: uid('rl'), email: 'r@l.test' }, { pk: true });
      last = r.status;
      if (r.status === 429) { limited = r; break; }
      expect(r.status).toBe(201);
    }
    expect(last).toBe(429);
    expectErrorShape(limited, 429);
    for (let i = 0; i < 10; i++) expect((await rs.api('GET', '/v1/customers?limit=1')).status).toBe(200);
  });
});

describe('SPEC Running it: keys generated, REFSTACK_RATE_LIMIT=0, demo on, SIGTERM', () => {
  it('without REFSTACK_*_KEY the keys are "generated once and printed"; a restart keeps them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'refstack-keys-'));
    try {
      const a = await startRefstack({ REFSTACK_SECRET_KEY: undefined, REFSTACK_PUBLISHABLE_KEY: undefined }, { dir });
      const out = a.out();
      await a.stop();
      const sk = out.match(/sk_[A-Za-z0-9_]+/)?.[0];
      const pk = out.match(/pk_[A-Za-z0-9_]+/)?.[0];
      expect(sk, out).toBeTruthy();
      expect(pk, out).toBeTruthy();
      const b = await startRefstack({ REFSTACK_SECRET_KEY: undefined, REFSTACK_PUBLISHABLE_KEY: undefined }, { dir });
      try {
        expect((await b.api('GET', '/v1/partners', undefined, { key: sk! })).status).toBe(200);
        expect((await b.api('POST', '/v1/clicks', { partnerKey: 'x', url: 'http://a.test/' }, { key: pk! })).status).not.toBe(401);
      } finally { await b.stop(); }
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('"SQLite at REFSTACK_DB ..., created on first start"; keys set from env replace old ones on a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'refstack-db-'));
    try {
      const a = await startRefstack({ REFSTACK_DB: join(dir, 'nested', 'deeper', 'r.db') }, { dir });
      expect(existsSync(join(dir, 'nested', 'deeper', 'r.db'))).toBe(true);
      const oldSk = a.sk;
      await a.api('POST', '/v1/partners', { email: 'keep@p.test', name: 'Keep', key: 'keep' });
      await a.stop();
      const b = await startRefstack({ REFSTACK_DB: join(dir, 'nested', 'deeper', 'r.db') }, { dir });
      try {
        expect(b.sk).not.toBe(oldSk);
        expect((await b.api('GET', '/v1/partners/keep')).status).toBe(200);
        expect((await b.api('GET', '/v1/partners/keep', undefined, { key: oldSk })).status).toBe(401);
      } finally { await b.stop(); }
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('"REFSTACK_RATE_LIMIT ... 0 turns it off"', async () => {
    const rs = await startRefstack({ REFSTACK_RATE_LIMIT: '0' });
    try {
      const rs2 = await Promise.all(Array.from({ length: 120 }, () => rs.api('POST', '/v1/signups', { customerKey: uid('nl'), email: 'n@l.test' }, { pk: true })));
      expect(rs2.filter((r) => r.status !== 201).map((r) => r.status)).toEqual([]);
    } finally { await rs.stop(); }
  });

  it('"npm start: ... the demo site on DEMO_PORT" when the demo is on; SIGTERM stops both', async () => {
    const rs = await startRefstack({ REFSTACK_DEMO: undefined });
    let code: number | null = null;
    try {
      let up = false;
      for (let i = 0; i < 100 && !up; i++) { up = await listening(rs.demoPort); if (!up) await new Promise((r) => setTimeout(r, 50)); }
      expect(up).toBe(true);
      expect((await fetch(`http://127.0.0.1:${rs.demoPort}/`)).status).toBe(200);
      // demo data, with the keys from the environment
      const p = await rs.api('GET', '/v1/partners');
      expect(p.status).toBe(200);
      expect(p.body.partners.length).toBeGreaterThan(0);
    } finally { code = await rs.stop(); }
    expect(rs.proc.exitCode !== null || rs.proc.signalCode !== null).toBe(true);
    expect(await listening(rs.port)).toBe(false);
    expect(await listening(rs.demoPort)).toBe(false);
    expect(code === 0 || code === null).toBe(true);
  });
});
