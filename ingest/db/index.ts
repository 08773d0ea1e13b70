// The storage connection: one better-sqlite3 handle in WAL mode with a busy timeout,
// versioned migrations, a prepared-statement cache and IMMEDIATE write transactions.
// Everything that touches SQL lives under ingest/store/ and goes through this module, so a
// second database can follow behind the same functions.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrations } from './migrations.js';

export type Row = Record<string, unknown>;

interface Queued {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** The statements tx() drives (better-sqlite3's own db.transaction() builds four wrapper functions per call). */
interface TxStatements {
  begin: Database.Statement;
  commit: Database.Statement;
  rollback: Database.Statement;
  savepoint: Database.Statement;
  release: Database.Statement;
  rollbackTo: Database.Statement;
}

export class Db {
  readonly raw: Database.Database;
  private readonly cache = new Map<string, Database.Statement>();
  private queue: Queued[] = [];
  private readonly txs: TxStatements;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.raw = new Database(file);
    this.raw.pragma('journal_mode = WAL');
    this.raw.pragma('busy_timeout = 5000');
    // NORMAL in WAL mode: a committed transaction survives a process crash (SIGKILL);
    // only an OS crash / power loss can lose the last commits. See README "Durability".
    this.raw.pragma('synchronous = NORMAL');
    this.raw.pragma('foreign_keys = ON');
    this.raw.pragma('temp_store = MEMORY');
    const prep = (sql: string) => this.raw.prepare(sql);
    this.txs = {
      begin: prep('BEGIN IMMEDIATE'),
      commit: prep('COMMIT'),
      rollback: prep('ROLLBACK'),
      savepoint: prep('SAVEPOINT refstack'),
      release: prep('RELEASE refstack'),
      rollbackTo: prep('ROLLBACK TO refstack'),
    };
  }

  /** A cached prepared statement. */
  q<R = Row>(sql: string): Database.Statement<unknown[], R> {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.raw.prepare(sql);
      this.cache.set(sql, stmt);
    }
    return stmt as Database.Statement<unknown[], R>;
  }

  get<R = Row>(sql: string, ...params: unknown[]): R | undefined {
    return this.q<R>(sql).get(...params) as R | undefined;
  }

  all<R = Row>(sql: string, ...params: unknown[]): R[] {
    return this.q<R>(sql).all(...params) as R[];
  }

  run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.q(sql).run(...params);
  }

  /**
   * Run fn in a BEGIN IMMEDIATE transaction (the write lock is taken up front, so concurrent
   * writers wait on busy_timeout instead of failing with SQLITE_BUSY). Nested calls join the
   * outer transaction as savepoints (named alike: SQLite releases and rolls back to the innermost).
   */
  tx<T>(fn: () => T): T {
    const s = this.txs;
    const nested = this.raw.inTransaction;
    (nested ? s.savepoint : s.begin).run();
    try {
      const result = fn();
      if (result instanceof Promise) throw new TypeError('A transaction function cannot return a promise');
      (nested ? s.release : s.commit).run();
      return result;
    } catch (err) {
      // SQLite may have rolled back by itself already (SQLITE_FULL, SQLITE_IOERR...).
      if (this.raw.inTransaction) {
        if (nested) {
          s.rollbackTo.run();
          s.release.run();
        } else s.rollback.run();
      }
      throw err;
    }
  }

  /**
   * Group commit for the hot write paths (clicks, signups, transactions). fn runs in the next
   * shared IMMEDIATE transaction, which collects every batch() call made during this turn of
   * the event loop and commits once; the promise settles only after that commit, so an answer
   * sent after `await db.batch(...)` is as durable as one sent after db.tx(). Each fn runs in
   * its own savepoint: one that throws rolls back alone and rejects its own promise, the rest
   * commit. The commit is most of a small write's cost, so under load this divides it among
   * the requests that arrived together. fn must not await: it is synchronous like tx().
   */
  batch<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject }) === 1) setImmediate(this.flush);
    });
  }

  private readonly flush = (): void => {
    const items = this.queue;
    if (!items.length) return;
    this.queue = [];
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.tx(() => {
        for (const item of items) {
          try {
            outcomes.push({ ok: true, value: this.tx(item.fn) });
          } catch (err) {
            outcomes.push({ ok: false, value: err });
          }
        }
      });
    } catch (err) {
      // The commit itself failed (disk full, I/O error): nothing of the batch was written.
      for (const item of items) item.reject(err);
      return;
    }
    items.forEach((item, i) => (outcomes[i].ok ? item.resolve : item.reject)(outcomes[i].value));
  };

  migrate(): number[] {
    this.raw.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const done = new Set(this.raw.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      this.tx(() => {
        this.raw.exec(m.sql);
        this.raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      });
      applied.push(m.version);
    }
    return applied;
  }

  close(): void {
    this.flush();
    this.cache.clear();
    if (this.raw.open) this.raw.close();
  }
}

export function openDb(file: string): Db {
  const db = new Db(file);
  db.migrate();
  return db;
}
