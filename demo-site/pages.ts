// The demo vendor's pages: marketing (landing, pricing, cookie-consent demo) and app (signup,
// PartnerStackJS-style signup, login, dashboard). Element ids are stable for the end-to-end
// tests; see demo-site/README.md. Inline scripts are static text (no interpolation), so
// user data reaches the browser only through escaped HTML and JSON from the demo server.
import { html } from 'hono/html';
import { shell, formatMoney, type Html, type ScriptConfig } from './layout.js';
import type { DemoOrder, DemoUser } from './users.js';

export const PRO_PRICE = { amount: 4000, currency: 'USD' } as const;

export interface PageContext {
  script: ScriptConfig;
  wwwOrigin: string;
  appOrigin: string;
  user?: DemoUser;
}

function page(ctx: PageContext, title: string, body: Html, tail?: Html, consentRequired = false, classic = false): Html {
  return shell({
    title: `${title} · Acme`,
    script: { ...ctx.script, consentRequired, classic },
    wwwOrigin: ctx.wwwOrigin,
    appOrigin: ctx.appOrigin,
    user: ctx.user,
    body,
    tail,
  });
}

const CONSENT_BANNER = html`<div id="consent-banner" role="dialog" aria-label="Cookie consent">
    <p>Acme uses a first-party cookie to credit the partner who sent you here. Nothing is stored or sent until you accept.</p>
    <button id="accept-cookies" type="button">Accept cookies</button>
    <button id="decline-cookies" class="ghost" type="button">Decline</button>
  </div>`;

const CONSENT_SCRIPT = html`<script>
  (function () {
    var banner = document.getElementById('consent-banner');
    var status = document.getElementById('consent-status');
    function answer(granted) {
      refstack('consent', granted);
      banner.hidden = true;
      status.textContent = granted ? 'Cookies accepted: the referral can now be stored.' : 'Cookies declined: nothing is stored or sent.';
      status.setAttribute('data-state', granted ? 'granted' : 'declined');
    }
    document.getElementById('accept-cookies').addEventListener('click', function () { answer(true); });
    document.getElementById('decline-cookies').addEventListener('click', function () { answer(false); });
  })();
</script>`;

export function landingPage(ctx: PageContext, opts: { consentRequired: boolean }): Html {
  const body = html`<section>
      <p class="pill">New: recurring invoices</p>
      <h1 id="hero">Invoices your clients actually pay.</h1>
      <p class="lead">Acme sends beautiful invoices, chases late payers for you and reconciles payments automatically. Loved by 4,000 small agencies.</p>
      <p><a class="btn" id="cta-signup" href="${ctx.appOrigin}/signup">Start your free trial</a>
        <a class="btn ghost" id="cta-pricing" href="${ctx.wwwOrigin}/pricing">See pricing</a></p>
    </section>
    <section class="grid" style="margin-top:40px">
      <div class="card"><h2>Send</h2><p class="muted">Branded invoices in under a minute, in 30 currencies.</p></div>
      <div class="card"><h2>Chase</h2><p class="muted">Polite, automatic reminders until the money arrives.</p></div>
      <div class="card"><h2>Reconcile</h2><p class="muted">Bank feeds match payments to invoices for you.</p></div>
    </section>
    <p class="notice" style="margin-top:40px">This is a demo of Refstack partner attribution. Open a partner link (see the terminal or the
      <a href="${ctx.wwwOrigin}/vendor">vendor view</a>), sign up, buy Pro, and watch the partner's rewards appear.</p>
    ${opts.consentRequired ? html`<p id="consent-status" class="status"></p>${CONSENT_BANNER}` : ''}`;
  return page(ctx, 'Invoicing for agencies', body, opts.consentRequired ? CONSENT_SCRIPT : undefined, opts.consentRequired);
}

