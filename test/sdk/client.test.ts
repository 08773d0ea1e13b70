// @vitest-environment jsdom
// The client against a scripted ingest: which requests go out (exactly), with what bodies,
// and what ends up in the cookies.
import { beforeEach, describe, expect, test } from 'vitest';
import { API, KEY, calls, cookie, cookiesFor, ingest, reply, resetPage, settle, start, type Handler } from './helpers';

beforeEach(() => resetPage());

describe('a page view without partner parameters', () => {
  test('sends no request at all and writes nothing', async () => {
    const { api } = await start();
    await settle();
    expect(calls).toEqual([]);
    expect(document.cookie).toBe('');
    expect(await api.attribution()).toBeNull();
  });

  test('identify with no attribution resolves locally, with no request', async () => {
    const { api } = await start();
    expect(await api.identify({ customerKey: 'c1', email: 'a@b.test' })).toEqual({ customerKey: 'c1', partnerKey: null });
    expect(calls).toEqual([]);
  });

  test('signup is still sent (the customer is recorded, not attributed)', async () => {
    const { api } = await start();
    expect(await api.signup({ customerKey: 'c1', email: 'a@b.test' })).toEqual({ customerKey: 'c1', partnerKey: null });
    expect(calls.map((c) => [c.path, c.body])).toEqual([['/v1/signups', { key: KEY, customerKey: 'c1', email: 'a@b.test' }]]);
  });
});

describe('a partner link', () => {
  test('without xid: exactly one click, then cookies from the answer on the root domain', async () => {
    resetPage('https://www.acme.test/pricing?ps_partner_key=amFuZQ==');
    reply(ingest({ partnerKey: 'jane', xid: 'x_9', cookieWindowDays: 30 }));
    const { api } = await start();
    await settle();
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe(API + '/v1/clicks');
    expect(calls[0].body).toEqual({ key: KEY, partnerKey: 'amFuZQ==', url: 'https://www.acme.test/pricing?ps_partner_key=amFuZQ==' });
    expect(calls[0].init).toMatchObject({ method: 'POST', credentials: 'include', keepalive: true });
    expect(typeof calls[0].init.body).toBe('string'); // sent as text/plain: no CORS preflight
    expect(cookie('ps_partner_key')).toBe('jane');
    expect(cookie('ps_xid')).toBe('x_9');
    // refstack_link: the value the link carried, so a reload of this link is known as this click.
    expect(cookiesFor('https://app.acme.test/').sort()).toEqual(['ps_partner_key=jane', 'ps_xid=x_9', 'refstack_link=amFuZQ%3D%3D']);
    expect(await api.attribution()).toEqual({ partnerKey: 'jane', xid: 'x_9' });
  });

  test('with an xid (came through the short link): one click request carrying it; 200 is fine', async () => {
    resetPage('https://www.acme.test/?ps_partner_key=jane&ps_xid=x_1');
    await start();
    await settle();
    expect(calls.map((c) => c.body)).toEqual([{ key: KEY, partnerKey: 'jane', xid: 'x_1', url: 'https://www.acme.test/?ps_partner_key=jane&ps_xid=x_1' }]);
    expect(cookie('ps_xid')).toBe('x_1');
  });

  test('the referrer is reported when there is one', async () => {
    resetPage('https://www.acme.test/?ps_partner_key=jane');
    Object.defineProperty(document, 'referrer', { configurable: true, value: 'https://blog.test/post' });
    await start();
    await settle();
    delete (document as any).referrer;
    expect(calls[0].body.referrer).toBe('https://blog.test/post');
  });

  test('legacy gspk/gsxid are sent raw as partnerKey/xid', async () => {
    resetPage('https://www.acme.test/?gspk=amFuZQ%3D%3D&gsxid=g1');
    await start();
    await settle();
    expect(calls.map((c) => [c.body.partnerKey, c.body.xid])).toEqual([['amFuZQ==', 'g1']]);
  });

  test('the navigated URL is read when a router already rewrote the address: still one click', async () => {
    resetPage('https://www.acme.test/app', 'https://www.acme.test/?ps_partner_key=jane');
    await start();
    await settle();
    expect(calls.map((c) => c.body.url)).toEqual(['https://www.acme.test/?ps_partner_key=jane']);
  });

  test('the same link in the navigated URL and the address: one click, not two', async () => {
    resetPage('https://www.acme.test/?ps_partner_key=jane');
    await start();
    await settle();
    expect(calls).toHaveLength(1);
  });

  test('pushState / replaceState / popstate to a URL with partner parameters are captured once each link', async () => {
    const { api } = await start();
    history.pushState({}, '', '/a?ps_partner_key=jane');
    history.replaceState({}, '', '/a?ps_partner_key=jane'); // same link: no second click
    history.pushState({}, '', '/b');
    await settle();
    expect(calls.map((c) => c.body.partnerKey)).toEqual(['jane']);
    history.replaceState({}, '', '/c?ps_partner_key=bob&ps_xid=x_b');
    window.dispatchEvent(new PopStateEvent('popstate'));
    await settle();
    expect(calls.map((c) => c.body.partnerKey)).toEqual(['jane', 'bob']);
    expect(await api.attribution()).toEqual({ partnerKey: 'bob', xid: 'x_b' });
    expect(location.pathname).toBe('/c'); // the page's own navigation still happens
    // Back/forward: the address changes without pushState/replaceState (the unpatched method
    // stands in for the browser), then popstate fires.
    History.prototype.replaceState.call(history, {}, '', '/d?ps_partner_key=carol');
    await settle();
    expect(calls).toHaveLength(2);
    window.dispatchEvent(new PopStateEvent('popstate'));
    await settle();
    expect(calls.map((c) => c.body.partnerKey)).toEqual(['jane', 'bob', 'carol']);
  });

  test('a refused click (4xx) stores nothing', async () => {
    resetPage('https://www.acme.test/?ps_partner_key=nobody');
    reply(() => ({ status: 404, json: { error: { code: 'not_found', message: 'no partner', field: 'partnerKey' } } }));
    const { api } = await start();
    await settle();
    expect(calls).toHaveLength(1);
    expect(document.cookie).toBe('');
    expect(await api.attribution()).toBeNull();
  });
});

