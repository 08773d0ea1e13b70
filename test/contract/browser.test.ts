// SPEC "The browser script" in real Chromium: pages on www/app.acme.test (our own tiny server),
// the ingest on track.acme.test, all mapped to 127.0.0.1.
import { createServer, type Server } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64, freePort, startRefstack, uid, type Instance } from './harness';

let rs: Instance;
let browser: Browser;
let site: Server;
let P = 0;
let TRACK = '';
const www = (p: string) => `http://www.acme.test:${P}${p}`;
const app = (p: string) => `http://app.acme.test:${P}${p}`;

const STUB = `<script>window.refstack=window.refstack||function(){(refstack.q=refstack.q||[]).push(arguments)};</script>`;
function page(path: string): string {
  const tag = (extra = '') => `<script async src="${TRACK}/refstack.js" data-key="${rs.pk}"${extra}></script>`;
  if (path.startsWith('/consent')) return `<!doctype html><title>c</title>${STUB}${tag(' data-consent="required"')}`;
  if (path.startsWith('/spa')) {
    // the router rewrites the address before the async script runs
    return `<!doctype html><title>s</title>${STUB}<script>history.replaceState(null,'','/spa/home')</script>${tag()}`;
  }
  if (path.startsWith('/queued/')) {
    const ck = path.split('/')[2];
    return `<!doctype html><title>q</title>${STUB}<script>window.__order=[];refstack('signup',{customerKey:${JSON.stringify(ck)},email:${JSON.stringify(ck + '@q.test')}});refstack('attribution');</script>${tag()}`;
  }
  if (path.startsWith('/classic/')) {
    // PartnerStack's own loader snippet, pointed at /refstack.js
    const [, , ck, pk] = path.split('/');
    return `<!doctype html><title>g</title><script>
window.__inits = 0;
window.growsumoInit = function () {
  window.__inits++;
  growsumo.data = { name: 'Classic Customer', email: ${JSON.stringify(ck + '@g.test')}, customer_key: ${JSON.stringify(ck)}${pk ? `, partner_key: ${JSON.stringify(pk)}` : ''} };
  growsumo.createSignup(function () { window.__classicDone = true; });
};
(function() {var gs = document.createElement('script');gs.src = '${TRACK}/refstack.js';gs.type = 'text/javascript';gs.async = 'true';gs.onload = gs.onreadystatechange = function() {var rs = this.readyState;if (rs && rs != 'complete' && rs != 'loaded') return;try {growsumo._initialize('${rs.pk}'); if (typeof(growsumoInit) === 'function') {growsumoInit();}} catch (e) {}};var s = document.getElementsByTagName('script')[0];s.parentNode.insertBefore(gs, s);})();
</script>`;
  }
  return `<!doctype html><title>p</title>${STUB}${tag()}`;
}

beforeAll(async () => {
  P = await freePort();
  const origins = `http://www.acme.test:${P},http://app.acme.test:${P}`;
  rs = await startRefstack({ REFSTACK_ALLOWED_ORIGINS: origins });
  TRACK = `http://track.acme.test:${rs.port}`;
  site = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    if (path === '/favicon.ico') { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(path));
  });
  await new Promise<void>((r) => site.listen(P, '127.0.0.1', r));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--host-resolver-rules=MAP *.acme.test 127.0.0.1'],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => site?.close(r));
  await rs?.stop();
});

async function partner() {
  const key = uid('p');
  const r = await rs.api('POST', '/v1/partners', { email: `${key}@p.test`, name: key, key });
  const l = await rs.api('POST', `/v1/partners/${key}/links`, { destination: www('/landing?utm_source=x#top') });
  return { key, linkKey: l.body.link.linkKey as string, p: r.body.partner };
}
/** A context that records every request the page sends to the ingest, the script itself aside. */
async function ctx(): Promise<{ c: BrowserContext; sent: string[] }> {
  const c = await browser.newContext();
  const sent: string[] = [];
  c.on('request', (r) => {
    const u = new URL(r.url());
    if (u.host === `track.acme.test:${rs.port}` && u.pathname !== '/refstack.js' && !u.pathname.startsWith('/r/')) sent.push(`${r.method()} ${u.pathname}`);
  });
  return { c, sent };
}
async function open(c: BrowserContext, url: string): Promise<Page> {
  const pg = await c.newPage();
  await pg.goto(url);
  await pg.waitForFunction(() => typeof (window as any).refstack?.attribution === 'function', null, { timeout: 5_000 });
  return pg;
}
const attribution = (pg: Page) => pg.evaluate(() => (window as any).refstack.attribution());
const signup = (pg: Page, customerKey: string) => pg.evaluate((ck) => (window as any).refstack.signup({ customerKey: ck, email: `${ck}@b.test`, name: 'B' }), customerKey);
const customer = async (ck: string) => (await rs.api('GET', `/v1/customers/${ck}`)).body?.customer;
async function eventually<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 5_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await f();
  while (!ok(v) && Date.now() < end) { await new Promise((r) => setTimeout(r, 100)); v = await f(); }
  return v;
}
const clicks = async (key: string) => (await rs.api('GET', `/v1/partners/${key}`)).body.partner.stats.clicks;