export function pricingPage(ctx: PageContext): Html {
  const plan = (name: string, price: string, blurb: string, cta: Html) =>
    html`<div class="card"><h2>${name}</h2><p class="price">${price}<small> / month</small></p><p class="muted">${blurb}</p>${cta}</div>`;
  const body = html`<h1>Simple pricing</h1>
    <p class="lead">Start free. Upgrade when your clients pay you faster.</p>
    <div class="grid" id="plans">
      ${plan('Free', '$0', 'Up to 5 invoices a month.', html`<a class="btn ghost" href="${ctx.appOrigin}/signup">Start free</a>`)}
      ${plan('Pro', formatMoney(PRO_PRICE.amount, PRO_PRICE.currency), 'Unlimited invoices, reminders, bank feeds.', html`<a class="btn" id="pricing-pro" href="${ctx.appOrigin}/signup">Try Pro</a>`)}
      ${plan('Team', '$120', 'Everything in Pro for up to 10 people.', html`<a class="btn ghost" href="${ctx.appOrigin}/signup">Try Team</a>`)}
    </div>`;
  return page(ctx, 'Pricing', body);
}

export function consentPage(ctx: PageContext): Html {
  const body = html`<h1>Cookie consent demo</h1>
    <p class="lead">On this page the Refstack tag carries <code>data-consent="required"</code>: it writes no cookie and sends
      no request until the visitor accepts, which calls <code>refstack('consent', true)</code>.</p>
    <p>Try it with a partner parameter, e.g. <a id="consent-example" href="?ps_partner_key=jane">this page as referred by jane</a>.</p>
    <p id="consent-status" class="status"></p>
    ${CONSENT_BANNER}`;
  return page(ctx, 'Cookie consent', body, CONSENT_SCRIPT, true);
}

function signupForm(action: string, values: { email?: string; name?: string; error?: string }): Html {
  return html`<form id="signup-form" class="stack card" method="post" action="${action}">
      <label for="name">Your name <input id="name" name="name" autocomplete="name" maxlength="100" required value="${values.name ?? ''}" /></label>
      <label for="email">Work email <input id="email" name="email" type="email" autocomplete="email" maxlength="200" required value="${values.email ?? ''}" /></label>
      <button id="signup-submit" type="submit">Create my account</button>
      <p id="status" class="status" role="status" aria-live="polite" data-state="${values.error ? 'error' : 'idle'}">${values.error ?? ''}</p>
    </form>`;
}

/** The documented Refstack call, once the script has installed its API (or queued by the stub). */
const SIGNUP_SCRIPT = html`<script>
  acme.handle('signup-form', 'Signed up', function (user) {
    return acme.track(acme.refstackReady('signup'), function () {
      return refstack('signup', { customerKey: user.customerKey, email: user.email, name: user.name });
    });
  });
</script>`;

/** The same page written for PartnerStackJS: growsumo.data, then growsumo.createSignup(callback). */
const CLASSIC_SCRIPT = html`<script>
  acme.handle('signup-form', 'Signed up', function (user) {
    return acme.track(function () { return window.growsumo && typeof growsumo.createSignup === 'function'; }, function () {
      return new Promise(function (resolve) {
        growsumo.data = { name: user.name, email: user.email, customer_key: user.customerKey };
        growsumo.createSignup(function (result) { resolve(result || { sent: true }); });
      });
    });
  });
</script>`;

export function signupPage(ctx: PageContext, values: { email?: string; name?: string; error?: string } = {}): Html {
  const body = html`<h1>Start your free trial</h1>
    <p class="lead">14 days of Acme Pro, no card needed.</p>
    ${signupForm('/signup', values)}
    <p class="muted">Already have an account? <a href="/login">Log in</a>. The same page written for PartnerStackJS: <a href="/signup-classic">/signup-classic</a>.</p>`;
  return page(ctx, 'Sign up', body, SIGNUP_SCRIPT);
}

export function signupClassicPage(ctx: PageContext, values: { email?: string; name?: string; error?: string } = {}): Html {
  const body = html`<h1>Start your free trial</h1>
    <p class="lead">This page is written the PartnerStackJS way (<code>growsumo.data</code> + <code>growsumo.createSignup</code>) and works unchanged with Refstack.</p>
    ${signupForm('/signup-classic', values)}`;
  return page(ctx, 'Sign up (PartnerStackJS)', body, CLASSIC_SCRIPT, false, true);
}

const LOGIN_SCRIPT = html`<script>
  acme.handle('login-form', 'Logged in', function (user) {
    return acme.track(acme.refstackReady('identify'), function () {
      return refstack('identify', { customerKey: user.customerKey, email: user.email });
    });
  });
</script>`;

