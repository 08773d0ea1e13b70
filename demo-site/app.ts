// The demo vendor "Acme" as a Hono app: a marketing site (/, /pricing, /consent), an app
// (/signup, /signup-classic, /login, /app with a Buy button whose server side posts a
// transaction with the secret key) and the vendor view (/vendor). With `hosts` set, the
// marketing site and the app live on different hosts of one domain (www.acme.test and
// app.acme.test, routed by the Host header; a page asked of the wrong host redirects to the
// right one); any other host (localhost) serves everything. demo-site/server.ts starts it.
import crypto from 'node:crypto';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { CLIENT_JS } from './client.js';
import { createIngestClient, type FetchLike } from './ingest-client.js';
import { CSS } from './layout.js';
import {
  PRO_PRICE,
  consentPage,
  dashboardPage,
  landingPage,
  loginPage,
  pricingPage,
  signupClassicPage,
  signupPage,
  type Attribution,
  type PageContext,
} from './pages.js';
import { DemoUsers, type DemoUser } from './users.js';
import { vendorPage } from './vendor.js';

const SESSION_COOKIE = 'acme_session';
const APP_PATHS = new Set(['/signup', '/signup-classic', '/login', '/app']);
const MARKETING_PATHS = new Set(['/', '/pricing', '/consent']);

export interface DemoSiteOptions {
  /** Public base URL of the ingest as the browser reaches it: the script is `${ingestUrl}/refstack.js`. */
  ingestUrl: string;
  /** Where the demo's server side calls the ingest API. @default ingestUrl */
  ingestApiUrl?: string;
  /** The program's publishable key, put in the script tag's data-key. */
  publishableKey: string;
  /** The program's secret key, used only server-side (purchases, the vendor view). */
  secretKey: string;
  /**
   * Marketing and app hosts, each "host", "host:port" or a full origin ("https://app.acme.com").
   * Without a scheme or port, the request's own are used to link across.
   * @example { www: 'www.acme.test', app: 'app.acme.test' }
   */
  hosts?: { www?: string; app?: string };
  /** The fetch used for server-side API calls (tests pass the ingest's app.request). @default fetch */
  fetch?: FetchLike;
}

interface HostSpec {
  hostname: string;
  port: string;
  /** Only when the spec named one ("https://..."). */
  protocol?: string;
}

function parseHost(spec: string): HostSpec {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(spec);
  const u = new URL(hasScheme ? spec : `http://${spec}`);
  return { hostname: u.hostname.toLowerCase(), port: u.port, protocol: hasScheme ? u.protocol : undefined };
}

function originOf(spec: HostSpec, req: URL): string {
  const protocol = spec.protocol ?? req.protocol;
  const port = spec.protocol ? spec.port : spec.port || req.port;
  return `${protocol}//${spec.hostname}${port ? `:${port}` : ''}`;
}

/** The origin a browser uses for a configured host when the demo listens on `port`: hostOrigin('www.acme.test', 3000) === 'http://www.acme.test:3000'. */
export function hostOrigin(spec: string, port: number): string {
  return originOf(parseHost(spec), new URL(`http://localhost:${port}`));
}

const signupSchema = z.object({
  email: z.email('Enter a valid email address').max(200),
  name: z.string().trim().max(100, 'Name is too long').default(''),
});
const loginSchema = signupSchema.pick({ email: true });

