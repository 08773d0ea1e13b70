// The demo site renders every page with the Refstack tag as SPEC documents it, keeps the
// element ids the end-to-end tests drive, routes www/app by Host, escapes what a visitor
// typed, and shows (does not crash on) an ingest it cannot reach. No ingest needed here:
// the server-side API URL points at a closed port.
import { describe, expect, it } from 'vitest';
import { createDemoSite } from '../../demo-site/app.js';

const PK = 'pk_test_demo123';
const STUB = '<script>window.refstack=window.refstack||function(){(refstack.q=refstack.q||[]).push(arguments)};</script>';
const TAG = `<script async src="http://localhost:8787/refstack.js" data-key="${PK}"></script>`;

function site(hosts?: { www?: string; app?: string }) {
  return createDemoSite({ ingestUrl: 'http://localhost:8787/', ingestApiUrl: 'http://127.0.0.1:9', publishableKey: PK, secretKey: 'sk_test_x', hosts });
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

async function signedIn(app: ReturnType<typeof site>, email = 'ann@example.com', name = 'Ann') {
  const res = await app.request('http://localhost/signup', form({ email, name }));
  expect(res.status).toBe(303);
  return res.headers.get('set-cookie')!.split(';')[0];
}

describe('demo site pages', () => {
  it('renders every vendor page with the stub, then the async tag with the publishable key', async () => {
    const app = site();
    const cookie = await signedIn(app);
    for (const path of ['/', '/pricing', '/signup', '/login', '/app']) {
      const res = await app.request(`http://localhost${path}`, { headers: { cookie } });
      expect(res.status, path).toBe(200);
      const body = await res.text();
      expect(body, path).toContain(`${STUB}\n    ${TAG}`);
      expect(body.split('/refstack.js').length - 1, path).toBe(1);
    }
  });

  it("loads the script on /signup-classic with PartnerStackJS's own loader snippet (_initialize + growsumoInit)", async () => {
    const app = site();
    const body = await (await app.request('http://localhost/signup-classic', { headers: { cookie: await signedIn(app) } })).text();
    expect(body).toContain('gs.src = "http://localhost:8787/refstack.js"');
    expect(body).toContain(`growsumo._initialize("${PK}"); if (typeof(growsumoInit) === 'function') {growsumoInit();}`);
    expect(body.indexOf('window.growsumoInit = function')).toBeLessThan(body.indexOf('document.createElement(\'script\')'));
    expect(body).not.toContain('data-key=');
    expect(body.split('/refstack.js').length - 1).toBe(1);
  });

  it('marks the consent pages data-consent="required" and gives them the Accept button', async () => {
    const app = site();
    for (const path of ['/consent', '/?consent=required']) {
      const body = await (await app.request(`http://localhost${path}`)).text();
      expect(body, path).toContain(`<script async src="http://localhost:8787/refstack.js" data-key="${PK}" data-consent="required"></script>`);
      expect(body, path).toContain('id="accept-cookies"');
      expect(body, path).toContain("refstack('consent', granted)");
    }
    expect(await (await app.request('http://localhost/')).text()).not.toContain('data-consent');
  });

  it('keeps the ids the end-to-end tests drive', async () => {
    const app = site();
    for (const path of ['/signup', '/signup-classic']) {
      const body = await (await app.request(`http://localhost${path}`)).text();
      for (const id of ['<form id="signup-form"', '<input id="name"', '<input id="email"', '<button id="signup-submit"', 'id="status"'])
        expect(body, `${path} ${id}`).toContain(id);
    }
    expect(await (await app.request('http://localhost/signup')).text()).toContain("refstack('signup', { customerKey: user.customerKey, email: user.email, name: user.name })");
    const classic = await (await app.request('http://localhost/signup-classic')).text();
    expect(classic).toContain('growsumo.data = { name: user.name, email: user.email, customer_key: user.customerKey }');
    expect(classic).toContain('growsumo.createSignup(function');
    const login = await (await app.request('http://localhost/login')).text();
    for (const id of ['<form id="login-form"', '<input id="email"', '<button id="login-submit"', "refstack('identify'"]) expect(login).toContain(id);
    const dash = await (await app.request('http://localhost/app', { headers: { cookie: await signedIn(app) } })).text();
    for (const id of ['<form id="buy-form" method="post" action="/app/buy">', '<button id="buy" type="submit">Buy Pro — $40.00</button>', 'id="customer-key"', 'id="attribution"'])
      expect(dash).toContain(id);
  });

  it('signs up without JS: HttpOnly session cookie, 303 to /app; with JSON it answers the customer key', async () => {
    const app = site();
    const res = await app.request('http://localhost/signup', form({ email: 'Bo@Example.com', name: 'Bo' }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/app');
    expect(res.headers.get('set-cookie')).toMatch(/^acme_session=[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);

    const json = await app.request('http://localhost/signup-classic', { ...form({ email: 'bo@example.com', name: 'Bo' }), headers: { ...form({}).headers, accept: 'application/json' } });
    expect(json.status).toBe(201);
    const body = await json.json();
    expect(body).toEqual({ user: { customerKey: expect.stringMatching(/^acme_[0-9a-f]{20}$/), email: 'Bo@Example.com', name: 'Bo' }, next: '/app' });

    const login = await app.request('http://localhost/login', { ...form({ email: 'BO@example.com' }), headers: { ...form({}).headers, accept: 'application/json' } });
    expect((await login.json()).user.customerKey).toBe(body.user.customerKey);
  });

  it('escapes what a visitor typed: name on the dashboard, a rejected email echoed in the form', async () => {
    const app = site();
    const cookie = await signedIn(app, 'x@example.com', '<img src=x onerror=alert(1)>');
    const dash = await (await app.request('http://localhost/app', { headers: { cookie } })).text();
    expect(dash).toContain('Welcome, &lt;img src=x onerror=alert(1)&gt;');
    expect(dash).not.toContain('<img src=x');

    const bad = await app.request('http://localhost/signup', form({ email: '"><script>alert(1)</script>', name: 'n' }));
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).not.toContain('<script>alert(1)');
  });

  it('sends /app to /login without a session, and refuses a purchase', async () => {
    const app = site();
    const res = await app.request('http://localhost/app');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login');
    const buy = await app.request('http://localhost/app/buy', { method: 'POST' });
    expect(buy.status).toBe(303);
    expect(buy.headers.get('location')).toBe('/login');
  });

  it('routes by Host: marketing on www, the app on app, links across, everything on localhost', async () => {
    const app = site({ www: 'www.acme.test', app: 'app.acme.test' });
    const redirect = async (url: string) => {
      const res = await app.request(url);
      return [res.status, res.headers.get('location')];
    };
    expect(await redirect('http://www.acme.test:3000/signup?ps_partner_key=jane&ps_xid=x1')).toEqual([302, 'http://app.acme.test:3000/signup?ps_partner_key=jane&ps_xid=x1']);
    expect(await redirect('http://app.acme.test:3000/pricing')).toEqual([302, 'http://www.acme.test:3000/pricing']);
    expect(await redirect('http://app.acme.test:3000/?ps_partner_key=jane')).toEqual([302, '/app?ps_partner_key=jane']);

    const landing = await (await app.request('http://www.acme.test:3000/')).text();
    expect(landing).toContain('<a class="btn" id="cta-signup" href="http://app.acme.test:3000/signup">');
    expect(landing).toContain(TAG);
    const signup = await (await app.request('http://app.acme.test:3000/signup')).text();
    expect(signup).toContain('<a class="logo" href="http://www.acme.test:3000/">');
    expect(signup).toContain('action="/signup"');

    expect((await app.request('http://localhost:3000/signup')).status).toBe(200);
    expect((await app.request('http://localhost:3000/pricing')).status).toBe(200);
    expect(await (await app.request('http://localhost:3000/')).text()).toContain('href="/signup"');
  });

  it('shows an unreachable ingest as an error on /vendor and /app instead of crashing', async () => {
    const app = site();
    const res = await app.request('http://localhost/vendor');
    expect(res.status).toBe(200);
    const body = await res.text();
    for (const section of ['partners', 'customers', 'transactions', 'rewards'])
      expect(body).toContain(`<div class="error-box" data-section="${section}" data-status="0">`);
    expect(body).not.toContain('refstack.js');

    const cookie = await signedIn(app);
    const dash = await (await app.request('http://localhost/app', { headers: { cookie } })).text();
    expect(dash).toContain('<span id="attribution" data-state="error"');
    const buy = await app.request('http://localhost/app/buy', { method: 'POST', headers: { cookie } });
    expect(buy.status).toBe(303);
    const after = await (await app.request(`http://localhost${buy.headers.get('location')}`, { headers: { cookie } })).text();
    expect(after).toContain('id="purchase-status" class="status error" data-state="error"');
  });
});
