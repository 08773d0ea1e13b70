// The outbox: calls the ingest has not confirmed, kept in localStorage and retried with
// exponential backoff (1s, 2s, 4s ... while the page lives, then on the next page view), at
// most 20 of them and none older than 7 days. Signups and identifies are idempotent on the
// ingest (per customerKey), so they are stored before the first attempt and may go out by
// `sendBeacon` on pagehide; a click is not (a retry could count twice), so it is stored only
// once an attempt failed, and only goes out by `fetch`, whose answer can be seen.

import { beacon, post } from './transport';
import { ok } from './consent';
import { warn } from './log';

const STORE = 'refstack_outbox';
const MAX = 20;
const MAX_AGE = 6048e5; // 7 days
const TRIES = 9; // retries per page view (1s ... 256s), then the next page view

export interface Entry {
  /** Path below `/v1/`. */
  p: string;
  /** The body, without the key. */
  b: Record<string, any>;
  /**
   * Created at (ms), plus a random fraction that makes it the entry's id: an entry is removed
   * by id, once, whichever attempt delivered it.
   */
  t: number;
}

let tries = 0;
let timer: any;
// Ids sent from this page: in flight, delivered or refused (deleted again when worth a retry).
const busy: Record<number, 1> = {};

const load = (): Entry[] => {
  try {
    return JSON.parse(localStorage[STORE]).filter((e: Entry) => e.t > Date.now() - MAX_AGE);
  } catch (e) {
    return []; // none, blocked, or not ours
  }
};

// Rewrites the stored list as `change` makes it from what is stored now (another tab may have
// changed it since this page last read it).
const save = (change: (list: Entry[]) => Entry[]): void => {
  try {
    const list = change(load()).slice(-MAX);
    if (list[0]) localStorage[STORE] = JSON.stringify(list);
    else delete localStorage[STORE];
  } catch (e) {
    // blocked or full: the call still gets its in-page retries
  }
};

const drop = (e: Entry) => save((list) => list.filter((x) => x.t != e.t));

const keep = (e: Entry): void => {
  if (ok) save((list) => list.concat(e));
};

/**
 * On pagehide, what is stored, idempotent and not in flight (a keepalive fetch finishes on its
 * own) goes to sendBeacon. It stays stored: the next page view sends it again, harmlessly.
 */
export const onPagehide = (): void => {
  for (const e of load()) if (e.p != 'clicks' && !busy[e.t]) beacon(e.p, e.b);
};

// One attempt: resolves the answer, or `undefined` when worth retrying; rejects when refused.
// Once delivered or refused an entry stays `busy`: nothing in this page sends it again. A
// retried click's answer is not applied to the cookies: the attribution its first attempt
// stored stands (the ingest resolves the raw key and sets its own cookie with the answer).
const attempt = (e: Entry): Promise<any> => {
  busy[e.t] = 1;
  return post(e.p, e.b)
    .catch((err) => {
      // No status: the network failed (or fetch threw), worth a retry.
      if (err.status) {
        drop(e);
        throw err;
      }
    })
    .then((answer) => {
      if (answer) drop(e);
      else delete busy[e.t];
      return answer;
    });
};

/** Sends what is stored, in order, stopping at the first entry that still fails (nothing stored: nothing sent). */
export const flush = async (): Promise<void> => {
  timer = 0;
  if (ok) {
    for (const e of load())
      if (!busy[e.t] && !(await attempt(e).catch((err) => (warn(err), 1)))) return schedule();
  }
};

const schedule = (): void => {
  if (!timer && tries < TRIES) timer = setTimeout(flush, 1e3 << tries++);
};

/** One attempt now, keeping the call for retries: resolves the answer, or `undefined` when kept. */
export const send = (p: string, b: Record<string, any>): Promise<any> => {
  const e: Entry = { p, b, t: Date.now() + Math.random() };
  const click = p == 'clicks';
  if (!click) keep(e);
  return attempt(e).then((answer) => {
    // A click with an xid is already recorded (by the short link, or it is this visitor's stored
    // click of the same link): nothing to retry.
    if (!answer && !(click && b.xid)) {
      if (click) keep(e);
      schedule();
    }
    return answer;
  });
};

export const clearQueue = (): void => save(() => []);