describe('a reload of a direct link (no xid in the URL)', () => {
  // The ingest on another site than the page cannot see its own cookie: the script must name the click.
  const view = async (url: string, answers = ingest()) => {
    resetPage(url, url, true);
    reply(answers);
    await start();
    await settle();
    return calls.map((c) => c.body);
  };

  test('the second page view sends the stored xid: the ingest confirms it (200), cookies unchanged', async () => {
    const url = 'https://www.acme.test/?ps_partner_key=jane';
    expect(await view(url)).toEqual([{ key: KEY, partnerKey: 'jane', url }]);
    expect(cookie('ps_xid')).toBe('x_new');
    expect(await view(url)).toEqual([{ key: KEY, partnerKey: 'jane', xid: 'x_new', url }]);
    expect(await view(url)).toEqual([{ key: KEY, partnerKey: 'jane', xid: 'x_new', url }]);
    expect([cookie('ps_partner_key'), cookie('ps_xid')]).toEqual(['jane', 'x_new']);
  });

  test('a base64 (or legacy gspk) link is known by the value it carried, not only by the canonical key', async () => {
    const url = 'https://www.acme.test/?gspk=amFuZQ%3D%3D';
    await view(url, ingest({ partnerKey: 'jane', xid: 'x_1' }));
    expect(cookie('ps_partner_key')).toBe('jane');
    expect(await view(url, ingest({ partnerKey: 'jane' }))).toEqual([{ key: KEY, partnerKey: 'amFuZQ==', xid: 'x_1', url }]);
    expect([cookie('ps_partner_key'), cookie('ps_xid')]).toEqual(['jane', 'x_1']);
    // The canonical key in a link of its own is a different link: the ingest decides (its cookie, or a new click).
    expect((await view('https://www.acme.test/?ps_partner_key=jane'))[0].xid).toBeUndefined();
  });

  test('another partner\'s link sends no xid; the stored click expired: the ingest answers a new one, which is stored', async () => {
    await view('https://www.acme.test/?ps_partner_key=jane');
    expect((await view('https://www.acme.test/?ps_partner_key=bob'))[0].xid).toBeUndefined();
    expect(cookie('ps_partner_key')).toBe('bob'); // last_click
    const expired: Handler = (path, body) => ({ status: 201, json: { xid: 'x_fresh', partnerKey: body.partnerKey, cookieWindowDays: 90, attributionModel: 'last_click' } });
    expect((await view('https://www.acme.test/?ps_partner_key=bob', expired))[0].xid).toBe('x_new');
    expect(cookie('ps_xid')).toBe('x_fresh');
  });

  test('a link with its own xid (the short link) is sent as it is', async () => {
    await view('https://www.acme.test/?ps_partner_key=jane');
    expect((await view('https://www.acme.test/?ps_partner_key=jane&ps_xid=x_2'))[0].xid).toBe('x_2');
  });
});