export function createDemoSite(opts: DemoSiteOptions): Hono {
  const ingestUrl = opts.ingestUrl.replace(/\/+$/, '');
  const apiUrl = (opts.ingestApiUrl ?? ingestUrl).replace(/\/+$/, '');
  const api = createIngestClient({ baseUrl: apiUrl, secretKey: opts.secretKey, fetch: opts.fetch });
  const www = opts.hosts?.www ? parseHost(opts.hosts.www) : undefined;
  const appHost = opts.hosts?.app ? parseHost(opts.hosts.app) : undefined;
  const users = new DemoUsers();
  const app = new Hono();

  /** Which site a request is for, and the origins to link to ('' = this host). */
  function where(c: Context) {
    const url = new URL(c.req.url);
    const hostname = url.hostname.toLowerCase();
    const site = www && hostname === www.hostname ? 'www' : appHost && hostname === appHost.hostname ? 'app' : 'any';
    return {
      url,
      site,
      wwwOrigin: site === 'app' && www ? originOf(www, url) : '',
      appOrigin: site === 'www' && appHost ? originOf(appHost, url) : '',
    };
  }

  function pageContext(c: Context, user?: DemoUser): PageContext {
    const w = where(c);
    return { script: { ingestUrl, publishableKey: opts.publishableKey }, wwwOrigin: w.wwwOrigin, appOrigin: w.appOrigin, user };
  }

  function currentUser(c: Context): DemoUser | undefined {
    return users.bySession(getCookie(c, SESSION_COOKIE));
  }

  function startSession(c: Context, user: DemoUser): void {
    setCookie(c, SESSION_COOKIE, users.startSession(user), {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      secure: new URL(c.req.url).protocol === 'https:',
      maxAge: 60 * 60 * 24 * 7,
    });
  }

  const wantsJson = (c: Context) => (c.req.header('accept') ?? '').includes('application/json');

  async function formBody(c: Context): Promise<Record<string, unknown>> {
    const type = c.req.header('content-type') ?? '';
    if (type.includes('application/json')) return ((await c.req.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;
    const body = await c.req.parseBody().catch(() => ({}));
    return body as Record<string, unknown>;
  }

  // Send each page to its host when hosts are configured (query kept: it may carry ps_* params).
  app.use('*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const w = where(c);
    const path = w.url.pathname;
    if (w.site === 'www' && appHost && APP_PATHS.has(path)) return c.redirect(`${originOf(appHost, w.url)}${path}${w.url.search}`, 302);
    if (w.site === 'app' && MARKETING_PATHS.has(path)) {
      if (path === '/') return c.redirect(`/app${w.url.search}`, 302);
      if (www) return c.redirect(`${originOf(www, w.url)}${path}${w.url.search}`, 302);
    }
    return next();
  });

  app.get('/assets/acme.js', (c) => c.body(CLIENT_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }));
  app.get('/assets/acme.css', (c) => c.body(CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }));
  app.get('/healthz', (c) => c.text('ok'));

  // Marketing site.
  app.get('/', (c) => c.html(landingPage(pageContext(c, currentUser(c)), { consentRequired: c.req.query('consent') === 'required' })));
  app.get('/pricing', (c) => c.html(pricingPage(pageContext(c, currentUser(c)))));
  app.get('/consent', (c) => c.html(consentPage(pageContext(c, currentUser(c)))));

  // App: signup (the Refstack way and the PartnerStackJS way), login, logout.
  app.get('/signup', (c) => c.html(signupPage(pageContext(c, currentUser(c)))));
  app.get('/signup-classic', (c) => c.html(signupClassicPage(pageContext(c, currentUser(c)))));
  for (const path of ['/signup', '/signup-classic'] as const) {
    app.post(path, async (c) => {
      const raw = await formBody(c);
      const parsed = signupSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = String(issue?.path[0] ?? 'email');
        const message = issue?.message ?? 'Invalid input';
        if (wantsJson(c)) return c.json({ error: { code: 'invalid', message, field } }, 422);
        const values = { email: typeof raw.email === 'string' ? raw.email : '', name: typeof raw.name === 'string' ? raw.name : '', error: message };
        const render = path === '/signup' ? signupPage : signupClassicPage;
        return c.html(render(pageContext(c), values), 422);
      }
      const user = users.upsert(parsed.data.email, parsed.data.name);
      startSession(c, user);
      if (wantsJson(c)) return c.json({ user: { customerKey: user.customerKey, email: user.email, name: user.name }, next: '/app' }, 201);
      return c.redirect('/app', 303);
    });
  }

  app.get('/login', (c) => c.html(loginPage(pageContext(c, currentUser(c)))));
  app.post('/login', async (c) => {
    const raw = await formBody(c);
    const parsed = loginSchema.safeParse(raw);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? 'Invalid input';
      if (wantsJson(c)) return c.json({ error: { code: 'invalid', message, field: 'email' } }, 422);
      return c.html(loginPage(pageContext(c), { email: typeof raw.email === 'string' ? raw.email : '', error: message }), 422);
    }
    const user = users.upsert(parsed.data.email, '');
    startSession(c, user);
    if (wantsJson(c)) return c.json({ user: { customerKey: user.customerKey, email: user.email, name: user.name }, next: '/app' });
    return c.redirect('/app', 303);
  });

  app.post('/logout', (c) => {
    users.endSession(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    const w = where(c);
    return c.redirect(`${w.wwwOrigin}/`, 303);
  });

  // The dashboard and the purchase.
  app.get('/app', async (c) => {
    const user = currentUser(c);
    if (!user) return c.redirect(`/login${new URL(c.req.url).search}`, 302);
    const res = await api.get<{ customer: { partnerKey: string | null } }>(`/v1/customers/${encodeURIComponent(user.customerKey)}`);
    const attribution: Attribution = res.ok
      ? res.data?.customer?.partnerKey
        ? { state: 'referred', partnerKey: res.data.customer.partnerKey }
        : { state: 'direct' }
      : res.status === 404
        ? { state: 'unknown' }
        : { state: 'error', message: `${res.error.code}: ${res.error.message}` };
    const last = users.order(c.req.query('order'));
    return c.html(
      dashboardPage(
        { ...pageContext(c, user), user },
        { attribution, orders: users.ordersOf(user.customerKey), lastOrder: last?.customerKey === user.customerKey ? last : undefined },
      ),
    );
  });

  app.post('/app/buy', async (c) => {
    const user = currentUser(c);
    if (!user) return wantsJson(c) ? c.json({ error: { code: 'unauthenticated', message: 'Log in first' } }, 401) : c.redirect('/login', 303);
    const id = `order_${crypto.randomBytes(9).toString('base64url')}`;
    const res = await api.post<{ rewards?: unknown[] }>('/v1/transactions', {
      customerKey: user.customerKey,
      amount: PRO_PRICE.amount,
      currency: PRO_PRICE.currency,
      key: id,
    });
    const order = {
      id,
      customerKey: user.customerKey,
      amount: PRO_PRICE.amount,
      currency: PRO_PRICE.currency,
      ok: res.ok,
      rewards: res.ok && Array.isArray(res.data?.rewards) ? res.data.rewards.length : 0,
      error: res.ok ? undefined : `${res.error.status ? `HTTP ${res.error.status} ` : ''}${res.error.code}: ${res.error.message}`,
      at: Date.now(),
    };
    users.addOrder(order);
    if (wantsJson(c)) return c.json({ order }, res.ok ? 201 : 502);
    return c.redirect(`/app?order=${encodeURIComponent(id)}`, 303);
  });

  // The vendor's view of what Refstack recorded (served on every host).
  app.get('/vendor', async (c) => {
    const w = where(c);
    return c.html(await vendorPage(api, { wwwOrigin: w.wwwOrigin, appOrigin: w.appOrigin, apiUrl }));
  });

  app.notFound((c) => c.html(`<!doctype html><title>Not found · Acme</title><p>Not found. <a href="/">Acme home</a></p>`, 404));
  return app;
}
