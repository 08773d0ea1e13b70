// What partners and visitors type is escaped wherever a page shows it, checked on the
// rendered HTML twice: parsed (no element or event handler came from a payload, the payload
// reads back as text) and loaded in real Chromium (no payload ever runs: no dialog opens).
// Pages: the ingest's 404 page for /r/<payload>, and the demo's vendor view after a partner,
// an offer, a link and a customer were created with payloads in every typed field.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { JSDOM } from 'jsdom';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoSite } from '../../demo-site/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { startTestIngest, type TestIngest } from '../helpers/ingest.js';

const PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(2)>',
  "'onmouseover='alert(3)' x='",
  '</code></p><svg onload=alert(4)>',
  '<iframe srcdoc="<script>parent.alert(5)</script>">',
  '{{constructor.constructor(\'alert(6)\')()}}',
];

let t: TestIngest;
let browser: Browser;
let demoUrl: string;
let demoServer: ReturnType<typeof serve>;

beforeAll(async () => {
  t = await startTestIngest();
  const demo = createDemoSite({ ingestUrl: t.url, publishableKey: t.keys.publishableKey, secretKey: t.keys.secretKey });
  demoServer = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: demo.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  demoUrl = `http://127.0.0.1:${(demoServer.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (demoServer ? demoServer.close(() => resolve()) : resolve()));
  await t?.close();
});

/** Elements and attributes a payload would have created if it were not escaped. */
function injected(html: string): string[] {
  const { document } = new JSDOM(html).window;
  const found: string[] = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) if (/^on/i.test(attr)) found.push(`<${el.localName} ${attr}>`);
    if (['img', 'svg', 'iframe'].includes(el.localName)) found.push(`<${el.localName}>`);
    if (el.localName === 'script' && /alert/.test(el.textContent ?? '')) found.push(`<script>${el.textContent?.slice(0, 40)}`);
  }
  return found;
}

const textOf = (html: string) => new JSDOM(html).window.document.body.textContent ?? '';

/** Loads the URL in Chromium; resolves with the dialogs (alert/confirm/prompt) that opened. */
async function dialogsOn(url: string): Promise<string[]> {
  const page = await browser.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  try {
    await page.goto(url, { waitUntil: 'load', timeout: 15_000 });
    await page.waitForTimeout(200);
  } finally {
    await page.close();
  }
  return dialogs;
}

describe('the ingest 404 page for /r/<payload>', () => {
  for (const payload of PAYLOADS) {
    it(`escapes ${payload}`, async () => {
      const url = `${t.url}/r/${encodeURIComponent(payload)}`;
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('location')).toBeNull();
      const html = await res.text();
      expect(injected(html)).toEqual([]);
      expect(textOf(html)).toContain(payload.slice(0, 100));
      expect(await dialogsOn(url)).toEqual([]);
    });
  }
});

describe("the demo's vendor view", () => {
  it('shows what partners and visitors typed as text, and runs none of it', { timeout: 60_000 }, async () => {
    const partner = await t.api('/v1/partners', {
      method: 'POST',
      body: { key: 'xss-partner', email: 'xss@partner.test', name: '<img src=x onerror=alert(1)>', tags: ['<script>alert(7)</script>', '"><svg onload=alert(8)>'] },
    });
    expect(partner.status).toBe(201);
    const link = await t.api('/v1/partners/xss-partner/links', { method: 'POST', body: { destination: 'https://www.acme.test/?q="><img src=x onerror=alert(9)>#</a><script>alert(10)</script>' } });
    expect(link.status).toBe(201);
    expect((await t.api('/v1/offers', { method: 'POST', body: { name: '<svg onload=alert(11)>', event: 'transaction.created', bps: 1000 } })).status).toBe(201);
    const customer = await t.api('/v1/customers', {
      method: 'POST',
      body: {
        customerKey: '<script>alert(12)</script>',
        email: '<script>alert(13)</script>@x.test',
        name: '<script>alert(14)</script>"><img src=x onerror=alert(15)>',
        partnerKey: 'xss-partner',
        metadata: { '<script>alert(16)</script>': '</td><script>alert(17)</script>', note: "'><img src=x onerror=alert(18)>" },
      },
    });
    expect(customer.status).toBe(201);
    const sale = await t.api('/v1/transactions', {
      method: 'POST',
      body: { customerKey: '<script>alert(12)</script>', key: '<img src=x onerror=alert(19)>', amount: 4000, currency: 'USD', productKey: '<script>alert(20)</script>' },
    });
    expect(sale.status).toBe(201);

    const res = await fetch(`${demoUrl}/vendor`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(injected(html)).toEqual([]);
    const text = textOf(html);
    for (const shown of ['<img src=x onerror=alert(1)>', '<script>alert(7)</script>', '<script>alert(13)</script>@x.test', '<script>alert(14)</script>"><img src=x onerror=alert(15)>']) {
      expect(text).toContain(shown);
    }
    // Every section rendered (no API error box hid a payload).
    expect(html).not.toContain('class="error-box"');
    expect(await dialogsOn(`${demoUrl}/vendor`)).toEqual([]);
  });
});