describe('attribution model', () => {
  const visit = async (url: string, model: string) => {
    resetPage(url);
    document.cookie = 'ps_partner_key=first;path=/;domain=acme.test';
    document.cookie = 'ps_xid=x_first;path=/;domain=acme.test';
    reply(ingest({ attributionModel: model }));
    const { api } = await start();
    await settle();
    return api.attribution();
  };

  test('last_click: a newer link replaces the stored partner', async () => {
    expect(await visit('https://www.acme.test/?ps_partner_key=second', 'last_click')).toEqual({ partnerKey: 'second', xid: 'x_new' });
  });

  test('first_click: the stored partner is kept', async () => {
    expect(await visit('https://www.acme.test/?ps_partner_key=second', 'first_click')).toEqual({ partnerKey: 'first', xid: 'x_first' });
    expect(calls).toHaveLength(1); // the click itself is still recorded
  });

  test('first_click with nothing stored: the link is stored, for cookieWindowDays', async () => {
    resetPage('https://www.acme.test/?ps_partner_key=jane');
    reply(ingest({ attributionModel: 'first_click', cookieWindowDays: 1 }));
    const writes: string[] = [];
    const desc = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!;
    Object.defineProperty(document, 'cookie', {
      configurable: true,
      get: () => desc.get!.call(document),
      set: (v) => (writes.push(v), desc.set!.call(document, v)),
    });
    await start();
    await settle();
    delete (document as any).cookie;
    expect(writes.filter((w) => w.startsWith('ps_'))).toEqual([
      'ps_partner_key=jane;path=/;max-age=86400;SameSite=Lax;domain=acme.test;Secure',
      'ps_xid=x_new;path=/;max-age=86400;SameSite=Lax;domain=acme.test;Secure',
    ]);
  });
});

describe('signup and identify', () => {
  test('a signup right at load waits for the click and carries its xid and canonical key', async () => {
    resetPage('https://www.acme.test/?ps_partner_key=amFuZQ==');
    reply(ingest({ partnerKey: 'jane', xid: 'x_7' }));
    const { api } = await start();
    const r = await api.signup({ customerKey: 'c1', email: 'a@b.test', name: 'Ada', metadata: { plan: 'pro' } });
    expect(r).toEqual({ customerKey: 'c1', partnerKey: 'jane' });
    expect(calls.map((c) => c.path)).toEqual(['/v1/clicks', '/v1/signups']);
    expect(calls[1].body).toEqual({ key: KEY, customerKey: 'c1', email: 'a@b.test', name: 'Ada', metadata: { plan: 'pro' }, partnerKey: 'jane', xid: 'x_7' });
  });

  test('identify with an attribution reports it once', async () => {
    document.cookie = 'ps_partner_key=jane;path=/';
    document.cookie = 'ps_xid=x_1;path=/';
    const { api } = await start();
    expect(await api.identify({ customerKey: 'c1' })).toEqual({ customerKey: 'c1', partnerKey: 'jane' });
    expect(calls.map((c) => [c.path, c.body])).toEqual([['/v1/identify', { key: KEY, customerKey: 'c1', partnerKey: 'jane', xid: 'x_1' }]]);
  });

  test('a partnerKey given with the signup is used only when there is no attribution', async () => {
    const { api } = await start();
    await api.signup({ customerKey: 'c1', email: 'a@b.test', partnerKey: 'fallback' });
    document.cookie = 'ps_partner_key=jane;path=/;domain=acme.test';
    await api.signup({ customerKey: 'c2', email: 'b@b.test', partnerKey: 'fallback' });
    expect(calls.map((c) => c.body.partnerKey)).toEqual(['fallback', 'jane']);
  });

  test('an already existing customer (200) resolves the same way', async () => {
    reply(() => ({ status: 200, json: { customer: { key: 'c1', partnerKey: 'jane' } } }));
    const { api } = await start();
    expect(await api.signup({ customerKey: 'c1', email: 'a@b.test' })).toEqual({ customerKey: 'c1', partnerKey: 'jane' });
  });

  test('a refused signup rejects with the error code and status, and is not kept', async () => {
    reply(() => ({ status: 422, json: { error: { code: 'invalid', message: 'email is invalid', field: 'email' } } }));
    const { api } = await start();
    await expect(api.signup({ customerKey: 'c1', email: 'nope' })).rejects.toMatchObject({ message: 'email is invalid', code: 'invalid', status: 422 });
    expect(localStorage.getItem('refstack_outbox')).toBeNull();
  });

  test('commands keep their order', async () => {
    document.cookie = 'ps_partner_key=jane;path=/';
    const { api } = await start();
    await Promise.all([api.signup({ customerKey: 'c1', email: 'a@b.test' }), api.identify({ customerKey: 'c1' }), api.signup({ customerKey: 'c2', email: 'b@b.test' })]);
    expect(calls.map((c) => c.path + ' ' + c.body.customerKey)).toEqual(['/v1/signups c1', '/v1/identify c1', '/v1/signups c2']);
  });

  test('a missing argument rejects and an unknown command resolves, instead of throwing into the page', async () => {
    reply(() => ({ status: 422, json: { error: { code: 'invalid', message: 'customerKey is required', field: 'customerKey' } } }));
    const { api, command } = await start();
    let p: Promise<unknown> | undefined;
    expect(() => (p = (api.signup as any)())).not.toThrow();
    await expect(p).rejects.toMatchObject({ code: 'invalid', field: 'customerKey', status: 422 });
    expect(calls.map((c) => c.body)).toEqual([{ key: KEY }]); // the ingest validates
    await expect(command('nope')).resolves.toBeUndefined();
    expect(calls).toHaveLength(1);
  });
});

