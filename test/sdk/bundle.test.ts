// @vitest-environment node
// The built dist/refstack.js (run `npm run build` first; `npm test` does), loaded by a script
// tag into a jsdom page: install, stub replay, second copy, growsumo compat, broken pages.
import { readFileSync } from 'node:fs';
import { JSDOM, ResourceLoader, VirtualConsole } from 'jsdom';
import { describe, expect, test } from 'vitest';

const SCRIPT = readFileSync(new URL('../../dist/refstack.js', import.meta.url), 'utf8');
const SRC = 'https://track.acme.test/refstack.js';

class Loader extends ResourceLoader {
  override fetch(url: string, options: any) {
    if (url == SRC) return Promise.resolve(Buffer.from(SCRIPT)) as any;
    return super.fetch(url, options);
  }
}

interface Page {
  dom: JSDOM;
  window: any;
  calls: Array<{ url: string; body: any }>;
  errors: unknown[];
  warnings: string[];
}

type Reply = { status: number; json?: unknown } | 'network';

const answer = (url: string, body: any): Reply => {
  if (url.endsWith('/v1/clicks')) return { status: body.xid ? 200 : 201, json: { xid: body.xid || 'x_new', partnerKey: body.partnerKey, cookieWindowDays: 90, attributionModel: 'last_click' } };
  return { status: 201, json: { customer: { key: body.customerKey, partnerKey: body.partnerKey || null } } };
};

/** Loads `html` at `url` with a scripted fetch; resolves once every script ran and the page loaded. */
const open = async (
  html: string,
  { url = 'https://www.acme.test/', reply = answer, setup }: { url?: string; reply?: (url: string, body: any) => Reply; setup?: (w: any) => void } = {},
): Promise<Page> => {
  const calls: Page['calls'] = [];
  const errors: unknown[] = [];
  const warnings: string[] = [];
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', (e) => errors.push(e));
  virtualConsole.on('warn', (...a) => warnings.push(a.join(' ')));
  const dom = new JSDOM(html, {
    url,
    runScripts: 'dangerously',
    resources: new Loader(),
    virtualConsole,
    beforeParse(w: any) {
      w.fetch = async (u: string, init: any) => {
        const body = JSON.parse(init.body);
        calls.push({ url: u, body });
        const r = reply(u, body);
        if (r == 'network') throw new TypeError('Failed to fetch');
        return { ok: r.status < 300, status: r.status, json: async () => r.json };
      };
      w.navigator.sendBeacon = () => true;
      w.addEventListener('error', (e: any) => errors.push(e.error));
      w.addEventListener('unhandledrejection', (e: any) => errors.push(e.reason));
      setup?.(w);
    },
  });
  await new Promise((resolve) => dom.window.addEventListener('load', resolve));
  await settle();
  return { dom, window: dom.window, calls, errors, warnings };
};

const settle = () => new Promise((r) => setTimeout(r, 20));
const tag = (attrs = 'data-key="pk_live_1"') => `<script async src="${SRC}" ${attrs}></script>`;

