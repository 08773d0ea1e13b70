// Partner groups. Every program has one default group (created with the program); a partner
// belongs to exactly one group at a time.
import type { Db } from '../db/index.js';

export interface GroupRow {
  id: number;
  program_id: number;
  key: string;
  name: string;
  is_default: number;
  created_at: number;
}

export function groupByKey(db: Db, programId: number, key: string): GroupRow | undefined {
  return db.get<GroupRow>('SELECT * FROM partner_group WHERE program_id = ? AND key = ?', programId, key);
}

export function defaultGroup(db: Db, programId: number): GroupRow | undefined {
  return db.get<GroupRow>('SELECT * FROM partner_group WHERE program_id = ? AND is_default = 1 ORDER BY id LIMIT 1', programId);
}
