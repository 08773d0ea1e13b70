// Real Chromium against the built script, the real ingest and the demo on real subdomains:
// how a partner's visitor becomes that partner's customer (short link, direct link, the
// PartnerStackJS page, an SPA router, two partners under each attribution model, consent).
import { describe, expect, it } from 'vitest';
import { attributionCookies, cookieMap, customerKeyFor, expectOneSignupReward, ingestCalls, scriptLoaded, submitSignup, unique, useStack, type Stack } from './harness.js';

let s: Stack;
const { newContext } = useStack((stack) => (s = stack));

/** A new partner, and a visitor's page in a fresh context, with the page's requests to the ingest. */
async function visitor(prefix: string) {
  const partner = await s.partner(prefix);
  const ctx = await newContext();
  const page = await ctx.newPage();
  return { partner, ctx, page, calls: ingestCalls(page, s.track) };
}

describe.sequential('attribution in a real browser', () => {
  it('short link -> www -> app -> signup: the customer is the partner\'s, one click, one signup reward, cookies on .acme.test', async () => {
    const { partner, ctx, page } = await visitor('short');

    const landing = await page.goto(partner.link);
    expect(landing?.status()).toBe(200);
    const landed = new URL(page.url());
    expect(landed.origin).toBe(s.www);
    expect(landed.pathname).toBe('/');
    expect(landed.searchParams.get('ps_partner_key')).toBe(partner.key);
    const xid = landed.searchParams.get('ps_xid');
    expect(xid).toMatch(/^rx_[A-Za-z0-9]{24}$/);

    const cookies = await attributionCookies(ctx, partner.key);
    expect(cookies.ps_partner_key).toMatchObject({ domain: '.acme.test', path: '/', sameSite: 'Lax', httpOnly: false, secure: false });
    expect(cookies.ps_xid).toMatchObject({ value: xid, domain: '.acme.test', httpOnly: false });
    expect(cookies.refstack_xid).toMatchObject({ value: xid, domain: '.acme.test', httpOnly: true, sameSite: 'Lax' });
    // About 90 days (the program's cookie window), not a session cookie.
    expect(cookies.ps_partner_key.expires * 1000 - Date.now()).toBeGreaterThan(89 * 86_400_000);

    // The marketing page's CTA goes to the app host, where the root-domain cookie is readable.
    await page.click('a#cta-signup');
    await page.waitForURL(`${s.app}/signup`);
    await scriptLoaded(page);
    expect(await page.evaluate(() => (window as any).refstack.attribution())).toEqual({ partnerKey: partner.key, xid });

    const email = `${unique('visitor')}@customers.test`;
    await submitSignup(page, 'Vera Visitor', email);
    await page.waitForSelector(`#status[data-state=done][data-partner-key="${partner.key}"]`);
    // The demo then opens /app, which asks the ingest (server side) who referred this customer.
    await page.waitForSelector(`#attribution[data-state=referred][data-partner-key="${partner.key}"]`);

    const customerKey = customerKeyFor(email);
    expect(await page.textContent('code#customer-key')).toBe(customerKey);
    expect(await s.customer(customerKey)).toMatchObject({ key: customerKey, email, name: 'Vera Visitor', partnerKey: partner.key, xid });
    await expectOneSignupReward(s, partner.key);
  });

  it('direct link without xid records exactly one click (201) and sets the cookies; a plain visit sends nothing but the script load', async () => {
    const { partner, ctx, page, calls } = await visitor('direct');

    await page.goto(`${s.www}/?ps_partner_key=${partner.key}`);
    const cookies = await attributionCookies(ctx, partner.key);
    const xid = cookies.ps_xid?.value;
    expect(xid).toMatch(/^rx_[A-Za-z0-9]{24}$/);
    expect(cookies.refstack_xid).toMatchObject({ value: xid, domain: '.acme.test', httpOnly: true });
    expect(calls.map((r) => `${r.method()} ${new URL(r.url()).pathname}`)).toEqual(['POST /v1/clicks']);
    const answer = await calls[0].response();
    expect(answer?.status()).toBe(201);
    expect(await answer?.json()).toMatchObject({ xid, partnerKey: partner.key });
    // Exact-origin CORS with credentials: how the HttpOnly cookie above could be set at all.
    expect(answer?.headers()).toMatchObject({ 'access-control-allow-origin': s.www, 'access-control-allow-credentials': 'true' });
    expect(await s.stats(partner.key)).toMatchObject({ clicks: 1 });

    // Someone arriving with no partner parameters: the script loads and sends nothing.
    const plain = await (await newContext()).newPage();
    const plainCalls = ingestCalls(plain, s.track);
    const scripts: string[] = [];
    plain.on('request', (r) => r.url().endsWith('/refstack.js') && scripts.push(r.url()));
    await plain.goto(`${s.www}/`);
    await scriptLoaded(plain);
    await plain.click('a#cta-pricing');
    await plain.waitForURL(`${s.www}/pricing`);
    await scriptLoaded(plain);
    await plain.waitForTimeout(500);
    expect(scripts[0]).toBe(`${s.track}/refstack.js`);
    expect(plainCalls.map((r) => r.url())).toEqual([]);
    expect((await plain.context().cookies()).filter((c) => c.name.startsWith('ps_') || c.name.startsWith('refstack'))).toEqual([]);
  });

  it('a reload of a direct link does not record a second click: the ingest confirms the visitor\'s click (200, same xid)', async () => {
    const { partner, ctx, page, calls } = await visitor('reload');
    await page.goto(`${s.www}/?ps_partner_key=${partner.key}`);
    const xid = (await attributionCookies(ctx, partner.key)).ps_xid.value;
    await expect.poll(() => s.stats(partner.key)).toMatchObject({ clicks: 1 });

    calls.length = 0;
    await page.reload();
    await scriptLoaded(page);
    await expect.poll(() => calls.length).toBe(1);
    const answer = await calls[0].response();
    expect(JSON.parse(calls[0].postData() ?? '{}')).toMatchObject({ partnerKey: partner.key });
    expect(answer?.status()).toBe(200);
    expect(await answer?.json()).toMatchObject({ xid, partnerKey: partner.key });
    expect(await s.stats(partner.key)).toMatchObject({ clicks: 1 });
    const cookies = await cookieMap(ctx);
    expect([cookies.ps_partner_key.value, cookies.ps_xid.value, cookies.refstack_xid.value]).toEqual([partner.key, xid, xid]);

    // Another partner's direct link in the same browser is a new click (last_click: it takes over).
    const other = await s.partner('reload-other');
    calls.length = 0;
    await page.goto(`${s.www}/?ps_partner_key=${other.key}`);
    const after = await attributionCookies(ctx, other.key);
    expect(after.ps_xid.value).not.toBe(xid);
    expect((await calls[0].response())?.status()).toBe(201);
    expect(await s.stats(other.key)).toMatchObject({ clicks: 1 });
    expect(await s.stats(partner.key)).toMatchObject({ clicks: 1 });
  });

  it('a reload of a direct link with the ingest on another site (no refstack_xid cookie reaches it): the script sends the stored xid, the ingest confirms it (200), one click', async () => {
    // The page on spa.acme.test talks to the ingest as http://127.0.0.1:<port>: another site, so the
    // ingest sets no refstack_xid cookie and could not recognise the reload without the script.
    const api = `http://127.0.0.1:${s.switch.port}`;
    s.pages.set('/cross-site', s.tagged('', `data-api="${api}"`));
    const partner = await s.partner('cross');
    const ctx = await newContext();
    const page = await ctx.newPage();
    const calls = ingestCalls(page, api);
    const sent = () => calls.map((r) => JSON.parse(r.postData() ?? '{}'));

    await page.goto(`${s.spa}/cross-site?ps_partner_key=${partner.key}`);
    const xid = (await attributionCookies(ctx, partner.key)).ps_xid.value;
    expect(calls).toHaveLength(1);
    expect(sent()[0].xid).toBeUndefined();
    expect((await calls[0].response())?.status()).toBe(201);
    expect((await cookieMap(ctx)).refstack_xid).toBeUndefined();

    for (let i = 0; i < 2; i++) {
      calls.length = 0;
      await page.reload();
      await scriptLoaded(page);
      await expect.poll(() => calls.length).toBe(1);
      expect(sent()).toEqual([expect.objectContaining({ partnerKey: partner.key, xid })]);
      const answer = await calls[0].response();
      expect(answer?.status()).toBe(200);
      expect(await answer?.json()).toMatchObject({ xid, partnerKey: partner.key });
    }
    expect(await s.stats(partner.key)).toMatchObject({ clicks: 1 });

    // A PartnerStack-style link carries the key base64-encoded; the cookie holds the canonical key,
    // and the script remembers the value the link carried, so its reload is known too.
    const b64 = await s.partner('cross-b64');
    const link = `${s.spa}/cross-site?ps_partner_key=${encodeURIComponent(Buffer.from(b64.key).toString('base64'))}`;
    calls.length = 0;
    await page.goto(link);
    const b64xid = (await attributionCookies(ctx, b64.key)).ps_xid.value;
    expect((await calls[0].response())?.status()).toBe(201);
    calls.length = 0;
    await page.reload();
    await scriptLoaded(page);
    await expect.poll(() => calls.length).toBe(1);
    expect(sent()[0].xid).toBe(b64xid);
    expect((await calls[0].response())?.status()).toBe(200);
    expect(await s.stats(b64.key)).toMatchObject({ clicks: 1 });
    expect(await s.stats(partner.key)).toMatchObject({ clicks: 1 });
  });

  it('the PartnerStackJS-style page (growsumo.data + createSignup) attributes the same way', async () => {
    const { partner, ctx, page } = await visitor('classic');
    await page.goto(partner.link);
    const xid = new URL(page.url()).searchParams.get('ps_xid');
    await attributionCookies(ctx, partner.key);

    await page.goto(`${s.app}/signup-classic?stay=1`);
    await scriptLoaded(page);
    const email = `${unique('classic')}@customers.test`;
    await submitSignup(page, 'Clara Classic', email);
    await page.waitForSelector('#status[data-state=done]');

    const customerKey = customerKeyFor(email);
    await expect.poll(() => s.customerStatus(customerKey)).toBe(200);
    expect(await s.customer(customerKey)).toMatchObject({ key: customerKey, email, name: 'Clara Classic', partnerKey: partner.key, xid });
    await expectOneSignupReward(s, partner.key);
  });

  it('consent required: no cookie, no storage and no request before consent(true); then the click is recorded once', async () => {
    const { partner, ctx, page, calls } = await visitor('consent');

    await page.goto(`${s.www}/consent?ps_partner_key=${partner.key}`);
    await scriptLoaded(page);
    expect(await page.evaluate(() => (window as any).refstack.attribution())).toBeNull();
    await page.waitForTimeout(500);
    expect(calls.map((r) => r.url())).toEqual([]);
    expect(await ctx.cookies()).toEqual([]);
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);
    expect(await s.stats(partner.key)).toMatchObject({ clicks: 0 });

    await page.click('button#accept-cookies');
    await page.waitForSelector('#consent-status[data-state=granted]');
    const cookies = await attributionCookies(ctx, partner.key);
    expect(cookies.ps_xid.value).toMatch(/^rx_/);
    expect(cookies.refstack_xid).toMatchObject({ value: cookies.ps_xid.value, httpOnly: true, domain: '.acme.test' });
    // Consent itself is not remembered by the script (the page's consent manager calls it on each view);
    // refstack_link is the partner value the link carried (a reload of it is this click).
    expect(Object.keys(cookies).sort()).toEqual(['ps_partner_key', 'ps_xid', 'refstack_link', 'refstack_xid']);
    expect(cookies.refstack_link).toMatchObject({ value: partner.key, domain: '.acme.test', httpOnly: false });
    expect(calls.map((r) => `${r.method()} ${new URL(r.url()).pathname}`)).toEqual(['POST /v1/clicks']);
    expect(await s.stats(partner.key)).toMatchObject({ clicks: 1 });
  });

  it('consent declined: nothing is stored or sent, even after a later page view', async () => {
    const { partner, ctx, page, calls } = await visitor('declined');

    await page.goto(`${s.www}/?consent=required&ps_partner_key=${partner.key}`);
    await scriptLoaded(page);
    await page.click('button#decline-cookies');
    await page.waitForSelector('#consent-status[data-state=declined]');
    await page.goto(`${s.www}/?consent=required&ps_partner_key=${partner.key}`);
    await scriptLoaded(page);
    await page.waitForTimeout(500);
    expect(calls.map((r) => r.url())).toEqual([]);
    expect(await ctx.cookies()).toEqual([]);
    expect(await s.stats(partner.key)).toMatchObject({ clicks: 0 });
  });

  it('an SPA router that rewrites the address before the async script runs still captures the partner', async () => {
    const { partner, ctx, page } = await visitor('spa-rewrite');
    s.pages.set('/spa-rewrite', s.tagged(`<script>history.replaceState(null, '', '/app');</script>`));

    await page.goto(`${s.spa}/spa-rewrite?ps_partner_key=${partner.key}`);
    expect(page.url()).toBe(`${s.spa}/app`);
    await scriptLoaded(page);
    expect(page.url()).toBe(`${s.spa}/app`);
    const cookies = await attributionCookies(ctx, partner.key);
    expect(cookies.ps_xid.value).toMatch(/^rx_/);
    expect(cookies.ps_partner_key.domain).toBe('.acme.test');
    expect(await s.stats(partner.key)).toMatchObject({ clicks: 1 });
  });

  it('an SPA navigation (pushState) to a URL with partner parameters after load is captured once', async () => {
    const { partner, ctx, page, calls } = await visitor('spa-push');
    s.pages.set('/spa', s.tagged());

    await page.goto(`${s.spa}/spa`);
    await scriptLoaded(page);
    await page.waitForTimeout(300);
    expect(calls).toHaveLength(0);

    await page.evaluate((key) => history.pushState(null, '', `/spa/welcome?ps_partner_key=${key}`), partner.key);
    const cookies = await attributionCookies(ctx, partner.key);
    expect(cookies.ps_xid.value).toMatch(/^rx_/);
    // Router moves on (the same link again, then away): no second click.
    await page.evaluate((key) => {
      history.replaceState(null, '', `/spa/welcome?ps_partner_key=${key}`);
      history.pushState(null, '', '/spa/dashboard');
    }, partner.key);
    await page.waitForTimeout(300);
    expect(calls.map((r) => `${r.method()} ${new URL(r.url()).pathname}`)).toEqual(['POST /v1/clicks']);
    expect(await s.stats(partner.key)).toMatchObject({ clicks: 1 });
  });

  it('last_click: the newer partner link wins; first_click: the first one keeps the customer', async () => {
    for (const model of ['last_click', 'first_click'] as const) {
      const set = await s.ingest.api('/v1/program', { method: 'PATCH', body: { attributionModel: model } });
      expect(set.status).toBe(200);
      expect(set.body.program.attributionModel).toBe(model);
      try {
        const first = await s.partner(`first-${model}`);
        const second = await s.partner(`second-${model}`);
        const ctx = await newContext();
        const page = await ctx.newPage();

        await page.goto(first.link);
        const one = await attributionCookies(ctx, first.key);
        await page.goto(second.link);
        await scriptLoaded(page);
        const secondXid = new URL(page.url()).searchParams.get('ps_xid');
        const winner = model === 'last_click' ? second : first;
        const expectedXid = model === 'last_click' ? secondXid : one.ps_xid.value;
        await expect.poll(async () => (await cookieMap(ctx)).ps_partner_key?.value).toBe(winner.key);
        // Give the second click's answer time to land before judging what it left behind.
        await page.waitForTimeout(300);
        const cookies = await cookieMap(ctx);
        expect(cookies.ps_partner_key.value).toBe(winner.key);
        expect(cookies.ps_xid.value).toBe(expectedXid);
        expect(cookies.refstack_xid.value).toBe(expectedXid);

        const customerKey = unique(`cust-${model}`);
        const result = await page.evaluate((k) => (window as any).refstack.signup({ customerKey: k, email: `${k}@customers.test` }), customerKey);
        expect(result).toEqual({ customerKey, partnerKey: winner.key });
        expect(await s.customer(customerKey)).toMatchObject({ partnerKey: winner.key, xid: expectedXid });
        expect(await s.stats(first.key)).toMatchObject({ clicks: 1, customers: model === 'first_click' ? 1 : 0 });
        expect(await s.stats(second.key)).toMatchObject({ clicks: 1, customers: model === 'last_click' ? 1 : 0 });
      } finally {
        await s.ingest.api('/v1/program', { method: 'PATCH', body: { attributionModel: 'last_click' } });
      }
    }
  });
});
