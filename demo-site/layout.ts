// The page shell of the demo vendor "Acme": head, the stylesheet, the nav, and the
// Refstack script installed exactly as SPEC documents it (the one-line stub, then the async
// tag with data-key). Everything interpolated goes through hono/html, which escapes it.
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface ScriptConfig {
  /** Public base URL of the ingest (no trailing slash): the script is `${ingestUrl}/refstack.js`. */
  ingestUrl: string;
  publishableKey: string;
}

export interface ShellOptions {
  title: string;
  /** The Refstack tag; omitted on pages that are not the vendor's site (the vendor view). */
  script?: ScriptConfig & { consentRequired?: boolean; classic?: boolean };
  /** Origins (or '' for same host) of the marketing site and the app, for the nav links. */
  wwwOrigin: string;
  appOrigin: string;
  /** Signed-in user's display name, to show "Dashboard / Log out" instead of "Log in". */
  user?: { name: string; email: string };
  /** Extra classes on <body>, e.g. 'wide' for the vendor view. */
  bodyClass?: string;
  body: Html;
  /** Page-specific inline script (static text only) placed after the body. */
  tail?: Html;
}

/** Served at /assets/acme.css (a file, so nothing in it passes through HTML escaping). */
export const CSS = `
:root{--brand:#4f46e5;--brand-dark:#3730a3;--ink:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f9fafb;--ok:#047857;--err:#b91c1c}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--brand)}
header{background:#fff;border-bottom:1px solid var(--line)}
header .bar{max-width:960px;margin:0 auto;padding:14px 20px;display:flex;align-items:center;gap:20px}
body.wide header .bar,body.wide main,body.wide footer{max-width:1200px}
.logo{font-weight:800;font-size:20px;color:var(--ink);text-decoration:none;letter-spacing:-.02em}
.logo span{color:var(--brand)}
nav{display:flex;gap:16px;margin-left:auto;align-items:center}
nav a{color:var(--muted);text-decoration:none}
nav a:hover{color:var(--ink)}
nav form{margin:0}
main{max-width:960px;margin:0 auto;padding:32px 20px 64px}
h1{font-size:36px;line-height:1.15;letter-spacing:-.02em;margin:.2em 0 .4em}
h2{font-size:20px;margin:1.6em 0 .6em}
.lead{font-size:19px;color:var(--muted);max-width:640px}
.btn,button{display:inline-block;background:var(--brand);color:#fff;border:0;border-radius:8px;padding:10px 18px;font:inherit;font-weight:600;cursor:pointer;text-decoration:none}
.btn:hover,button:hover{background:var(--brand-dark)}
.btn.ghost,button.ghost{background:#fff;color:var(--ink);border:1px solid var(--line)}
button[disabled]{opacity:.6;cursor:default}
.link-button{background:none;color:var(--muted);padding:0;font-weight:400}
.link-button:hover{background:none;color:var(--ink)}
.card{background:#fff;border:1px solid var(--line);border-radius:12px;padding:24px}
.card h2{margin-top:0}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:16px}
.price{font-size:32px;font-weight:800}
.price small{font-size:15px;color:var(--muted);font-weight:400}
form.stack{display:grid;gap:14px;max-width:380px}
label{display:grid;gap:4px;font-weight:600;font-size:14px}
input{font:inherit;padding:9px 12px;border:1px solid #d1d5db;border-radius:8px}
input:focus{outline:2px solid var(--brand);outline-offset:-1px}
.status{min-height:1.5em;color:var(--muted)}
.status[data-state="done"],.ok{color:var(--ok)}
.status[data-state="error"],.error{color:var(--err)}
.notice{background:#eef2ff;border:1px solid #c7d2fe;border-radius:8px;padding:10px 14px;font-size:14px}
.error-box{background:#fef2f2;border:1px solid #fecaca;color:var(--err);border-radius:8px;padding:10px 14px;font-size:14px}
#consent-banner{position:fixed;left:16px;right:16px;bottom:16px;max-width:640px;margin:0 auto;background:#111827;color:#fff;border-radius:12px;padding:16px 20px;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
#consent-banner p{margin:0;flex:1 1 260px}
#consent-banner[hidden]{display:none}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);border-radius:8px;font-size:14px}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#f3f4f6;font-weight:600;font-size:13px;color:#374151}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f4f6;padding:1px 5px;border-radius:4px;word-break:break-all}
.muted{color:var(--muted)}
.pill{display:inline-block;border-radius:999px;padding:1px 8px;font-size:12px;background:#f3f4f6;color:#374151}
.pill.approved,.pill.paid{background:#d1fae5;color:#065f46}
.pill.pending{background:#fef3c7;color:#92400e}
footer{max-width:960px;margin:0 auto;padding:0 20px 40px;color:var(--muted);font-size:13px}
`;

