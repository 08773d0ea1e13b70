// The ingest as a service: /healthz, /openapi.json, /refstack.js caching, program settings,
// configuration from the environment, start-up (keys, idempotent restarts), logs, and the
// standalone server's clean shutdown.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../ingest/config.js';
import { startIngest } from '../../ingest/main.js';
import { BROWSER_UA, startTestIngest, type TestIngest } from '../helpers/ingest.js';

let t: TestIngest;
let scriptFile: string;
beforeAll(async () => {
  scriptFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'refstack-script-')), 'refstack.js');
  fs.writeFileSync(scriptFile, 'window.refstack=1;');
  t = await startTestIngest({ scriptFile });
});
afterAll(async () => {
  await t.close();
  fs.rmSync(path.dirname(scriptFile), { recursive: true, force: true });
});

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'refstack-meta-'));

describe('GET /healthz and unknown routes', () => {
  it('answers 200 { ok: true }', async () => {
    const res = await t.request('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });

  it('answers 404 in the error shape for an unknown route', async () => {
    const res = await t.request('/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('GET /openapi.json', () => {
  it('lists every core route with its method and auth', async () => {
    const res = await t.request('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const paths = res.body.paths as Record<string, Record<string, { security: unknown[]; requestBody?: unknown }>>;
    const expected: [string, string][] = [
      ['/r/{linkKey}', 'get'],
      ['/refstack.js', 'get'],
      ['/healthz', 'get'],
      ['/openapi.json', 'get'],
      ['/v1/clicks', 'post'],
      ['/v1/signups', 'post'],
      ['/v1/identify', 'post'],
      ['/v1/customers', 'post'],
      ['/v1/customers', 'get'],
      ['/v1/customers/{customerKey}', 'get'],
      ['/v1/partners', 'post'],
      ['/v1/partners', 'get'],
      ['/v1/partners/{key}', 'get'],
      ['/v1/partners/{key}/links', 'post'],
      ['/v1/program', 'get'],
      ['/v1/program', 'patch'],
    ];
    for (const [p, m] of expected) expect(paths[p]?.[m], `${m} ${p}`).toBeDefined();
    expect(paths['/v1/partners'].post.security).toEqual([{ secretKey: [] }]);
    expect(paths['/v1/signups'].post.security).toEqual([{ publishableKey: [] }]);
    expect(JSON.stringify(paths['/v1/signups'].post.requestBody)).toContain('customerKey');
  });
});

describe('GET /refstack.js', () => {
  it('serves the script with a strong ETag, cache headers and * CORS; 304 on If-None-Match', async () => {
    const res = await t.request('/refstack.js');
    expect(res.status).toBe(200);
    expect(res.body).toBe('window.refstack=1;');
    expect(res.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=86400');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const cached = await t.request('/refstack.js', { headers: { 'if-none-match': etag } });
    expect(cached.status).toBe(304);
    expect(cached.body).toBe('');
    expect(cached.headers.get('etag')).toBe(etag);
  });

  it('picks up a rebuilt file', async () => {
    const before = (await t.request('/refstack.js')).headers.get('etag');
    fs.writeFileSync(scriptFile, 'window.refstack=2;');
    fs.utimesSync(scriptFile, new Date(), new Date(Date.now() + 5_000));
    const res = await t.request('/refstack.js', { headers: { 'if-none-match': before! } });
    expect(res.status).toBe(200);
    expect(res.body).toBe('window.refstack=2;');
  });

  it('answers 503 script_not_built when the file is missing', async () => {
    const u = await startTestIngest({ scriptFile: path.join(os.tmpdir(), 'no-such-refstack.js') });
    try {
      const res = await u.request('/refstack.js');
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('script_not_built');
      expect(res.body.error.message).toContain('npm run build');
    } finally {
      await u.close();
    }
  });
});

describe('GET/PATCH /v1/program', () => {
  it('reads and changes the settings; allowed origins take effect at once', async () => {
    const res = await t.api('/v1/program');
    expect(res.status).toBe(200);
    expect(res.body.program).toMatchObject({ key: 'default', cookieWindowDays: 90, attributionModel: 'last_click', allowedOrigins: [], publishableKey: t.keys.publishableKey });
    expect(JSON.stringify(res.body)).not.toContain(t.keys.secretKey);
    const patched = await t.api('/v1/program', { method: 'PATCH', body: { cookieWindowDays: 30, attributionModel: 'first_click', allowedOrigins: ['https://www.acme.test'], defaultDestination: 'https://www.acme.test/' } });
    expect(patched.status).toBe(200);
    expect(patched.body.program).toMatchObject({ cookieWindowDays: 30, attributionModel: 'first_click', allowedOrigins: ['https://www.acme.test'], defaultDestination: 'https://www.acme.test/' });
    const blocked = await t.browser('/v1/identify', { customerKey: 'c' }, { origin: 'https://other.test' });
    expect(blocked.status).toBe(403);
    await t.api('/v1/program', { method: 'PATCH', body: { allowedOrigins: [], attributionModel: 'last_click', cookieWindowDays: 90 } });
  });

  it('answers 422 for invalid settings and unknown fields', async () => {
    for (const [body, field] of [
      [{ cookieWindowDays: 0 }, 'cookieWindowDays'],
      [{ cookieWindowDays: 1e308 }, 'cookieWindowDays'],
      [{ attributionModel: 'linear' }, 'attributionModel'],
      [{ allowedOrigins: ['https://www.acme.test/path'] }, 'allowedOrigins.0'],
      [{ allowedOrigins: 'https://www.acme.test' }, 'allowedOrigins'],
      [{ defaultDestination: 'javascript:1' }, 'defaultDestination'],
      [{ secretKey: 'sk_new' }, 'secretKey'],
    ] as const) {
      const res = await t.api('/v1/program', { method: 'PATCH', body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.field).toBe(field);
    }
  });
});

describe('configuration', () => {
  it('reads defaults and every variable', () => {
    const d = readConfig({});
    expect(d).toMatchObject({ port: 8787, dbFile: './data/refstack.db', rateLimitPerMinute: 600, trustProxy: false, logRequests: true });
    expect(d.secretKey).toBeUndefined();
    expect(d.allowedOrigins).toBeUndefined();
    const c = readConfig({
      PORT: '9000',
      REFSTACK_DB: '/tmp/x.db',
      REFSTACK_SECRET_KEY: 'sk_test_abcdefgh',
      REFSTACK_PUBLISHABLE_KEY: 'pk_test_abcdefgh',
      REFSTACK_ALLOWED_ORIGINS: 'https://www.acme.test, http://localhost:3000',
      REFSTACK_RATE_LIMIT: '0',
      REFSTACK_PUBLIC_URL: 'https://track.acme.test/',
      REFSTACK_TRUST_PROXY: '1',
      REFSTACK_DESTINATION: 'https://www.acme.test/',
      REFSTACK_COOKIE_WINDOW_DAYS: '30',
      REFSTACK_ATTRIBUTION_MODEL: 'first_click',
    });
    expect(c).toMatchObject({
      port: 9000,
      dbFile: '/tmp/x.db',
      secretKey: 'sk_test_abcdefgh',
      publishableKey: 'pk_test_abcdefgh',
      allowedOrigins: ['https://www.acme.test', 'http://localhost:3000'],
      rateLimitPerMinute: 0,
      publicUrl: 'https://track.acme.test',
      trustProxy: true,
      defaultDestination: 'https://www.acme.test/',
      cookieWindowDays: 30,
      attributionModel: 'first_click',
    });
  });

  it('refuses bad values, naming the variable (and never echoing a whole key)', () => {
    expect(() => readConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => readConfig({ REFSTACK_RATE_LIMIT: '-1' })).toThrow(/REFSTACK_RATE_LIMIT/);
    expect(() => readConfig({ REFSTACK_ALLOWED_ORIGINS: 'https://a.test/path' })).toThrow(/REFSTACK_ALLOWED_ORIGINS/);
    expect(() => readConfig({ REFSTACK_ATTRIBUTION_MODEL: 'linear' })).toThrow(/REFSTACK_ATTRIBUTION_MODEL/);
    expect(() => readConfig({ REFSTACK_COOKIE_WINDOW_DAYS: '0' })).toThrow(/REFSTACK_COOKIE_WINDOW_DAYS/);
    expect(() => readConfig({ REFSTACK_SECRET_KEY: 'pk_wrong_kind_of_key' })).toThrow(/REFSTACK_SECRET_KEY/);
    try {
      readConfig({ REFSTACK_SECRET_KEY: 'sk_bad key with spaces' });
    } catch (err) {
      expect((err as Error).message).not.toContain('with spaces');
    }
  });
});

describe('startIngest', () => {
  it('generates keys once (keys.json, 0600), and restarts without duplicating the program or re-running migrations', async () => {
    const dir = tmpDir();
    const dbFile = path.join(dir, 'refstack.db');
    const lines: string[] = [];
    try {
      const first = await startIngest({ port: 0, host: '127.0.0.1', dbFile, log: (l) => lines.push(l), workers: false });
      expect(first.keys.publishableKey).toMatch(/^pk_live_/);
      expect(first.keys.secretKey).toMatch(/^sk_live_/);
      const file = path.join(dir, 'keys.json');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(first.keys);
      expect(lines.filter((l) => l.includes(first.keys.secretKey!))).toHaveLength(1);
      expect(lines.some((l) => l.includes('warning') && l.includes('allowed origins'))).toBe(true);
      const migrations = first.db.all('SELECT version FROM schema_migrations').length;
      await first.close();
      await first.close();

      lines.length = 0;
      const second = await startIngest({ port: 0, host: '127.0.0.1', dbFile, log: (l) => lines.push(l), workers: false, allowedOrigins: ['https://www.acme.test'] });
      expect(second.keys).toEqual(first.keys);
      expect(lines.some((l) => l.includes(first.keys.secretKey!))).toBe(false);
      expect(lines.some((l) => l.includes('warning'))).toBe(false);
      expect(second.db.all('SELECT id FROM program')).toHaveLength(1);
      expect(second.db.all('SELECT version FROM schema_migrations')).toHaveLength(migrations);
      const res = await fetch(`${second.url}/v1/program`, { headers: { authorization: `Bearer ${first.keys.secretKey}` } });
      expect((await res.json()).program.allowedOrigins).toEqual(['https://www.acme.test']);
      await second.close();

      const third = await startIngest({ port: 0, host: '127.0.0.1', dbFile, workers: false, secretKey: 'sk_test_rotated123', publishableKey: 'pk_test_rotated123' });
      expect(third.keys).toEqual({ secretKey: 'sk_test_rotated123', publishableKey: 'pk_test_rotated123' });
      expect((await fetch(`${third.url}/v1/program`, { headers: { authorization: `Bearer ${first.keys.secretKey}` } })).status).toBe(401);
      expect((await fetch(`${third.url}/v1/program`, { headers: { authorization: 'Bearer sk_test_rotated123' } })).status).toBe(200);
      await third.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logs one line per request without keys, auth headers, query strings or client IPs', async () => {
    const lines: string[] = [];
    const u = await startTestIngest({ log: (l) => lines.push(l) });
    try {
      lines.length = 0;
      await u.api('/v1/partners?secret=shh', { body: { email: 'l@partner.test', name: 'L', key: 'logme' } });
      const linkKey = (await u.api('/v1/partners/logme')).body.partner.links[0].linkKey;
      await u.request(`/r/${linkKey}?ps=1`, { headers: { 'user-agent': BROWSER_UA } });
      await u.browser('/v1/signups', { customerKey: 'c', email: 'c@cust.test' });
      expect(lines).toHaveLength(4);
      const all = lines.join('\n');
      for (const secret of [u.keys.secretKey, u.keys.publishableKey, 'Bearer', '127.0.0.1', 'shh', 'c@cust.test']) expect(all).not.toContain(secret);
      expect(lines[0]).toMatch(/^POST \/v1\/partners 201 \d+\.\dms$/);
    } finally {
      await u.close();
    }
  });
});

describe('ingest/server.ts standalone', () => {
  it('starts from the environment, answers /healthz, and exits 0 on SIGTERM', async () => {
    const dir = tmpDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'ingest/server.ts'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', REFSTACK_DB: path.join(dir, 'r.db'), REFSTACK_SECRET_KEY: 'sk_test_standalone1', REFSTACK_PUBLISHABLE_KEY: 'pk_test_standalone1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start: ${out}`)), 20_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      expect(out).not.toContain('sk_test_standalone1');
      const res = await fetch(`${url}/healthz`);
      expect(res.status).toBe(200);
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
