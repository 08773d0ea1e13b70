// @vitest-environment jsdom
// The outbox: what is kept when the network fails, how it is retried (backoff, next page
// load, pagehide beacon), its caps, and that a delivered call is sent once.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { API, KEY, beacons, calls, cookie, ingest, outbox, reply, resetPage, settle, start } from './helpers';

beforeEach(() => resetPage());
afterEach(() => vi.useRealTimers());

const fakeTimers = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

describe('a failed signup', () => {
  test('is stored before the first attempt, kept on a network failure, and resolves with what is known', async () => {
    document.cookie = 'ps_partner_key=jane;path=/;domain=acme.test';
    reply(() => 'network');
    const { api } = await start();
    expect(await api.signup({ customerKey: 'c1', email: 'a@b.test' })).toEqual({ customerKey: 'c1', partnerKey: 'jane' });
    expect(outbox()).toMatchObject([{ p: 'signups', b: { customerKey: 'c1', email: 'a@b.test', partnerKey: 'jane' } }]);
    expect(outbox()[0].b.key).toBeUndefined(); // the key is added when sent
  });

  test('is retried with exponential backoff (1s, 2s, 4s) and removed once delivered', async () => {
    fakeTimers();
    reply(() => 'network');
    const { api } = await start();
    await api.signup({ customerKey: 'c1', email: 'a@b.test' });
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(3);
    reply(ingest());
    await vi.advanceTimersByTimeAsync(4000);
    expect(calls).toHaveLength(4);
    expect(outbox()).toEqual([]);
    expect(localStorage.getItem('refstack_outbox')).toBeNull();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toHaveLength(4); // delivered once, never again
    expect(new Set(calls.map((c) => JSON.stringify(c.body))).size).toBe(1); // every retry carries the same body
  });

  test('5xx and 429 are retried; a 4xx on retry drops the entry', async () => {
    fakeTimers();
    const statuses = [503, 429, 408, 400];
    reply(() => ({ status: statuses.shift()!, json: { error: { code: 'x', message: 'x' } } }));
    const { api } = await start();
    await api.signup({ customerKey: 'c1', email: 'a@b.test' });
    await vi.advanceTimersByTimeAsync(1000 + 2000 + 4000);
    expect(calls).toHaveLength(4);
    expect(outbox()).toEqual([]);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toHaveLength(4);
  });

  test('in-page retries stop after a bounded number; the entry waits for the next page load', async () => {
    fakeTimers();
    reply(() => 'network');
    const { api } = await start();
    await api.signup({ customerKey: 'c1', email: 'a@b.test' });
    await vi.advanceTimersByTimeAsync(24 * 3600e3);
    expect(calls).toHaveLength(10); // 1 + 9 retries (1s ... 256s)
    expect(outbox()).toHaveLength(1);
  });
});

describe('the next page load', () => {
  const leftover = (entries: any[]) => localStorage.setItem('refstack_outbox', JSON.stringify(entries));

  test('sends pending work even without partner parameters, in order, then forgets it', async () => {
    leftover([
      { i: 'a', p: 'signups', b: { customerKey: 'c1', email: 'a@b.test' }, t: Date.now() - 1000 },
      { i: 'b', p: 'identify', b: { customerKey: 'c1', partnerKey: 'jane' }, t: Date.now() - 500 },
    ]);
    await start();
    await settle();
    expect(calls.map((c) => [c.path, c.body])).toEqual([
      ['/v1/signups', { key: KEY, customerKey: 'c1', email: 'a@b.test' }],
      ['/v1/identify', { key: KEY, customerKey: 'c1', partnerKey: 'jane' }],
    ]);
    expect(localStorage.getItem('refstack_outbox')).toBeNull();
  });

  test('entries older than 7 days are dropped unsent', async () => {
    leftover([{ i: 'a', p: 'signups', b: { customerKey: 'old' }, t: Date.now() - 8 * 864e5 }]);
    await start();
    await settle();
    expect(calls).toEqual([]);
  });

  test('a retried click is recorded once and leaves the stored attribution as it is', async () => {
    document.cookie = 'ps_partner_key=amFuZQ%3D%3D;path=/;domain=acme.test';
    leftover([{ i: 'a', p: 'clicks', b: { partnerKey: 'amFuZQ==', url: 'https://www.acme.test/?gspk=amFuZQ==' }, t: Date.now() }]);
    reply(ingest({ partnerKey: 'jane', xid: 'x_5' }));
    const { api } = await start();
    await settle();
    expect(calls.map((c) => [c.path, c.body])).toEqual([['/v1/clicks', { key: KEY, partnerKey: 'amFuZQ==', url: 'https://www.acme.test/?gspk=amFuZQ==' }]]);
    expect(localStorage.getItem('refstack_outbox')).toBeNull();
    expect(await api.attribution()).toEqual({ partnerKey: 'amFuZQ==', xid: null });
  });

  test('a retried click does not override a newer attribution', async () => {
    document.cookie = 'ps_partner_key=bob;path=/;domain=acme.test';
    document.cookie = 'ps_xid=x_bob;path=/;domain=acme.test';
    leftover([{ i: 'a', p: 'clicks', b: { partnerKey: 'jane', url: 'https://www.acme.test/?ps_partner_key=jane' }, t: Date.now() }]);
    const { api } = await start();
    await settle();
    expect(await api.attribution()).toEqual({ partnerKey: 'bob', xid: 'x_bob' });
  });

  test('garbage in storage is ignored', async () => {
    localStorage.setItem('refstack_outbox', '{not json');
    await start();
    await settle();
    localStorage.setItem('refstack_outbox', '{"a":1}');
    resetPage();
    localStorage.setItem('refstack_outbox', '{"a":1}');
    await start();
    await settle();
    expect(calls).toEqual([]);
  });
});

