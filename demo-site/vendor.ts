// The vendor view at /vendor: what Refstack recorded for Acme's program, read server-side
// from the ingest API with the secret key (partners with links, stats and balances,
// customers, transactions, rewards, offers). Every value comes from partners or visitors
// and is rendered through hono/html, which escapes it; a failing API call shows its error in
// its own section and the rest of the page still renders.
import { html } from 'hono/html';
import type { ApiResult, IngestClient } from './ingest-client.js';
import { formatMoney, shell, type Html } from './layout.js';

/** How many partners get their detail (stats, balances) fetched for the table. */
const PARTNER_DETAIL_LIMIT = 50;
const LIST_LIMIT = 100;

type Any = Record<string, any>;

/** A display string for any JSON value (objects as compact JSON); escaping happens in html``. */
function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

function when(v: unknown): string {
  const d = typeof v === 'number' ? new Date(v) : typeof v === 'string' ? new Date(v) : null;
  return d && !Number.isNaN(d.getTime()) ? d.toISOString().replace('T', ' ').slice(0, 19) : text(v);
}

/** An offer or source may be an object or a plain key: show its name/key/id. */
function label(v: unknown): string {
  if (v && typeof v === 'object') {
    const o = v as Any;
    const main = o.name ?? o.key ?? o.id;
    const kind = o.type ?? o.event;
    if (main !== undefined) return kind !== undefined ? `${text(kind)} ${text(main)}` : text(main);
  }
  return text(v);
}

function errorBox(section: string, res: ApiResult<unknown>): Html {
  if (res.ok) return html``;
  const e = res.error;
  return html`<div class="error-box" data-section="${section}" data-status="${String(e.status)}">Could not load ${section}: ${e.status ? `HTTP ${e.status}` : 'no answer'} (${e.code}) ${e.message}</div>`;
}

function money(rows: unknown): Html {
  if (!Array.isArray(rows) || rows.length === 0) return html`<span class="muted">—</span>`;
  return html`${rows.map(
    (b: Any) =>
      html`<div data-currency="${text(b.currency)}">${text(b.currency)}: pending ${formatMoney(b.pending, b.currency)} · approved <strong>${formatMoney(b.approved, b.currency)}</strong> · paid ${formatMoney(b.paid, b.currency)}</div>`,
  )}`;
}

function partnersSection(list: ApiResult<Any>, details: Map<string, Any>): Html {
  const partners: Any[] = list.ok && Array.isArray(list.data?.partners) ? list.data.partners : [];
  const rows = partners.map((p) => {
    const d = details.get(text(p.key)) ?? p;
    const links: Any[] = Array.isArray(d.links) ? d.links : Array.isArray(p.links) ? p.links : [];
    const stats: Any = d.stats ?? {};
    return html`<tr data-key="${text(p.key)}">
        <td><strong class="partner-name">${text(p.name)}</strong><br /><span class="muted partner-email">${text(p.email)}</span></td>
        <td><code>${text(p.key)}</code>${p.groupKey ? html`<br /><span class="pill">${text(p.groupKey)}</span>` : ''}${Array.isArray(p.tags) && p.tags.length ? html` ${p.tags.map((t: unknown) => html`<span class="pill">${text(t)}</span> `)}` : ''}</td>
        <td>${links.length ? links.map((l) => html`<div><a class="partner-link" href="${text(l.url)}">${text(l.url)}</a><br /><span class="muted">→ ${text(l.destination) || 'program default'}</span></div>`) : html`<span class="muted">—</span>`}</td>
        <td class="num" data-stat="clicks">${text(stats.clicks ?? '—')}</td>
        <td class="num" data-stat="customers">${text(stats.customers ?? '—')}</td>
        <td class="num" data-stat="revenue">${revenue(stats.revenueByCurrency ?? stats.revenue)}</td>
        <td class="balances">${money(d.balances)}</td>
      </tr>`;
  });
  return html`<section id="partners">
      <h2>Partners <span class="muted">(${String(partners.length)}${list.ok && list.data?.hasMore ? '+' : ''})</span></h2>
      ${errorBox('partners', list)}
      ${rows.length
        ? html`<table><thead><tr><th>Partner</th><th>Key / group</th><th>Links</th><th class="num">Clicks</th><th class="num">Customers</th><th class="num">Revenue</th><th>Balance</th></tr></thead><tbody>${rows}</tbody></table>`
        : list.ok ? html`<p class="muted">No partners yet.</p>` : ''}
    </section>`;
}

/** Revenue as [{ currency, amount }] (stats.revenueByCurrency), { USD: 4000 }, or a bare number (minor units). */
function revenue(v: unknown): Html {
  if (Array.isArray(v) && v.length === 0) return html`<span class="muted">—</span>`;
  if (Array.isArray(v)) return html`${v.map((r: Any) => html`<div>${formatMoney(r.amount, r.currency)}</div>`)}`;
  if (v && typeof v === 'object') return html`${Object.entries(v as Any).map(([cur, amt]) => html`<div>${formatMoney(amt, cur)}</div>`)}`;
  if (typeof v === 'number') return html`${(v / 100).toFixed(2)}`;
  return html`${text(v ?? '—')}`;
}

