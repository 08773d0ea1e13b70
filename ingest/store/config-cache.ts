// Per-connection cache of the program configuration the write paths read on every event:
// active offers, triggers and webhook endpoints per event type, and tiers. Valid while
// config_stamp (migration 3) is unchanged: triggers renew the stamp on any write to those
// tables, by this connection or another process, committed or not yet. So a cached read costs
// one one-row read (~1 µs inside the write transaction these paths run in, against 3-13 µs
// for the queries it replaces), and a change is seen by the very next read, in any process.
// Cached values are frozen: callers share them and must copy before reordering.
import type { Db } from '../db/index.js';
import { BoundedMemo } from '../memo.js';

interface Entry {
  stamp: number;
  values: BoundedMemo<unknown>;
}

/** Keys are per program and event type: a bound that only a very many-program install reaches. */
const MAX_ENTRIES = 1_000;
const caches = new WeakMap<Db, Entry>();

function freezeRows<T>(value: T): T {
  if (Array.isArray(value)) {
    for (const row of value) Object.freeze(row);
    Object.freeze(value);
  }
  return value;
}

function readStamp(db: Db): number {
  return db.q<{ stamp: number }>('SELECT stamp FROM config_stamp WHERE id = 1').get()!.stamp;
}

/** load() once per key until the configuration changes. */
export function cachedConfig<T>(db: Db, key: string, load: () => T): T {
  const stamp = readStamp(db);
  let entry = caches.get(db);
  if (!entry || entry.stamp !== stamp) {
    entry = { stamp, values: new BoundedMemo(MAX_ENTRIES) };
    caches.set(db, entry);
  }
  return entry.values.get(key, () => freezeRows(load())) as T;
}
