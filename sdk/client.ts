// The client: starts once with its options, captures partner links from the URL (the one
// navigated to, the current one, later history navigations), and runs the commands. Shared
// by the script tag build (`index.ts`) and the ES module (`esm.ts`).
//
// Commands run through one promise chain, so a signup waits for the click this page view
// is recording (and gets its xid), and calls keep their order.

import type { Attribution, CustomerResult, Refstack, RefstackOptions } from './types';
import { clicked, current, store } from './attribution';
import { gate, setConsent, startGate } from './consent';
import { clearQueue, initQueue, send, startQueue } from './queue';
import { navigationUrl, readParams, stripParams } from './params';
import { noop, setDebug, warn } from './log';

let started = false;
let strip: boolean | undefined;
let chain: Promise<unknown> = Promise.resolve();
const seen: Record<string, 1> = {};

// Runs `work` in order once the gate is open; until then resolves `local` and holds the work.
const act = <T>(work: () => T | Promise<T>, local: T): Promise<T> => {
  let p: Promise<T> = Promise.resolve(local);
  gate(() => {
    p = chain.then(work);
    chain = p.catch(noop);
  });
  return p;
};

/** Records the click a URL with partner parameters stands for (once per page view and link). */
const capture = (url?: string): void => {
  const p = readParams(url);
  const id = p && p.partnerKey + p.xid;
  if (p && !seen[id!]) {
    seen[id!] = 1;
    act(
      () =>
        send('clicks', Object.assign({ url, referrer: document.referrer || undefined }, p))
          // Network down: the link's own values, last-click, the default window.
          .then((a) => (a ? clicked(p.partnerKey, a, true) : store(p, 90)))
          .catch(warn),
      undefined,
    );
  }
};

const fromLocation = (): void => {
  try {
    capture(location.href);
    if (strip && readParams(location.href)) history.replaceState(history.state, '', stripParams(location.href));
  } catch (e) {
    warn(e);
  }
};

// signup (always sent) and identify (sent only when there is an attribution to report).
const report =
  (path: string, always?: boolean) =>
  (input: any): Promise<CustomerResult> => {
    const result = (a?: { partnerKey?: string | null }): CustomerResult => ({
      customerKey: input.customerKey,
      partnerKey: (a && a.partnerKey) || null,
    });
    return act(() => {
      const body = Object.assign({}, input, current());
      return always || body.partnerKey ? send(path, body).then((a) => result(a ? a.customer : body)) : result();
    }, result());
  };

const commands: Refstack = {
  signup: report('signups', true),
  identify: report('identify'),
  attribution: () =>
    act((): Attribution | null => {
      const a = current();
      return a ? { partnerKey: a.partnerKey, xid: a.xid || null } : null;
    }, null),
  consent: async (granted) => {
    setConsent(!!granted);
    if (!granted) {
      store();
      clearQueue();
    }
  },
};

/** Runs command `name`: never throws; the promise it returns is handled (failures log with data-debug). */
export const command = (name: string, ...args: unknown[]): Promise<any> => {
  const p = new Promise((resolve) => resolve((commands as any)[name](...args)));
  p.catch(warn);
  return p;
};

/** The commands as methods, on `target`. */
export const methods = (target: any = {}): any => {
  for (const name in commands) target[name] = command.bind(0, name);
  return target;
};

/** Starts the client; a second call changes nothing. */
export const init = (o: RefstackOptions): void => {
  if (started) return;
  started = true;
  if (o.debug) setDebug(true);
  strip = o.stripParams;
  initQueue(o.api, o.key);
  capture(navigationUrl());
  fromLocation();
  for (const m of ['pushState', 'replaceState'] as const) {
    const original = history[m];
    history[m] = function (this: History) {
      const r = original.apply(this, arguments as any);
      fromLocation();
      return r;
    };
  }
  addEventListener('popstate', fromLocation);
  gate(startQueue);
  startGate(o.consent == 'required');
};
