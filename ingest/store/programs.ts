// Programs and their keys. The secret key is stored only as a sha256 hash; the publishable
// key is public by design and stored as is.
import crypto from 'node:crypto';
import type { Db } from '../db/index.js';

export interface Program {
  id: number;
  companyId: number;
  key: string;
  name: string;
  publishableKey: string;
  cookieWindowDays: number;
  attributionModel: 'last_click' | 'first_click';
  holdDays: number;
  allowedOrigins: string[];
  defaultDestination: string | null;
  createdAt: number;
}

interface ProgramRow {
  id: number;
  company_id: number;
  key: string;
  name: string;
  publishable_key: string;
  cookie_window_days: number;
  attribution_model: 'last_click' | 'first_click';
  hold_days: number;
  allowed_origins: string;
  default_destination: string | null;
  created_at: number;
}

const COLUMNS = 'id, company_id, key, name, publishable_key, cookie_window_days, attribution_model, hold_days, allowed_origins, default_destination, created_at';

function toProgram(r: ProgramRow): Program {
  let origins: string[] = [];
  try {
    origins = JSON.parse(r.allowed_origins);
  } catch {
    origins = [];
  }
  return {
    id: r.id,
    companyId: r.company_id,
    key: r.key,
    name: r.name,
    publishableKey: r.publishable_key,
    cookieWindowDays: r.cookie_window_days,
    attributionModel: r.attribution_model,
    holdDays: r.hold_days,
    allowedOrigins: origins,
    defaultDestination: r.default_destination,
    createdAt: r.created_at,
  };
}

export const hashSecret = (secret: string) => crypto.createHash('sha256').update(secret).digest('hex');

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Random base62 string from a CSPRNG (rejection sampling, no modulo bias). */
/**
 * Random bytes are drawn from the CSPRNG 4 KB at a time: one randomBytes() call per id cost
 * more than the rest of a redirect. Bytes >= 248 are skipped so each character is uniform.
 */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

export function randomId(length: number): string {
  let out = '';
  while (out.length < length) {
    if (poolAt === pool.length) {
      crypto.randomFillSync(pool);
      poolAt = 0;
    }
    const b = pool[poolAt++];
    if (b < 248) out += BASE62[b % 62];
  }
  return out;
}

export const newPublishableKey = () => `pk_live_${randomId(24)}`;
export const newSecretKey = () => `sk_live_${randomId(32)}`;

/**
 * Programs are read on every request (key checks, offers) and change rarely, so lookups are
 * cached per connection for a short while. A change made through this process (updateProgram,
 * insertProgram) clears the cache at once; one made by another process sharing the file is
 * seen within PROGRAM_CACHE_MS.
 */
const PROGRAM_CACHE_MS = 2_000;
const programCache = new WeakMap<Db, Map<string, { at: number; program: Program | undefined }>>();

function cached(db: Db, cacheKey: string, load: () => ProgramRow | undefined): Program | undefined {
  let cache = programCache.get(db);
  if (!cache) programCache.set(db, (cache = new Map()));
  const now = Date.now();
  const hit = cache.get(cacheKey);
  if (hit && now - hit.at < PROGRAM_CACHE_MS) return hit.program;
  if (cache.size > 1000) cache.clear();
  const r = load();
  const program = r && toProgram(r);
  cache.set(cacheKey, { at: now, program });
  return program;
}

const forgetPrograms = (db: Db) => programCache.get(db)?.clear();

export function programBySecret(db: Db, secret: string): Program | undefined {
  const h = hashSecret(secret);
  return cached(db, `s:${h}`, () => db.get<ProgramRow>(`SELECT ${COLUMNS} FROM program WHERE secret_key_hash = ?`, h));
}

export function programByPublishable(db: Db, pk: string): Program | undefined {
  return cached(db, `p:${pk}`, () => db.get<ProgramRow>(`SELECT ${COLUMNS} FROM program WHERE publishable_key = ?`, pk));
}