describe('SPEC The browser script', () => {
  it('short link -> www: cookies ps_partner_key and ps_xid "on the registrable root domain", SameSite=Lax, 90 days; known on app; signup resolves { customerKey, partnerKey }', async () => {
    const a = await partner();
    const { c } = await ctx();
    try {
      const pg = await open(c, `${TRACK}/r/${a.linkKey}`);
      const u = new URL(pg.url());
      expect(u.host).toBe(`www.acme.test:${P}`);
      expect(u.hash).toBe('#top');
      const xid = u.searchParams.get('ps_xid');
      expect(await attribution(pg)).toEqual({ partnerKey: a.key, xid });
      const cookies = await c.cookies();
      for (const name of ['ps_partner_key', 'ps_xid']) {
        const ck = cookies.find((k) => k.name === name);
        expect(ck, name).toBeTruthy();
        expect(ck!.domain.replace(/^\./, '')).toBe('acme.test');
        expect(ck!.sameSite).toBe('Lax');
        const days = (ck!.expires - Date.now() / 1000) / 86400;
        expect(days).toBeGreaterThan(89);
        expect(days).toBeLessThan(91);
      }
      expect(cookies.find((k) => k.name === 'ps_partner_key')!.value).toBe(a.key);
      expect(cookies.find((k) => k.name === 'ps_xid')!.value).toBe(xid);
      const pa = await open(c, app('/app'));
      expect(await attribution(pa)).toEqual({ partnerKey: a.key, xid });
      const ck = uid('cus');
      expect(await signup(pa, ck)).toEqual({ customerKey: ck, partnerKey: a.key });
      expect(await customer(ck)).toMatchObject({ key: ck, partnerKey: a.key, xid });
      expect(await clicks(a.key)).toBe(1);
    } finally { await c.close(); }
  });

  it('"A page view with no partner parameters and no pending work sends no request at all"; attribution() -> null; signup -> partnerKey: null', async () => {
    const { c, sent } = await ctx();
    try {
      const pg = await open(c, www('/pricing'));
      await pg.waitForTimeout(400);
      expect(sent).toEqual([]);
      expect(await attribution(pg)).toBeNull();
      expect((await c.cookies()).filter((k) => k.name.startsWith('ps_'))).toEqual([]);
      const ck = uid('cus');
      expect(await signup(pg, ck)).toEqual({ customerKey: ck, partnerKey: null });
      expect((await customer(ck)).partnerKey).toBeNull();
    } finally { await c.close(); }
  });

  it('"Calls made before it loads are queued by an optional one-line stub and replayed"', async () => {
    const a = await partner();
    const { c } = await ctx();
    try {
      const ck = uid('cus');
      await open(c, www(`/queued/${ck}?ps_partner_key=${a.key}`));
      const cu = await eventually(() => customer(ck), (v) => !!v);
      expect(cu).toMatchObject({ key: ck, partnerKey: a.key });
    } finally { await c.close(); }
  });

  it('direct link "Without a ps_xid it first records the click (POST /v1/clicks) to get one"; base64 ps_partner_key resolved by the ingest', async () => {
    const a = await partner();
    const { c, sent } = await ctx();
    try {
      const pg = await open(c, www(`/landing?ps_partner_key=${encodeURIComponent(b64(a.key))}`));
      const at = await attribution(pg);
      expect(at?.partnerKey).toBe(a.key);
      expect(typeof at?.xid).toBe('string');
      expect(sent).toContain('POST /v1/clicks');
      expect(await clicks(a.key)).toBe(1);
      const ck = uid('cus');
      expect(await signup(pg, ck)).toEqual({ customerKey: ck, partnerKey: a.key });
    } finally { await c.close(); }
  });

  it('"the legacy gspk (base64 key) and gsxid are read as aliases"', async () => {
    const a = await partner();
    const r = await fetch(`${rs.base}/r/${a.linkKey}`, { redirect: 'manual', headers: { 'User-Agent': 'Mozilla/5.0 Chrome/130' } });
    const xid = new URL(r.headers.get('location')!).searchParams.get('ps_xid')!;
    const { c } = await ctx();
    try {
      const pg = await open(c, www(`/landing?gspk=${encodeURIComponent(b64(a.key))}&gsxid=${xid}`));
      expect(await attribution(pg)).toEqual({ partnerKey: a.key, xid });
      const ck = uid('cus');
      expect(await signup(pg, ck)).toEqual({ customerKey: ck, partnerKey: a.key });
      expect((await customer(ck)).xid).toBe(xid);
      expect(await clicks(a.key)).toBe(1);
    } finally { await c.close(); }
  });

  it('identify "attributes an existing referral to that customer if not yet done; never re-attributes a customer"', async () => {
    const a = await partner();
    const b = await partner();
    const plain = uid('cus');
    const owned = uid('cus');
    await rs.api('POST', '/v1/customers', { customerKey: plain, email: `${plain}@i.test` });
    await rs.api('POST', '/v1/customers', { customerKey: owned, email: `${owned}@i.test`, partnerKey: a.key });
    const { c } = await ctx();
    try {
      const pg = await open(c, app(`/login?ps_partner_key=${b.key}`));
      expect((await attribution(pg))?.partnerKey).toBe(b.key);
      await pg.evaluate((ck) => (window as any).refstack.identify({ customerKey: ck }), plain);
      await pg.evaluate((ck) => (window as any).refstack.identify({ customerKey: ck }), owned);
      expect((await eventually(() => customer(plain), (v) => v?.partnerKey === b.key)).partnerKey).toBe(b.key);
      expect((await customer(owned)).partnerKey).toBe(a.key);
    } finally { await c.close(); }
  });

  it('consent: "with data-consent=required nothing is written to cookies or storage, and nothing is sent, until consent(true)"', async () => {
    const a = await partner();
    const { c, sent } = await ctx();
    try {
      const pg = await open(c, www(`/consent?ps_partner_key=${a.key}`));
      await pg.waitForTimeout(400);
      expect(sent).toEqual([]);
      expect(await c.cookies()).toEqual([]);
      expect(await pg.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
      await pg.evaluate(() => (window as any).refstack.consent(true));
      await eventually(async () => sent.length, (n) => n > 0);
      expect(sent).toContain('POST /v1/clicks');
      const names = await eventually(async () => (await c.cookies()).map((k) => k.name), (n) => n.includes('ps_xid'));
      expect(names).toEqual(expect.arrayContaining(['ps_partner_key', 'ps_xid']));
      expect((await attribution(pg))?.partnerKey).toBe(a.key);
    } finally { await c.close(); }
  });

  it('PartnerStackJS compatibility: growsumo._initialize(pk), window.growsumoInit (called once), growsumo.data { ..., partner_key? } then growsumo.createSignup(callback)', async () => {
    const a = await partner();
    const b = await partner();
    // referred through the URL, then (a new visitor) through growsumo.data.partner_key alone
    for (const [path, partnerKey] of [[`?ps_partner_key=${a.key}`, a.key], [`/${b.key}`, b.key]]) {
      const { c } = await ctx();
      try {
        const ck = uid('cus');
        const pg = await c.newPage();
        await pg.goto(www(`/classic/${ck}${path}`));
        await pg.waitForFunction(() => (window as any).__classicDone === true, null, { timeout: 5_000 });
        expect(await customer(ck)).toMatchObject({ key: ck, email: `${ck}@g.test`, name: 'Classic Customer', partnerKey });
        await pg.waitForTimeout(200);
        expect(await pg.evaluate(() => (window as any).__inits)).toBe(1);
      } finally { await c.close(); }
    }
  });

  it('consent: a signup asked for before consent(true) is not sent until consent(true)', async () => {
    const { c, sent } = await ctx();
    try {
      const pg = await open(c, www('/consent'));
      const ck = uid('cus');
      await pg.evaluate((k) => { (window as any).__res = 'waiting'; (window as any).refstack.signup({ customerKey: k, email: `${k}@c.test` }).then((v: unknown) => { (window as any).__res = v; }, (e: unknown) => { (window as any).__res = 'rejected: ' + String(e); }); }, ck);
      await pg.waitForTimeout(400);
      expect(sent).toEqual([]);
      expect(await c.cookies()).toEqual([]);
      expect(await pg.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
      await pg.evaluate(() => (window as any).refstack.consent(true));
      expect(await eventually(() => customer(ck), (v) => !!v)).toMatchObject({ key: ck, partnerKey: null });
      expect(await eventually(() => pg.evaluate(() => (window as any).__res), (v) => v !== 'waiting')).toEqual({ customerKey: ck, partnerKey: null });
    } finally { await c.close(); }
  });

  // SPEC: signup "resolves with { customerKey, partnerKey } (partnerKey: null when not referred)". With
  // data-consent="required", a signup asked for before consent(true) is held; its promise settles with the
  // ingest's answer once consent is given, not with a guess made before anything could be sent.
  it('consent: a referred visitor\'s signup made before consent(true) is attributed once consented, and resolves with that partnerKey', async () => {
    const a = await partner();
    const { c, sent } = await ctx();
    try {
      const pg = await open(c, www(`/consent?ps_partner_key=${a.key}`));
      const ck = uid('cus');
      await pg.evaluate((k) => { (window as any).__res = 'waiting'; (window as any).refstack.signup({ customerKey: k, email: `${k}@c.test` }).then((v: unknown) => { (window as any).__res = v; }, (e: unknown) => { (window as any).__res = 'rejected: ' + String(e); }); }, ck);
      await pg.waitForTimeout(300);
      expect(sent).toEqual([]);
      await pg.evaluate(() => (window as any).refstack.consent(true));
      expect(await eventually(() => customer(ck), (v) => !!v)).toMatchObject({ key: ck, partnerKey: a.key });
      expect(await eventually(() => pg.evaluate(() => (window as any).__res), (v) => v !== 'waiting')).toEqual({ customerKey: ck, partnerKey: a.key });
    } finally { await c.close(); }
  });

  it('signup "Idempotent per customerKey": an existing customer of another partner resolves with the customer\'s partnerKey (never re-attributed)', async () => {
    const a = await partner();
    const b = await partner();
    const ck = uid('cus');
    await rs.api('POST', '/v1/customers', { customerKey: ck, email: `${ck}@x.test`, partnerKey: a.key });
    const { c } = await ctx();
    try {
      const pg = await open(c, www(`/landing?ps_partner_key=${b.key}`));
      expect((await attribution(pg))?.partnerKey).toBe(b.key);
      expect(await signup(pg, ck)).toEqual({ customerKey: ck, partnerKey: a.key });
      expect((await customer(ck)).partnerKey).toBe(a.key);
    } finally { await c.close(); }
  });

  it('"reads the parameters from the URL the browser originally navigated to" (router rewrote it) and later pushState navigations', async () => {
    const a = await partner();
    const b = await partner();
    const { c } = await ctx();
    try {
      const pg = await open(c, www(`/spa/landing?ps_partner_key=${a.key}`));
      expect(new URL(pg.url()).pathname).toBe('/spa/home');
      expect((await attribution(pg))?.partnerKey).toBe(a.key);
      await pg.evaluate((k) => history.pushState(null, '', `/spa/next?ps_partner_key=${k}`), b.key);
      const at = await eventually(() => attribution(pg), (v: any) => v?.partnerKey === b.key);
      expect(at?.partnerKey).toBe(b.key);
      await pg.evaluate(() => history.replaceState(null, '', '/spa/clean'));
      expect((await attribution(pg))?.partnerKey).toBe(b.key);
      const d = await partner();
      await pg.evaluate((k) => history.replaceState(null, '', `/spa/other?ps_partner_key=${k}`), d.key);
      expect((await eventually(() => attribution(pg), (v: any) => v?.partnerKey === d.key))?.partnerKey).toBe(d.key);
    } finally { await c.close(); }
  });

  it('server-set HttpOnly cookie on the root domain: "Attribution survives whichever of the two cookies a browser kept"', async () => {
    const a = await partner();
    const { c } = await ctx();
    try {
      const pg = await open(c, `${TRACK}/r/${a.linkKey}`);
      const xid = new URL(pg.url()).searchParams.get('ps_xid');
      const http = (await c.cookies()).filter((k) => k.httpOnly);
      expect(http.length).toBeGreaterThan(0);
      expect(http[0].domain.replace(/^\./, '')).toBe('acme.test');
      // the browser dropped the script-written cookies (Safari's 7-day cap)
      await c.clearCookies({ name: 'ps_partner_key' });
      await c.clearCookies({ name: 'ps_xid' });
      await pg.close();
      const pa = await open(c, app('/app'));
      const ck = uid('cus');
      expect(await signup(pa, ck)).toEqual({ customerKey: ck, partnerKey: a.key });
      expect((await customer(ck)).xid).toBe(xid);
    } finally { await c.close(); }
  });

  it('"/r/{linkKey} and /v1/clicks also set the attribution as a server-set, HttpOnly cookie"; attribution survives when only the script cookies are kept', async () => {
    const a = await partner();
    const { c } = await ctx();
    try {
      const pg = await open(c, www(`/landing?ps_partner_key=${a.key}`));
      const at = await attribution(pg);
      expect(at?.partnerKey).toBe(a.key);
      const http = await eventually(async () => (await c.cookies()).filter((k) => k.httpOnly), (v) => v.length > 0);
      expect(http.length).toBeGreaterThan(0);
      expect(http[0].domain.replace(/^\./, '')).toBe('acme.test');
      for (const k of http) await c.clearCookies({ name: k.name });
      const pa = await open(c, app('/app'));
      const ck = uid('cus');
      expect(await signup(pa, ck)).toEqual({ customerKey: ck, partnerKey: a.key });
      expect((await customer(ck)).xid).toBe(at.xid);
    } finally { await c.close(); }
  });

  it('"a failed send is kept and retried with backoff" on the same page', async () => {
    const { c } = await ctx();
    try {
      let failures = 1;
      await c.route('**/v1/signups', (route) => (failures-- > 0 ? route.abort('connectionreset') : route.continue()));
      const pg = await open(c, app('/app'));
      const ck = uid('cus');
      await pg.evaluate((k) => { (window as any).refstack.signup({ customerKey: k, email: `${k}@f.test` }).catch(() => {}); }, ck);
      expect(await eventually(() => customer(ck), (v) => !!v, 10_000)).toMatchObject({ key: ck });
    } finally { await c.close(); }
  });

  it('"page unload uses sendBeacon/keepalive": a signup made just before leaving the page arrives', { timeout: 15_000 }, async () => {
    const { c } = await ctx();
    try {
      const pg = await open(c, app('/app'));
      const ck = uid('cus');
      await pg.evaluate((k) => { (window as any).refstack.signup({ customerKey: k, email: `${k}@u.test` }); setTimeout(() => { location.href = 'about:blank'; }, 0); }, ck);
      await pg.waitForURL('about:blank', { timeout: 5_000 });
      expect(await eventually(() => customer(ck), (v) => !!v, 5_000)).toMatchObject({ key: ck });
    } finally { await c.close(); }
  });

  it('"Idempotent per customerKey": signing up twice from the page gives the same answer', async () => {
    const a = await partner();
    const { c } = await ctx();
    try {
      const pg = await open(c, www(`/landing?ps_partner_key=${a.key}`));
      const ck = uid('cus');
      const one = await signup(pg, ck);
      const two = await signup(pg, ck);
      expect(one).toEqual({ customerKey: ck, partnerKey: a.key });
      expect(two).toEqual(one);
    } finally { await c.close(); }
  });

  it('cookies are "Secure on https"', async () => {
    const a = await partner();
    const c = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const pk = rs.pk;
      // https pages and an https ingest, served through the browser's request interception; the API calls are
      // forwarded to the real ingest.
      await c.route('https://www.acme.test/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: `<!doctype html>${STUB}<script async src="https://track.acme.test/refstack.js" data-key="${pk}"></script>` }));
      await c.route('https://track.acme.test/**', async (route) => {
        const u = new URL(route.request().url());
        const headers = { ...route.request().headers(), origin: `http://www.acme.test:${P}` };
        const res = await route.fetch({ url: rs.base + u.pathname + u.search, headers });
        const h = { ...res.headers(), 'access-control-allow-origin': 'https://www.acme.test' };
        await route.fulfill({ response: res, headers: h });
      });
      const pg = await c.newPage();
      await pg.goto(`https://www.acme.test/landing?ps_partner_key=${a.key}`);
      await pg.waitForFunction(() => typeof (window as any).refstack?.attribution === 'function', null, { timeout: 5_000 });
      expect((await attribution(pg))?.partnerKey).toBe(a.key);
      const cookies = (await c.cookies()).filter((k) => k.name === 'ps_partner_key' || k.name === 'ps_xid');
      expect(cookies.map((k) => k.name).sort()).toEqual(['ps_partner_key', 'ps_xid']);
      for (const k of cookies) expect(k.secure, k.name).toBe(true);
    } finally { await c.close(); }
  });

  it('"No event is lost to a flaky network: a failed send is kept and retried ..., also on the next page load"', async () => {
    const { c, sent } = await ctx();
    try {
      // every send from the first page fails (that page stays open, so no unload delivery gets in the way);
      // the next page load, in another tab, must deliver what the first one kept.
      let first: Page | undefined;
      await c.route('**/v1/signups', (route) => {
        let from: Page | undefined;
        try { from = route.request().frame().page(); } catch { from = undefined; }
        return from === first ? route.abort('connectionreset') : route.continue();
      });
      first = await open(c, app('/app'));
      const ck = uid('cus');
      await first.evaluate((k) => { (window as any).refstack.signup({ customerKey: k, email: `${k}@f.test` }).catch(() => {}); }, ck);
      await eventually(async () => sent.length, (n) => n > 0);
      await first.waitForTimeout(200);
      expect(await customer(ck)).toBeUndefined();
      await open(c, app('/app/next'));
      expect(await eventually(() => customer(ck), (v) => !!v, 8_000)).toMatchObject({ key: ck });
    } finally { await c.close(); }
  });

  it('"last_click (default: a newer link wins)", then "first_click (the first link wins until the window ends)" and the program\'s cookie window', async () => {
    const a = await partner();
    const b = await partner();
    const { c } = await ctx();
    try {
      await open(c, www(`/landing?ps_partner_key=${a.key}`)).then((p) => attribution(p));
      const pb = await open(c, www(`/landing?ps_partner_key=${b.key}`));
      expect((await attribution(pb))?.partnerKey).toBe(b.key);
    } finally { await c.close(); }
    const patch = await rs.api('PATCH', '/v1/program', { attributionModel: 'first_click', cookieWindowDays: 30 });
    expect(patch.status).toBe(200);
    const second = await ctx();
    try {
      const p1 = await open(second.c, www(`/landing?ps_partner_key=${a.key}`));
      expect((await attribution(p1))?.partnerKey).toBe(a.key);
      const ckie = (await second.c.cookies()).find((k) => k.name === 'ps_partner_key')!;
      const days = (ckie.expires - Date.now() / 1000) / 86400;
      expect(days).toBeGreaterThan(29);
      expect(days).toBeLessThan(31);
      const p2 = await open(second.c, www(`/landing?ps_partner_key=${b.key}`));
      expect((await attribution(p2))?.partnerKey).toBe(a.key);
      const ck = uid('cus');
      expect(await signup(p2, ck)).toEqual({ customerKey: ck, partnerKey: a.key });
    } finally { await second.c.close(); }
    // first_click through short links on the vendor's own track host (script cookies + the server-set cookie)
    const third = await ctx();
    try {
      const p1 = await open(third.c, `${TRACK}/r/${a.linkKey}`);
      const xidA = new URL(p1.url()).searchParams.get('ps_xid');
      await attribution(p1);
      const p2 = await open(third.c, `${TRACK}/r/${b.linkKey}`);
      expect(await attribution(p2)).toEqual({ partnerKey: a.key, xid: xidA });
      const pa = await open(third.c, app('/app'));
      const ck = uid('cus');
      expect(await signup(pa, ck)).toEqual({ customerKey: ck, partnerKey: a.key });
      expect((await customer(ck)).xid).toBe(xidA);
      // the browser kept only the server-set cookie: the first link still wins
      await third.c.clearCookies({ name: 'ps_partner_key' });
      await third.c.clearCookies({ name: 'ps_xid' });
      const pa2 = await open(third.c, app('/app'));
      const ck2 = uid('cus');
      expect(await signup(pa2, ck2)).toEqual({ customerKey: ck2, partnerKey: a.key });
    } finally {
      await third.c.close();
      await rs.api('PATCH', '/v1/program', { attributionModel: 'last_click', cookieWindowDays: 90 });
    }
  });
});
