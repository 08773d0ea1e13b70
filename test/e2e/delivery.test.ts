// Real Chromium: what reaches the ingest and how — a signup made while the ingest is down
// arrives on the next page load, exactly once; a signup made right before the page goes away
// still arrives; the bundle the ingest serves has an ETag, loads cleanly and replays the stub.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { attributionCookies, SCRIPT_FILE, countRequests, customerKeyFor, expectOneSignupReward, ingestCalls, scriptLoaded, submitSignup, unique, useStack, type Stack } from './harness.js';

let s: Stack;
const { newPage } = useStack((stack) => (s = stack));

/** What the script keeps for later in this origin's localStorage. */
const outbox = (page: Page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem('refstack_outbox') || '[]') as Array<{ p: string; b: Record<string, unknown> }>);

/** The ingest's request log from line `from` on. */
const since = (from: number) => s.requests.slice(from);

describe.sequential('delivery in a real browser', () => {
  it('the ingest is down during signup: the signup is kept, and arrives once on the next page load after it is back', async () => {
    const partner = await s.partner('outage');
    const page = await newPage();
    await page.goto(`${s.www}/?ps_partner_key=${partner.key}`);
    const { ps_xid } = await attributionCookies(page.context(), partner.key);

    await page.goto(`${s.app}/signup?stay=1`);
    await scriptLoaded(page);
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(`${r.method()} ${new URL(r.url()).pathname}`));

    await s.switch.down();
    const email = `${unique('outage')}@customers.test`;
    const customerKey = customerKeyFor(email);
    await submitSignup(page, 'Otto Outage', email);
    // The script answers from what it knows (the referral in the cookies) and keeps the call.
    await page.waitForSelector(`#status[data-state=done][data-partner-key="${partner.key}"]`);
    expect(failed).toContain('POST /v1/signups');
    const kept = await outbox(page);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ p: 'signups', b: { customerKey, email, partnerKey: partner.key, xid: ps_xid.value } });
    expect(await s.customerStatus(customerKey)).toBe(404);

    // The visitor leaves while the ingest is still down (in-page retries and the pagehide beacon fail too).
    await page.goto('about:blank');
    const mark = s.requests.length;
    await s.switch.up();

    // The next page view on the same origin sends what was kept.
    await page.goto(`${s.app}/login?stay=1`);
    await scriptLoaded(page);
    await expect.poll(() => s.customerStatus(customerKey), { timeout: 10_000 }).toBe(200);
    await expect.poll(() => outbox(page)).toEqual([]);
    // One more page view: nothing left to send.
    await page.reload();
    await scriptLoaded(page);
    await page.waitForTimeout(500);

    expect(countRequests(since(mark), 'POST /v1/signups')).toBe(1);
    expect(countRequests(since(mark), 'POST /v1/signups 201')).toBe(1);
    expect(await s.customer(customerKey)).toMatchObject({ key: customerKey, email, partnerKey: partner.key, xid: ps_xid.value });
    const all = await s.ingest.api('/v1/customers?limit=1000');
    expect(all.body.customers.filter((x: { email: string }) => x.email === email)).toHaveLength(1);
    await expectOneSignupReward(s, partner.key);
  });

  it('a signup called right before navigating away still arrives (keepalive), attributed', async () => {
    const partner = await s.partner('unload');
    const page = await newPage();
    await page.goto(partner.link);
    const { ps_xid } = await attributionCookies(page.context(), partner.key);
    await page.goto(`${s.app}/login?stay=1`);
    await scriptLoaded(page);
    s.pages.set('/elsewhere', '<!doctype html><title>Elsewhere</title><p id="gone">gone</p>');

    // The request is held on its way until the page is gone: a plain fetch would be cancelled with it.
    s.switch.hold();
    const mark = s.requests.length;
    const customerKey = unique('unload');
    await page.evaluate(
      ({ customerKey, to }) => {
        (window as any).refstack('signup', { customerKey, email: `${customerKey}@customers.test` });
        location.href = to;
      },
      { customerKey, to: `${s.spa}/elsewhere` },
    );
    await page.waitForSelector('#gone');
    expect(await s.customerStatus(customerKey)).toBe(404);
    s.switch.release();

    await expect.poll(() => s.customerStatus(customerKey), { timeout: 5_000 }).toBe(200);
    expect(await s.customer(customerKey)).toMatchObject({ key: customerKey, partnerKey: partner.key, xid: ps_xid.value });
    expect(countRequests(since(mark), 'POST /v1/signups 201')).toBe(1);
  });

  it('the ingest serves the built bundle with an ETag (304 on revalidation); the demo pages load it with no console error', async () => {
    const page = await newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    const script = page.waitForResponse(`${s.track}/refstack.js`);

    await page.goto(`${s.www}/`);
    const res = await script;
    expect(res.status()).toBe(200);
    const headers = res.headers();
    const built = fs.readFileSync(SCRIPT_FILE);
    expect(headers.etag).toBe(`"${crypto.createHash('sha256').update(built).digest('base64url')}"`);
    expect(headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(headers['cache-control']).toContain('max-age=');
    expect(Buffer.from(await res.body()).equals(built)).toBe(true);
    await scriptLoaded(page);

    const again = await fetch(`${s.track.replace('track.acme.test', '127.0.0.1')}/refstack.js`, { headers: { 'if-none-match': headers.etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(headers.etag);

    for (const url of [`${s.www}/pricing`, `${s.www}/consent`, `${s.app}/signup`, `${s.app}/signup-classic`, `${s.app}/login`]) {
      await page.goto(url);
      await scriptLoaded(page);
    }
    expect(errors).toEqual([]);
  });

  it('calls queued by the stub before the script loads are replayed in order, a bad one not blocking the rest', async () => {
    const partner = await s.partner('stub');
    const page = await newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    const calls = ingestCalls(page, s.track);
    const customerKey = unique('stub');
    s.pages.set(
      '/queued',
      `<!doctype html><html><head><meta charset="utf-8"><title>Queued</title>
<script>window.refstack=window.refstack||function(){(refstack.q=refstack.q||[]).push(arguments)};
refstack('no-such-command', 1);
refstack('signup', { customerKey: ${JSON.stringify(customerKey)}, email: ${JSON.stringify(`${customerKey}@customers.test`)} });
window.queued = refstack.q;
window.queuedBefore = refstack.q.length;</script>
<script async src="${s.track}/refstack.js" data-key="${s.publishableKey}"></script></head><body>queued</body></html>`,
    );

    await page.goto(`${s.spa}/queued?ps_partner_key=${partner.key}`);
    await scriptLoaded(page);
    expect(await page.evaluate(() => [(window as any).queuedBefore, (window as any).queued.length])).toEqual([2, 0]);
    const { ps_xid } = await attributionCookies(page.context(), partner.key);
    await expect.poll(() => s.customerStatus(customerKey)).toBe(200);
    // The queued signup waited for this page view's click and carries its xid.
    expect(await s.customer(customerKey)).toMatchObject({ partnerKey: partner.key, xid: ps_xid.value });
    await expect.poll(() => calls.map((r) => `${r.method()} ${new URL(r.url()).pathname}`)).toEqual(['POST /v1/clicks', 'POST /v1/signups']);
    expect(errors).toEqual([]);
  });
});