describe('the built script', () => {
  test('installs refstack and growsumo; a page without partner parameters sends nothing', async () => {
    const { window, calls, errors } = await open(tag());
    expect(window.refstack.loaded).toBe(true);
    for (const m of ['signup', 'identify', 'attribution', 'consent']) expect(typeof window.refstack[m]).toBe('function');
    expect(typeof window.growsumo.createSignup).toBe('function');
    expect(await window.refstack.attribution()).toBeNull();
    await settle();
    expect(calls).toEqual([]);
    expect(errors).toEqual([]);
  });

  test('a partner link: one click to the origin of the script src, cookies on the root domain', async () => {
    const { dom, window, calls } = await open(tag(), { url: 'https://www.acme.test/?ps_partner_key=jane' });
    expect(calls).toEqual([{ url: 'https://track.acme.test/v1/clicks', body: { key: 'pk_live_1', partnerKey: 'jane', url: 'https://www.acme.test/?ps_partner_key=jane' } }]);
    expect(await window.refstack.attribution()).toEqual({ partnerKey: 'jane', xid: 'x_new' });
    const jar = dom.cookieJar.getCookiesSync('https://app.acme.test/');
    expect(jar.map((c) => [c.key, c.value, c.domain, c.path, c.secure, c.sameSite, c.maxAge])).toEqual([
      ['ps_partner_key', 'jane', 'acme.test', '/', true, 'lax', 7776000],
      ['ps_xid', 'x_new', 'acme.test', '/', true, 'lax', 7776000],
      ['refstack_link', 'jane', 'acme.test', '/', true, 'lax', 7776000],
    ]);
  });

  test('data-api overrides the ingest URL', async () => {
    const { calls } = await open(tag('data-key="pk_live_1" data-api="https://api.acme.test"'), { url: 'https://www.acme.test/?ps_partner_key=jane' });
    expect(calls.map((c) => c.url)).toEqual(['https://api.acme.test/v1/clicks']);
  });

  test('replays the stub queue in order; a bad call does not stop the rest', async () => {
    const stub = `<script>
      window.refstack=window.refstack||function(){(refstack.q=refstack.q||[]).push(arguments)};
      refstack('signup', { customerKey: 'c1', email: 'a@b.test' });
      refstack('no-such-command');
      refstack('signup', null);
      refstack('identify', { customerKey: 'c1' });
      refstack('signup', { customerKey: 'c2', email: 'b@b.test' });
    </script>`;
    const { window, calls, errors } = await open(stub + tag('data-key="pk_live_1" data-debug'), { url: 'https://www.acme.test/?ps_partner_key=jane' });
    expect(calls.map((c) => new URL(c.url).pathname + ' ' + (c.body.customerKey || ''))).toEqual(['/v1/clicks ', '/v1/signups c1', '/v1/signups ', '/v1/identify c1', '/v1/signups c2']);
    expect(errors).toEqual([]);
    expect(window.refstack.q).toBeUndefined();
    // after load, the function form still works and returns a Promise
    const p = window.refstack('signup', { customerKey: 'c3', email: 'c@b.test' });
    expect(await p).toEqual({ customerKey: 'c3', partnerKey: 'jane' });
  });

  test('a second copy of the tag neither re-initialises nor changes config', async () => {
    const { window, calls, warnings } = await open(tag() + tag('data-key="pk_other" data-api="https://evil.test" data-debug'), {
      url: 'https://www.acme.test/?ps_partner_key=jane',
    });
    expect(calls.map((c) => [c.url, c.body.key])).toEqual([['https://track.acme.test/v1/clicks', 'pk_live_1']]);
    await window.refstack.signup({ customerKey: 'c1', email: 'a@b.test' });
    expect(calls.map((c) => c.body.key)).toEqual(['pk_live_1', 'pk_live_1']);
    expect(warnings.some((w) => w.startsWith('[refstack]'))).toBe(true);
  });

  test('data-consent="required": nothing written or sent until refstack.consent(true)', async () => {
    const { dom, window, calls } = await open(tag('data-key="pk_live_1" data-consent="required"'), { url: 'https://www.acme.test/?ps_partner_key=jane' });
    expect(calls).toEqual([]);
    expect(dom.cookieJar.getCookiesSync('https://www.acme.test/')).toEqual([]);
    expect(window.localStorage.length).toBe(0);
    await window.refstack.consent(true);
    await settle();
    expect(calls.map((c) => new URL(c.url).pathname)).toEqual(['/v1/clicks']);
  });

  test('no uncaught error when storage throws and the network is down', async () => {
    const { window, errors } = await open(tag(), {
      url: 'https://www.acme.test/?ps_partner_key=jane',
      reply: () => 'network',
      setup(w) {
        Object.defineProperty(w, 'localStorage', {
          get() {
            throw new w.DOMException('denied', 'SecurityError');
          },
        });
      },
    });
    expect(await window.refstack.signup({ customerKey: 'c1', email: 'a@b.test' })).toEqual({ customerKey: 'c1', partnerKey: 'jane' });
    window.dispatchEvent(new window.Event('pagehide'));
    await settle();
    expect(errors).toEqual([]);
  });
});

describe('PartnerStackJS compatibility', () => {
  // PartnerStack's own snippet: load the script, then _initialize and growsumoInit on load.
  const snippet = `<script>
    window.log = [];
    function growsumoInit() {
      log.push('init');
      growsumo.data = { name: 'Ada', email: 'ada@b.test', customer_key: 'cus_1' };
      growsumo.createSignup(function () { log.push('callback'); });
    }
    (function () {
      var gs = document.createElement('script');
      gs.src = '${SRC}'; gs.async = true;
      gs.onload = function () {
        try { growsumo._initialize('pk_gs_1'); if (typeof growsumoInit === 'function') growsumoInit(); } catch (e) { log.push('threw ' + e); }
      };
      document.head.appendChild(gs);
    })();
  </script>`;

  test('the PartnerStack snippet: _initialize(pk), growsumoInit, createSignup(callback)', async () => {
    const { window, calls, errors } = await open(snippet, { url: 'https://www.acme.test/?gspk=amFuZQ%3D%3D&gsxid=g_1' });
    await settle();
    expect(window.log).toEqual(['init', 'callback']);
    expect(calls).toEqual([
      { url: 'https://track.acme.test/v1/clicks', body: { key: 'pk_gs_1', partnerKey: 'amFuZQ==', xid: 'g_1', url: 'https://www.acme.test/?gspk=amFuZQ%3D%3D&gsxid=g_1' } },
      { url: 'https://track.acme.test/v1/signups', body: { key: 'pk_gs_1', customerKey: 'cus_1', email: 'ada@b.test', name: 'Ada', partnerKey: 'amFuZQ==', xid: 'g_1' } },
    ]);
    expect(errors).toEqual([]);
  });

  test('with data-key, growsumoInit is called once, when ready; partner_key credits an unreferred visitor', async () => {
    const page = `<script>
      window.n = 0;
      function growsumoInit() {
        n++;
        growsumo.data = { email: 'ada@b.test', customer_key: 'cus_1', partner_key: 'bob' };
        growsumo.createSignup(function () { window.done = true; });
      }
    </script>${tag()}`;
    const { window, calls } = await open(page);
    expect(window.n).toBe(1);
    expect(window.done).toBe(true);
    expect(calls.map((c) => c.body)).toEqual([{ key: 'pk_live_1', customerKey: 'cus_1', email: 'ada@b.test', partnerKey: 'bob' }]);
  });

  test('createSignup calls back even when the signup fails', async () => {
    const { window } = await open(snippet, { reply: () => ({ status: 422, json: { error: { code: 'invalid', message: 'bad' } } }) });
    expect(window.log).toEqual(['init', 'callback']);
  });
});