describe('a failed click', () => {
  test('without xid: the link is stored as is (last click, 90 days) and the click kept for retry', async () => {
    resetPage('https://www.acme.test/?ps_partner_key=amFuZQ==');
    reply(() => 'network');
    const { api } = await start();
    await settle();
    expect(cookie('ps_partner_key')).toBe('amFuZQ==');
    expect(await api.attribution()).toEqual({ partnerKey: 'amFuZQ==', xid: null });
    expect(outbox()).toMatchObject([{ p: 'clicks', b: { partnerKey: 'amFuZQ==' } }]);
    // a signup meanwhile reports the raw key
    await api.signup({ customerKey: 'c1', email: 'a@b.test' });
    expect(calls.at(-1)!.body.partnerKey).toBe('amFuZQ==');
  });

  test('with an xid: stored from the link, not kept (the short link already recorded it)', async () => {
    resetPage('https://www.acme.test/?ps_partner_key=jane&ps_xid=x_1');
    fakeTimers();
    reply(() => 'network');
    const { api } = await start();
    await vi.advanceTimersByTimeAsync(10);
    expect(await api.attribution()).toEqual({ partnerKey: 'jane', xid: 'x_1' });
    expect(localStorage.getItem('refstack_outbox')).toBeNull();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toHaveLength(1);
  });

  test('retried in the page until recorded, then forgotten', async () => {
    resetPage('https://www.acme.test/?ps_partner_key=amFuZQ==');
    fakeTimers();
    let up = false;
    reply((path, body) => (up ? ingest({ partnerKey: 'jane', xid: 'x_3' })(path, body) : 'network'));
    const { api } = await start();
    await vi.advanceTimersByTimeAsync(10);
    up = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(2);
    expect(await api.attribution()).toEqual({ partnerKey: 'amFuZQ==', xid: null });
    expect(localStorage.getItem('refstack_outbox')).toBeNull();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toHaveLength(2);
  });
});

describe('pagehide', () => {
  test('hands pending signups to sendBeacon (and keeps them), never clicks', async () => {
    resetPage('https://www.acme.test/?ps_partner_key=jane');
    reply(() => 'network');
    const { api } = await start();
    await settle();
    await api.signup({ customerKey: 'c1', email: 'a@b.test' });
    window.dispatchEvent(new Event('pagehide'));
    // xid null: the click was never confirmed (the ingest goes by the partner key).
    expect(beacons).toEqual([{ url: API + '/v1/signups', body: { key: KEY, customerKey: 'c1', email: 'a@b.test', partnerKey: 'jane', xid: null } }]);
    expect(outbox().map((e) => e.p)).toEqual(['clicks', 'signups']);
  });

  test('no timer and no storage write on a page with nothing to do', async () => {
    const setItem = vi.spyOn(Storage.prototype, 'setItem');
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    const { api } = await start();
    await api.attribution();
    await settle();
    expect(setItem).not.toHaveBeenCalled();
    expect(timeout.mock.calls.filter((c) => c[1] !== 0)).toEqual([]);
    window.dispatchEvent(new Event('pagehide'));
    expect(beacons).toEqual([]);
  });
});

test('the outbox keeps at most 20 entries, dropping the oldest', async () => {
  reply(() => 'network');
  const { api } = await start();
  for (let i = 0; i < 25; i++) await api.signup({ customerKey: 'c' + i, email: 'a@b.test' });
  expect(outbox().map((e) => e.b.customerKey)).toEqual(Array.from({ length: 20 }, (_, i) => 'c' + (i + 5)));
});

describe('broken storage and network never throw into the page', () => {
  test('localStorage throwing: calls still go out, nothing throws', async () => {
    resetPage('https://www.acme.test/?ps_partner_key=jane');
    vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    const { api } = await start();
    expect(await api.signup({ customerKey: 'c1', email: 'a@b.test' })).toEqual({ customerKey: 'c1', partnerKey: 'jane' });
    expect(calls.map((c) => c.path)).toEqual(['/v1/clicks', '/v1/signups']);
  });

  test('fetch missing or throwing synchronously: commands resolve, nothing throws', async () => {
    vi.stubGlobal('fetch', () => {
      throw new Error('no fetch');
    });
    document.cookie = 'ps_partner_key=jane;path=/;domain=acme.test';
    const { api } = await start();
    expect(await api.identify({ customerKey: 'c1' })).toEqual({ customerKey: 'c1', partnerKey: 'jane' });
    vi.stubGlobal('fetch', undefined);
    expect(await api.signup({ customerKey: 'c2', email: 'a@b.test' })).toEqual({ customerKey: 'c2', partnerKey: 'jane' });
  });

  test('a non-JSON error answer still rejects with the status', async () => {
    reply(() => ({ status: 401 }));
    const { api } = await start();
    await expect(api.signup({ customerKey: 'c1', email: 'a@b.test' })).rejects.toMatchObject({ status: 401 });
  });
});
