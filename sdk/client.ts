// The client: starts once with its options, captures partner links from the URL (the one
// navigated to, the current one, later history navigations), and runs the commands. Shared
// by the script tag build (`index.ts`) and the ES module (`esm.ts`).
//
// Commands run through one promise chain, so a signup waits for the click this page view
// is recording (and gets its xid), and calls keep their order.

import type { CustomerResult, Refstack, RefstackOptions } from './types';
import { clicked, current, store, storedXid } from './attribution';
import { gate, ok, setConsent, startGate, started } from './consent';
import { clearQueue, flush, onPagehide, send } from './queue';
import { initTransport } from './transport';
import { navigationUrl, readParams } from './params';
import { run, warn } from './log';

let chain: Promise<unknown> = Promise.resolve();
const seen: Record<string, 1> = {};

// Runs `work` in order once the gate is open (at once, or after consent(true) / _initialize):
// the promise settles with the real answer, never a local guess made before the work could run.
// It is handled (a caller may ignore it): a failure only logs, with data-debug.
const act = <T>(work: () => T | Promise<T>): Promise<T> => {
  const out = new Promise<T>((resolve, reject) =>
    gate(() => {
      const p = chain.then(work);
      chain = p.catch(warn);
      p.then(resolve, reject);
    }),
  );
  out.catch(warn);
  return out;
};

/** Records the click a URL with partner parameters stands for (once per page view and link). */
const capture = (url: string): void => {
  const p = readParams(url);
  if (p && !seen[p.partnerKey + p.xid]) {
    seen[p.partnerKey + p.xid] = 1;
    act(() => {
      // A link without an xid that this visitor's attribution already names: that click is
      // confirmed (200, same xid), not counted again, also when the ingest cannot see its own
      // cookie (served from another site).
      if (!p.xid) p.xid = storedXid(p.partnerKey);
      return send('clicks', Object.assign({ url, referrer: document.referrer || undefined }, p)).then((a) => clicked(p, a));
    });
  }
};

const fromLocation = (): void => run(() => capture(location.href));

// signup (always sent) and identify (sent only when there is an attribution to report).
const report =
  (path: string, always?: unknown) =>
  (input: any): Promise<CustomerResult> => {
    const result = (a?: { partnerKey?: string | null }): CustomerResult => ({
      customerKey: Object(input).customerKey,
      partnerKey: (a && a.partnerKey) || null,
    });
    return act(() => {
      const body = Object.assign({}, input, current());
      return always || body.partnerKey ? send(path, body).then((a) => result(a ? a.customer : body)) : result();
    });
  };

const commands: Refstack = {
  signup: report('signups', 1),
  identify: report('identify'),
  // Reading the cookies writes and sends nothing, so it needs no consent: before the gate opens
  // it answers from what is stored (null for a new visitor) instead of waiting.
  attribution: () => (ok ? act(() => current() || null) : Promise.resolve(current() || null)),
  consent: async (granted) => {
    setConsent(granted);
    if (!granted) {
      store();
      clearQueue();
    }
  },
};

/** Runs command `name`; an unknown name resolves `undefined` (logged with data-debug). Never throws into the page. */
export const command = (name: string, ...args: unknown[]): Promise<any> =>
  ((commands as any)[name] || (() => act(() => warn(name))))(...args);

/** The commands as methods, on `target`. */
export const methods = (target: any = {}): any => {
  for (const name in commands) target[name] = command.bind(0, name);
  return target;
};

/** Starts the client with the publishable key, the ingest URL and `data-consent`; a second call changes nothing. */
export const init = (key: string, api: string, consent?: RefstackOptions['consent']): void => {
  if (started) return;
  startGate(consent == 'required');
  initTransport(api, key);
  run(() => capture(navigationUrl()));
  fromLocation();
  for (const m of ['pushState', 'replaceState'] as const) {
    const original = history[m];
    history[m] = (...args: any[]) => {
      const r = original.apply(history, args as any);
      fromLocation();
      return r;
    };
  }
  addEventListener('popstate', fromLocation);
  addEventListener('pagehide', () => run(onPagehide));
  // Pending work from earlier page views, if any.
  gate(flush);
};