/** The SPEC's optional one-line stub, as vendors paste it. Static text: never interpolated. */
const STUB = html`<script>window.refstack=window.refstack||function(){(refstack.q=refstack.q||[]).push(arguments)};</script>`;

/** A value for a JS string literal inside <script>: JSON, with `<` escaped so `</script>` cannot close the tag. */
const jsString = (value: string) => raw(JSON.stringify(value).replace(/</g, '\\u003c'));

/**
 * PartnerStackJS's own loader snippet, as vendors have it pasted today, with only the script URL
 * changed to the ingest: it inserts the script, then calls growsumo._initialize(pk) and
 * growsumoInit() on load. growsumoInit is defined first, as PartnerStack's docs ask.
 */
function classicTag(src: string, pk: string): Html {
  return html`<script>
    window.growsumoInit = function () { document.documentElement.setAttribute('data-growsumo', 'ready'); };
    (function() {var gs = document.createElement('script');gs.src = ${jsString(src)};gs.type = 'text/javascript';gs.async = 'true';gs.onload = gs.onreadystatechange = function() {var rs = this.readyState;if (rs && rs != 'complete' && rs != 'loaded') return;try {growsumo._initialize(${jsString(pk)}); if (typeof(growsumoInit) === 'function') {growsumoInit();}} catch (e) {}};var s = document.getElementsByTagName('script')[0];s.parentNode.insertBefore(gs, s);})();
  </script>`;
}

/** The Refstack install snippet: the stub, then the async tag (or PartnerStackJS's loader on the classic page). */
export function refstackTag(cfg: ScriptConfig & { consentRequired?: boolean; classic?: boolean }): Html {
  const src = `${cfg.ingestUrl}/refstack.js`;
  if (cfg.classic) return classicTag(src, cfg.publishableKey);
  return cfg.consentRequired
    ? html`${STUB}
    <script async src="${src}" data-key="${cfg.publishableKey}" data-consent="required"></script>`
    : html`${STUB}
    <script async src="${src}" data-key="${cfg.publishableKey}"></script>`;
}

export function shell(o: ShellOptions): Html {
  const nav = o.user
    ? html`<a href="${o.appOrigin}/app">Dashboard</a>
        <form method="post" action="${o.appOrigin}/logout"><button class="link-button" id="logout" type="submit">Log out</button></form>`
    : html`<a href="${o.appOrigin}/login">Log in</a> <a class="btn" href="${o.appOrigin}/signup">Start free trial</a>`;
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${o.title}</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/assets/acme.css" />
    ${o.script ? refstackTag(o.script) : ''}
  </head>
  <body class="${o.bodyClass ?? ''}">
    <header>
      <div class="bar">
        <a class="logo" href="${o.wwwOrigin}/">acme<span>.</span></a>
        <nav>
          <a href="${o.wwwOrigin}/pricing">Pricing</a>
          <a href="${o.wwwOrigin}/consent">Cookie demo</a>
          <a href="${o.wwwOrigin}/vendor">Vendor view</a>
          ${nav}
        </nav>
      </div>
    </header>
    <main>${o.body}</main>
    <footer>Acme is a demo vendor for Refstack, open-source partner attribution. Nothing here is real.</footer>
    <script src="/assets/acme.js"></script>
    ${o.tail ?? ''}
  </body>
</html>`;
}

/** Minor units to a display string: formatMoney(4000, 'USD') === '$40.00'. */
export function formatMoney(amount: unknown, currency: unknown): string {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return String(amount ?? '');
  const cur = typeof currency === 'string' ? currency.toUpperCase() : '';
  try {
    const fmt = new Intl.NumberFormat('en-US', { style: 'currency', currency: cur });
    const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
    return fmt.format(amount / 10 ** digits);
  } catch {
    return `${(amount / 100).toFixed(2)} ${cur}`.trim();
  }
}
