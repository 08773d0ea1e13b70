// The outbox: calls the ingest has not confirmed, kept in localStorage and retried with
// exponential backoff (1s, 2s, 4s ... while the page lives, then on the next page load), at
// most 20 of them and none older than 7 days. Signups and identifies are idempotent on the
// ingest (per customerKey), so they are stored before the first attempt and may go out by
// `sendBeacon` on pagehide; a click is not (a retry could count twice), so it is stored only
// once an attempt failed, and only goes out by `fetch`, whose answer can be seen.

import { beacon, post, type HttpError } from './transport';
import { clicked } from './attribution';
import { ok } from './consent';
import { warn } from './log';

const STORE = 'refstack_outbox';
const MAX = 20;
const MAX_AGE = 6048e5; // 7 days
const TRIES = 9; // retries per page view; the last one waits 256s

export interface Entry {
  /** Random id: an entry is removed once, by id, whichever attempt delivered it. */
  i: string;
  /** Path below `/v1/`. */
  p: string;
  /** The body, without the key. */
  b: Record<string, any>;
  /** Created at (ms). */
  t: number;
}

let api: string;
let key: string;
let tries = 0;
let timer: any;
let hooked: any;
// Entries with a request in flight in this page.
const busy: Record<string, 1> = {};

export const initQueue = (ingest: string, publishableKey: string): void => {
  api = ingest + '/v1/';
  key = publishableKey;
};

const body = (e: Entry) => Object.assign({ key }, e.b);

const load = (): Entry[] => {
  try {
    const now = Date.now();
    return (JSON.parse(localStorage.getItem(STORE)!) || []).filter((e: Entry) => e.t > now - MAX_AGE);
  } catch (e) {
    return [];
  }
};

const save = (list: Entry[]): void => {
  try {
    if (list.length) localStorage.setItem(STORE, JSON.stringify(list.slice(-MAX)));
    else localStorage.removeItem(STORE);
  } catch (e) {
    // storage blocked or full: the call still gets its in-page retries
  }
};

const drop = (e: Entry) => save(load().filter((x) => x.i != e.i));

// On pagehide, what is idempotent and not in flight (a keepalive fetch finishes on its own)
// goes to sendBeacon. It stays stored: the next page view sends it again, harmlessly.
const hook = (): void => {
  if (!hooked)
    addEventListener('pagehide', () => {
      for (const e of load()) if (e.p != 'clicks' && !busy[e.i]) beacon(api + e.p, body(e));
    });
  hooked = 1;
};

const keep = (e: Entry): void => {
  if (ok) {
    save(load().concat(e));
    hook();
  }
};

// One attempt: resolves the answer, or `undefined` when worth retrying; rejects when refused.
const attempt = (e: Entry): Promise<any> => {
  busy[e.i] = 1;
  return post(api + e.p, body(e)).then(
    // Once delivered or refused, an entry stays `busy`: nothing in this page sends it again.
    (answer) => {
      drop(e);
      return answer;
    },
    (err: HttpError) => {
      if (err.final) {
        drop(e);
        throw err;
      }
      delete busy[e.i];
      warn('will retry', e.p, err);
    },
  );
};

/** Sends what is stored, in order, stopping at the first entry that still fails. */
export const flush = async (): Promise<void> => {
  timer = 0;
  if (ok) {
    for (const e of load())
      if (!busy[e.i])
        try {
          const answer = await attempt(e);
          if (!answer) return schedule();
          if (e.p == 'clicks') clicked(e.b.partnerKey, answer);
        } catch (err) {
          warn('dropped', e.p, err);
        }
    tries = 0;
  }
};

const schedule = (): void => {
  if (!timer && tries < TRIES) timer = setTimeout(flush, 1e3 << tries++);
};

/** One attempt now, keeping the call for retries: resolves the answer, or `undefined` when kept. */
export const send = (p: string, b: Record<string, any>): Promise<any> => {
  const e: Entry = { i: Math.random().toString(36).slice(2), p, b, t: Date.now() };
  const click = p == 'clicks';
  if (!click) keep(e);
  return attempt(e).then((answer) => {
    // A click with an xid is already recorded (the short link did it): nothing to retry.
    if (!answer && !(click && b.xid)) {
      if (click) keep(e);
      schedule();
    }
    return answer;
  });
};

/** Pending work from earlier page views, if any, is sent now (nothing is sent otherwise). */
export const startQueue = (): void => {
  if (load().length) {
    hook();
    flush();
  }
};

export const clearQueue = (): void => save([]);
