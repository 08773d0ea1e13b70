// The storage connection: migrations are idempotent, and group commit (db.batch) isolates a
// failing write from the others committed with it and settles only after the commit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../ingest/db/index.js';
import { activeOffers } from '../../ingest/store/offers.js';

describe('db', () => {
  let dir: string;
  let db: Db;
  const open = () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refstack-db-'));
    db = openDb(path.join(dir, 'r.db'));
    db.raw.exec("INSERT INTO company (name, created_at) VALUES ('c', 0); INSERT INTO program (company_id, key, name, publishable_key, secret_key_hash, created_at) VALUES (1, 'p', 'p', 'pk_x', 'h', 0)");
  };
  afterEach(() => {
    db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('re-running the migrations is a no-op', () => {
    open();
    const versions = db.raw.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions.length).toBeGreaterThanOrEqual(2);
    expect(db.migrate()).toEqual([]);
    expect(db.raw.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(versions);
    expect(db.raw.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('batch: writes of one event-loop turn commit together; a failing one rolls back alone', async () => {
    open();
    const insert = (name: string) => () => db.run('INSERT INTO tag (program_id, name) VALUES (1, ?)', name);
    const a = db.batch(insert('a'));
    const dup = db.batch(() => {
      insert('b')();
      insert('a')(); // violates UNIQUE(program_id, name): this savepoint (b and a) rolls back
    });
    const c = db.batch(insert('c'));
    // Nothing is written before the batch runs.
    expect(db.all('SELECT name FROM tag')).toEqual([]);
    await expect(a).resolves.toMatchObject({ changes: 1 });
    await expect(dup).rejects.toThrow(/UNIQUE/);
    await expect(c).resolves.toMatchObject({ changes: 1 });
    expect(db.all<{ name: string }>('SELECT name FROM tag ORDER BY name').map((r) => r.name)).toEqual(['a', 'c']);
    // Committed: a second connection sees the rows.
    const other = new Database(path.join(dir, 'r.db'), { readonly: true });
    expect(other.prepare('SELECT count(*) FROM tag').pluck().get()).toBe(2);
    other.close();
  });

  it('batch: close() flushes what is queued', async () => {
    open();
    const p = db.batch(() => db.run("INSERT INTO tag (program_id, name) VALUES (1, 'late')"));
    db.close();
    await expect(p).resolves.toMatchObject({ changes: 1 });
    const other = new Database(path.join(dir, 'r.db'), { readonly: true });
    expect(other.prepare("SELECT count(*) FROM tag WHERE name = 'late'").pluck().get()).toBe(1);
    other.close();
  });

  it('the configuration cache sees a change here or by another process at once, and never a rolled-back one', () => {
    open();
    const offerSql = (key: string) =>
      `INSERT INTO offer (program_id, key, name, event, amount, currency, created_at) VALUES (1, '${key}', '${key}', 'customer.created', 500, 'USD', 0)`;
    const keys = () => activeOffers(db, 1, 'customer.created').map((o) => o.key);
    expect(keys()).toEqual([]);
    db.run(offerSql('a'));
    expect(keys()).toEqual(['a']);
    expect(Object.isFrozen(activeOffers(db, 1, 'customer.created'))).toBe(true);

    // Another connection (as a second process on the same file) adds and archives offers.
    const other = new Database(path.join(dir, 'r.db'));
    other.exec(offerSql('b'));
    expect(keys()).toEqual(['a', 'b']);
    other.exec("UPDATE offer SET status = 'archived' WHERE key = 'a'");
    expect(db.tx(keys)).toEqual(['b']);
    other.close();

    // Read inside a transaction that adds an offer and then rolls back: the cache must not
    // keep the offer that never committed.
    expect(() =>
      db.tx(() => {
        db.run(offerSql('ghost'));
        expect(keys()).toEqual(['b', 'ghost']);
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(keys()).toEqual(['b']);
  });
});
