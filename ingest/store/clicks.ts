// Clicks: one row per counted visit through a partner link (or a direct link the script
// reported). The xid is the public, unguessable click id carried in ps_xid and refstack_xid.
import type { Db } from '../db/index.js';

export type ClickSource = 'link' | 'script' | 'signup';

export interface ClickRow {
  id: number;
  program_id: number;
  xid: string;
  partner_id: number;
  link_id: number | null;
  contact_id: number | null;
  source: ClickSource;
  url: string | null;
  referrer: string | null;
  ip_hash: string | null;
  browser: string | null;
  os: string | null;
  device: string | null;
  country: string | null;
  created_at: number;
  partner_key: string;
}

export interface NewClick {
  programId: number;
  xid: string;
  partnerId: number;
  linkId?: number | null;
  contactId?: number | null;
  source: ClickSource;
  url?: string | null;
  referrer?: string | null;
  ipHash?: string | null;
  browser?: string | null;
  os?: string | null;
  device?: string | null;
  now: number;
}

export function insertClick(db: Db, c: NewClick): number {
  const res = db.run(
    `INSERT INTO click (program_id, xid, partner_id, link_id, contact_id, source, url, referrer, ip_hash, browser, os, device, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    c.programId,
    c.xid,
    c.partnerId,
    c.linkId ?? null,
    c.contactId ?? null,
    c.source,
    c.url ?? null,
    c.referrer ?? null,
    c.ipHash ?? null,
    c.browser ?? null,
    c.os ?? null,
    c.device ?? null,
    c.now,
  );
  return Number(res.lastInsertRowid);
}

/** The click named by xid, within the given program only. */
export function clickByXid(db: Db, programId: number, xid: string): ClickRow | undefined {
  return db.get<ClickRow>(
    'SELECT c.*, p.key AS partner_key FROM click c JOIN partner p ON p.id = c.partner_id WHERE c.xid = ? AND c.program_id = ?',
    xid,
    programId,
  );
}

export function countClicks(db: Db, partnerId: number): number {
  return db.get<{ n: number }>('SELECT count(*) AS n FROM click WHERE partner_id = ?', partnerId)!.n;
}