describe('consent required', () => {
  test('nothing is written or sent until consent(true); then the held work runs in order', async () => {
    resetPage('https://www.acme.test/?ps_partner_key=jane');
    const { api } = await start({ consent: 'required' });
    let early: unknown;
    const held = api.signup({ customerKey: 'c1', email: 'a@b.test' }).then((r: unknown) => (early = r));
    await settle();
    // Held, not answered with a guess: the promise settles with the ingest's answer after consent.
    expect(early).toBeUndefined();
    expect(calls).toEqual([]);
    expect(document.cookie).toBe('');
    expect(localStorage.length).toBe(0);
    await api.consent(true);
    await settle();
    await held;
    expect(early).toEqual({ customerKey: 'c1', partnerKey: 'jane' });
    expect(calls.map((c) => c.path)).toEqual(['/v1/clicks', '/v1/signups']);
    expect(calls[1].body).toMatchObject({ partnerKey: 'jane', xid: 'x_new' });
    expect(cookie('ps_partner_key')).toBe('jane');
  });

  test('a grant is not remembered by the script: each page view waits for consent(true)', async () => {
    resetPage('https://www.acme.test/?ps_partner_key=jane');
    const { api } = await start({ consent: 'required' });
    await api.consent(true);
    await settle();
    expect(calls).toHaveLength(1);
    expect(cookie('refstack_consent')).toBeUndefined();
    resetPage('https://www.acme.test/?ps_partner_key=bob');
    const next = await start({ consent: 'required' });
    await settle();
    expect(calls).toEqual([]);
    await next.api.consent(true);
    await settle();
    expect(calls).toHaveLength(1);
  });

  test('consent(true) before the client starts does not open the gate early', async () => {
    const client = await import('../../sdk/client');
    let answer: unknown;
    const held = client.command('signup', { customerKey: 'c1', email: 'a@b.test' }).then((r: unknown) => (answer = r));
    await client.command('consent', true);
    await settle();
    expect(answer).toBeUndefined();
    expect(calls).toEqual([]);
    client.init(KEY, API);
    await settle();
    expect(calls.map((c) => c.url)).toEqual([API + '/v1/signups']);
    await held;
    expect(answer).toEqual({ customerKey: 'c1', partnerKey: null });
  });

  test('consent(false) drops held work and clears the cookies and storage written', async () => {
    resetPage('https://www.acme.test/?ps_partner_key=jane');
    reply(() => 'network');
    const { api } = await start({ consent: 'required' });
    await api.consent(true);
    await settle();
    await api.signup({ customerKey: 'c1', email: 'a@b.test' });
    expect(cookie('ps_partner_key')).toBe('jane');
    expect(localStorage.getItem('refstack_outbox')).not.toBeNull();
    await api.consent(false);
    expect(document.cookie).toBe('');
    expect(cookiesFor('https://app.acme.test/')).toEqual([]);
    expect(localStorage.getItem('refstack_outbox')).toBeNull();
    const n = calls.length;
    // Refused consent: the call is held (its promise stays pending) and nothing is sent.
    let settled = false;
    void api.signup({ customerKey: 'c2', email: 'b@b.test' }).then(() => (settled = true));
    await settle();
    expect(calls.length).toBe(n);
    expect(settled).toBe(false);
    expect(document.cookie).toBe('');
    // Reading needs no consent: what is stored, now nothing.
    expect(await api.attribution()).toBeNull();
  });
});

describe('a second start', () => {
  test('changes nothing', async () => {
    const client = await import('../../sdk/client');
    client.init(KEY, API);
    client.init('pk_other', 'https://other.test', 'required');
    await client.methods().signup({ customerKey: 'c1', email: 'a@b.test' });
    expect(calls.map((c) => [c.url, c.body.key])).toEqual([[API + '/v1/signups', KEY]]);
  });
});
