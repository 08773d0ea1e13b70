// The demo against a real ingest (real HTTP server, SQLite in a temp dir): the vendor view
// escapes what partners and visitors typed, seeding is idempotent, and the Buy button's
// server side posts exactly one transaction with the secret key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoSite } from '../../demo-site/app.js';
import { createIngestClient } from '../../demo-site/ingest-client.js';
import { DEMO_PARTNERS, seedDemo } from '../../demo-site/seed.js';
import { startTestIngest, type TestIngest } from '../helpers/ingest.js';

let t: TestIngest;
let demo: ReturnType<typeof createDemoSite>;

beforeAll(async () => {
  t = await startTestIngest();
  demo = createDemoSite({ ingestUrl: t.url, publishableKey: t.keys.publishableKey, secretKey: t.keys.secretKey });
});
afterAll(() => t?.close());

const form = (fields: Record<string, string>, cookie?: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
  body: new URLSearchParams(fields).toString(),
});

describe('demo site with a real ingest', () => {
  it('vendor view escapes partner and customer data', async () => {
    const partner = await t.api('/v1/partners', { body: { key: 'evil', email: 'evil@example.com', name: '<script>alert(1)</script>', tags: ['<b>vip</b>'] } });
    expect(partner.status).toBe(201);
    const customer = await t.api('/v1/customers', {
      body: {
        customerKey: 'c-"evil"',
        email: '<script>alert(2)</script>@x.test',
        name: '<img src=x onerror=alert(3)>',
        partnerKey: 'evil',
        metadata: { note: '</code><script>alert(4)</script>' },
      },
    });
    expect(customer.status).toBe(201);

    const res = await demo.request('http://localhost/vendor');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<strong class="partner-name">&lt;script&gt;alert(1)&lt;/script&gt;</strong>');
    expect(page).toContain('<td class="customer-email">&lt;script&gt;alert(2)&lt;/script&gt;@x.test</td>');
    expect(page).toContain('<td class="customer-name">&lt;img src=x onerror=alert(3)&gt;</td>');
    expect(page).toContain('<tr data-key="c-&quot;evil&quot;">');
    expect(page).toContain('&lt;/code&gt;&lt;script&gt;alert(4)&lt;/script&gt;');
    expect(page).toContain('&lt;b&gt;vip&lt;/b&gt;');
    expect(page).not.toMatch(/<script>alert|<img src=x|<b>vip/);
    expect(page).not.toContain('class="error-box" data-section="partners"');
    expect(page).not.toContain('class="error-box" data-section="customers"');
  });

  it('seeding twice creates the demo partners once', async () => {
    const s = await startTestIngest();
    try {
      const api = createIngestClient({ baseUrl: s.url, secretKey: s.keys.secretKey });
      const first = await seedDemo(api, { destination: 'http://localhost:3000/' });
      const second = await seedDemo(api, { destination: 'http://localhost:3000/' });
      expect(first.seeded).toBe(true);
      expect(second.seeded).toBe(false);
      expect(first.partners.map((p) => p.key)).toEqual(DEMO_PARTNERS.map((p) => p.key));
      expect(first.partners.every((p) => p.links.some((l) => l.destination === 'http://localhost:3000/'))).toBe(true);

      const partners = await s.api('/v1/partners');
      expect(partners.body.partners.map((p: { key: string }) => p.key).sort()).toEqual(['jane', 'priya', 'sam']);
      const offers = await s.api('/v1/offers');
      expect(offers.status).toBe(200);
      expect(offers.body.offers.map((o: { name: string }) => o.name).sort()).toEqual(['20% of revenue', 'Signup bonus']);
      const program = await s.api('/v1/program');
      expect(program.body.program.defaultDestination).toBe('http://localhost:3000/');
    } finally {
      await s.close();
    }
  });

  it("the Buy button's server side posts one transaction for the signed-in customer", async () => {
    const signup = await demo.request('http://localhost/signup', form({ email: 'buyer@example.com', name: 'Buyer' }));
    expect(signup.status).toBe(303);
    const cookie = signup.headers.get('set-cookie')!.split(';')[0];
    const json = await (await demo.request('http://localhost/login', { ...form({ email: 'buyer@example.com' }), headers: { ...form({}).headers, accept: 'application/json' } })).json();
    const customerKey: string = json.user.customerKey;
    // What the page's refstack('signup', ...) does in the browser.
    expect((await t.browser('/v1/signups', { customerKey, email: 'buyer@example.com', name: 'Buyer' })).status).toBe(201);

    const buy = await demo.request('http://localhost/app/buy', form({}, cookie));
    expect(buy.status).toBe(303);
    const location = buy.headers.get('location')!;
    expect(location).toMatch(/^\/app\?order=order_[\w-]+$/);

    const txs = await t.api(`/v1/transactions?customerKey=${encodeURIComponent(customerKey)}`);
    expect(txs.status).toBe(200);
    const mine = txs.body.transactions.filter((x: { customerKey: string }) => x.customerKey === customerKey);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ customerKey, amount: 4000, currency: 'USD', key: decodeURIComponent(location.split('=')[1]) });

    const dash = await (await demo.request(`http://localhost${location}`, { headers: { cookie } })).text();
    expect(dash).toContain('id="purchase-status" class="status ok" data-state="done"');
    expect(dash).toContain('<span id="attribution" data-state="direct" data-partner-key="">');
  });
});