export function programById(db: Db, id: number): Program | undefined {
  return cached(db, `i:${id}`, () => db.get<ProgramRow>(`SELECT ${COLUMNS} FROM program WHERE id = ?`, id));
}

export function programByKey(db: Db, key: string): Program | undefined {
  const r = db.get<ProgramRow>(`SELECT ${COLUMNS} FROM program WHERE key = ?`, key);
  return r && toProgram(r);
}

export interface NewProgram {
  key: string;
  name: string;
  companyName?: string;
  publishableKey: string;
  secretKey: string;
  cookieWindowDays?: number;
  attributionModel?: 'last_click' | 'first_click';
  holdDays?: number;
  allowedOrigins?: string[];
  defaultDestination?: string | null;
  now: number;
}

/** Creates a company (if needed), the program and its default partner group. Call inside db.tx(). */
export function insertProgram(db: Db, p: NewProgram): Program {
  const company = db.run('INSERT INTO company (name, created_at) VALUES (?, ?)', p.companyName ?? p.name, p.now);
  const res = db.run(
    `INSERT INTO program (company_id, key, name, publishable_key, secret_key_hash, cookie_window_days, attribution_model, hold_days, allowed_origins, default_destination, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    company.lastInsertRowid,
    p.key,
    p.name,
    p.publishableKey,
    hashSecret(p.secretKey),
    p.cookieWindowDays ?? 90,
    p.attributionModel ?? 'last_click',
    p.holdDays ?? 30,
    JSON.stringify(p.allowedOrigins ?? []),
    p.defaultDestination ?? null,
    p.now,
  );
  const id = Number(res.lastInsertRowid);
  db.run("INSERT INTO partner_group (program_id, key, name, is_default, created_at) VALUES (?, 'default', 'Default', 1, ?)", id, p.now);
  forgetPrograms(db);
  return programById(db, id)!;
}

export interface ProgramSettings {
  name?: string;
  publishableKey?: string;
  secretKey?: string;
  cookieWindowDays?: number;
  attributionModel?: 'last_click' | 'first_click';
  holdDays?: number;
  allowedOrigins?: string[];
  defaultDestination?: string | null;
}

export function updateProgram(db: Db, id: number, s: ProgramSettings): Program {
  const sets: string[] = [];
  const params: unknown[] = [];
  const col = (c: string, v: unknown) => {
    sets.push(`${c} = ?`);
    params.push(v);
  };
  if (s.name !== undefined) col('name', s.name);
  if (s.publishableKey !== undefined) col('publishable_key', s.publishableKey);
  if (s.secretKey !== undefined) col('secret_key_hash', hashSecret(s.secretKey));
  if (s.cookieWindowDays !== undefined) col('cookie_window_days', s.cookieWindowDays);
  if (s.attributionModel !== undefined) col('attribution_model', s.attributionModel);
  if (s.holdDays !== undefined) col('hold_days', s.holdDays);
  if (s.allowedOrigins !== undefined) col('allowed_origins', JSON.stringify(s.allowedOrigins));
  if (s.defaultDestination !== undefined) col('default_destination', s.defaultDestination);
  if (sets.length) db.run(`UPDATE program SET ${sets.join(', ')} WHERE id = ?`, ...params, id);
  forgetPrograms(db);
  return programById(db, id)!;
}

/** True when some program accepts browser requests from this origin (its list names it, or is empty). */
export function originAllowedByAnyProgram(db: Db, origin: string): boolean {
  return !!db.get(
    "SELECT 1 FROM program WHERE allowed_origins = '[]' OR EXISTS (SELECT 1 FROM json_each(program.allowed_origins) WHERE value = ?) LIMIT 1",
    origin,
  );
}

/** Programs that accept browser requests from any origin (no allowed_origins list). */
export function programsOpenToAnyOrigin(db: Db): string[] {
  return db.all<{ key: string }>("SELECT key FROM program WHERE allowed_origins = '[]' ORDER BY id").map((r) => r.key);
}