export function loginPage(ctx: PageContext, values: { email?: string; error?: string } = {}): Html {
  const body = html`<h1>Log in</h1>
    <form id="login-form" class="stack card" method="post" action="/login">
      <label for="email">Email <input id="email" name="email" type="email" autocomplete="email" maxlength="200" required value="${values.email ?? ''}" /></label>
      <button id="login-submit" type="submit">Log in</button>
      <p id="status" class="status" role="status" aria-live="polite" data-state="${values.error ? 'error' : 'idle'}">${values.error ?? ''}</p>
    </form>
    <p class="muted">It's a demo: any email logs you in. New here? <a href="/signup">Start a free trial</a>.</p>`;
  return page(ctx, 'Log in', body, LOGIN_SCRIPT);
}

export type Attribution =
  | { state: 'referred'; partnerKey: string }
  | { state: 'direct' }
  | { state: 'unknown' }
  | { state: 'error'; message: string };

function attributionText(a: Attribution): Html {
  switch (a.state) {
    case 'referred':
      return html`<span id="attribution" data-state="referred" data-partner-key="${a.partnerKey}">Referred by partner <code>${a.partnerKey}</code></span>`;
    case 'direct':
      return html`<span id="attribution" data-state="direct" data-partner-key="">Not referred by a partner</span>`;
    case 'unknown':
      return html`<span id="attribution" data-state="unknown">Not in Refstack yet (the signup may still be on its way)</span>`;
    default:
      return html`<span id="attribution" data-state="error" class="error">Could not ask Refstack: ${a.message}</span>`;
  }
}

function orderStatus(order: DemoOrder | undefined): Html {
  if (!order) return html`<p id="purchase-status" class="status" data-state="idle"></p>`;
  if (!order.ok)
    return html`<p id="purchase-status" class="status error" data-state="error" data-order="${order.id}">The purchase was not recorded: ${order.error ?? 'unknown error'}</p>`;
  return html`<p id="purchase-status" class="status ok" data-state="done" data-order="${order.id}" data-rewards="${String(order.rewards)}">Thanks! Order <code>${order.id}</code> paid: ${formatMoney(order.amount, order.currency)}.</p>`;
}

export function dashboardPage(ctx: PageContext & { user: DemoUser }, opts: { attribution: Attribution; orders: DemoOrder[]; lastOrder?: DemoOrder }): Html {
  const u = ctx.user;
  const rows = opts.orders.map(
    (o) => html`<tr data-order="${o.id}"><td><code>${o.id}</code></td><td>${new Date(o.at).toISOString().replace('T', ' ').slice(0, 19)}</td>
        <td class="num">${formatMoney(o.amount, o.currency)}</td><td>${o.ok ? html`<span class="pill paid">paid</span>` : html`<span class="pill">failed</span>`}</td></tr>`,
  );
  const body = html`<h1 id="welcome">Welcome${u.name ? html`, ${u.name}` : ''}</h1>
    <div class="grid">
      <div class="card">
        <h2>Your account</h2>
        <p>Email: <span id="user-email">${u.email}</span><br />
          Customer key: <code id="customer-key">${u.customerKey}</code><br />
          ${attributionText(opts.attribution)}</p>
      </div>
      <div class="card">
        <h2>Upgrade to Pro</h2>
        <p class="price">${formatMoney(PRO_PRICE.amount, PRO_PRICE.currency)}<small> / month</small></p>
        <form id="buy-form" method="post" action="/app/buy"><button id="buy" type="submit">Buy Pro — ${formatMoney(PRO_PRICE.amount, PRO_PRICE.currency)}</button></form>
        ${orderStatus(opts.lastOrder)}
      </div>
    </div>
    <h2>Your purchases</h2>
    ${rows.length
      ? html`<table id="purchases"><thead><tr><th>Order</th><th>When (UTC)</th><th class="num">Amount</th><th>Status</th></tr></thead><tbody>${rows}</tbody></table>`
      : html`<p id="purchases" class="muted">No purchases yet.</p>`}`;
  return page(ctx, 'Dashboard', body);
}