function listSection(id: string, title: string, res: ApiResult<Any>, field: string, head: Html, row: (x: Any) => Html): Html {
  const items: Any[] = res.ok && Array.isArray(res.data?.[field]) ? res.data[field] : [];
  return html`<section id="${id}">
      <h2>${title} <span class="muted">(${String(items.length)}${res.ok && res.data?.hasMore ? '+' : ''})</span></h2>
      ${errorBox(id, res)}
      ${items.length
        ? html`<table><thead>${head}</thead><tbody>${items.map(row)}</tbody></table>`
        : res.ok ? html`<p class="muted">None yet.</p>` : ''}
    </section>`;
}

export async function vendorPage(api: IngestClient, nav: { wwwOrigin: string; appOrigin: string; apiUrl: string }): Promise<Html> {
  const [partners, customers, transactions, rewards, offers] = await Promise.all([
    api.get<Any>(`/v1/partners?limit=${LIST_LIMIT}`),
    api.get<Any>(`/v1/customers?limit=${LIST_LIMIT}`),
    api.get<Any>(`/v1/transactions?limit=${LIST_LIMIT}`),
    api.get<Any>(`/v1/rewards?limit=${LIST_LIMIT}`),
    api.get<Any>(`/v1/offers?limit=${LIST_LIMIT}`),
  ]);

  const details = new Map<string, Any>();
  if (partners.ok && Array.isArray(partners.data?.partners)) {
    const keys = partners.data.partners.slice(0, PARTNER_DETAIL_LIMIT).map((p: Any) => text(p.key));
    const got = await Promise.all(keys.map((k: string) => api.get<Any>(`/v1/partners/${encodeURIComponent(k)}`)));
    got.forEach((r, i) => {
      if (r.ok && r.data?.partner) details.set(keys[i], r.data.partner);
    });
  }

  const body = html`<h1>Vendor view</h1>
    <p class="lead">What Refstack recorded for Acme's program, read with the secret key from <code>${nav.apiUrl}</code>.
      <a id="refresh" href="/vendor">Refresh</a></p>
    ${partnersSection(partners, details)}
    ${listSection(
      'customers',
      'Customers',
      customers,
      'customers',
      html`<tr><th>Customer key</th><th>Email</th><th>Name</th><th>Partner</th><th>Metadata</th><th>Created (UTC)</th></tr>`,
      (c) => html`<tr data-key="${text(c.key)}"><td><code>${text(c.key)}</code></td><td class="customer-email">${text(c.email)}</td><td class="customer-name">${text(c.name)}</td>
          <td>${c.partnerKey ? html`<code>${text(c.partnerKey)}</code>` : html`<span class="muted">direct</span>`}</td>
          <td>${c.metadata && Object.keys(c.metadata).length ? html`<code>${text(c.metadata)}</code>` : ''}</td><td>${when(c.createdAt)}</td></tr>`,
    )}
    ${listSection(
      'transactions',
      'Transactions',
      transactions,
      'transactions',
      html`<tr><th>Key</th><th>Customer</th><th>Partner</th><th class="num">Amount</th><th>Created (UTC)</th></tr>`,
      (t) => html`<tr data-key="${text(t.key)}"><td><code>${text(t.key)}</code></td><td><code>${text(t.customerKey)}</code></td>
          <td>${t.partnerKey ? html`<code>${text(t.partnerKey)}</code>` : html`<span class="muted">—</span>`}</td>
          <td class="num">${formatMoney(t.amount, t.currency)}</td><td>${when(t.createdAt)}</td></tr>`,
    )}
    ${listSection(
      'rewards',
      'Rewards',
      rewards,
      'rewards',
      html`<tr><th>Id</th><th>Partner</th><th class="num">Amount</th><th>Status</th><th>Offer</th><th>Source</th><th>Created (UTC)</th></tr>`,
      (r) => html`<tr data-id="${text(r.id)}"><td><code>${text(r.id)}</code></td><td><code>${text(r.partnerKey)}</code></td>
          <td class="num">${formatMoney(r.amount, r.currency)}</td><td><span class="pill ${text(r.status)}">${text(r.status)}</span></td>
          <td>${label(r.offer)}</td><td>${label(r.source)}</td><td>${when(r.createdAt)}</td></tr>`,
    )}
    ${listSection(
      'offers',
      'Offers',
      offers,
      'offers',
      html`<tr><th>Name</th><th>Event</th><th class="num">Reward</th><th>Group</th></tr>`,
      (o) => html`<tr data-key="${text(o.key ?? o.id)}"><td>${text(o.name)}</td><td><code>${text(o.event)}</code></td>
          <td class="num">${typeof o.bps === 'number' ? `${o.bps / 100}%` : formatMoney(o.amount, o.currency)}</td><td>${text(o.groupKey ?? 'all')}</td></tr>`,
    )}`;

  return shell({ title: 'Vendor view · Acme', wwwOrigin: nav.wwwOrigin, appOrigin: nav.appOrigin, bodyClass: 'wide', body });
}
