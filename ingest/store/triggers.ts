// Triggers (if-this-then-that rules): on an event, when every condition holds, do an action.
// Conditions and the action are stored as JSON, validated by the route before they get here.
import { cachedConfig } from './config-cache.js';
import type { Db } from '../db/index.js';

export interface TriggerRow {
  id: number;
  program_id: number;
  key: string;
  name: string;
  event: string;
  conditions: string;
  action: string;
  status: 'active' | 'archived';
  created_at: number;
}

export interface NewTrigger {
  programId: number;
  key: string;
  name: string;
  event: string;
  conditions: unknown[];
  action: unknown;
  now: number;
}

/** Inserts a trigger; undefined when the key is taken. */
export function insertTrigger(db: Db, t: NewTrigger): number | undefined {
  return db.get<{ id: number }>(
    `INSERT INTO trigger_rule (program_id, key, name, event, conditions, action, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (program_id, key) DO NOTHING RETURNING id`,
    t.programId,
    t.key,
    t.name,
    t.event,
    JSON.stringify(t.conditions),
    JSON.stringify(t.action),
    t.now,
  )?.id;
}

export function triggerById(db: Db, id: number): TriggerRow | undefined {
  return db.get<TriggerRow>('SELECT * FROM trigger_rule WHERE id = ?', id);
}

export function listTriggers(db: Db, programId: number, limit: number, afterId?: number): TriggerRow[] {
  return afterId === undefined
    ? db.all<TriggerRow>('SELECT * FROM trigger_rule WHERE program_id = ? ORDER BY id DESC LIMIT ?', programId, limit)
    : db.all<TriggerRow>('SELECT * FROM trigger_rule WHERE program_id = ? AND id < ? ORDER BY id DESC LIMIT ?', programId, afterId, limit);
}

export function triggerIdByKey(db: Db, programId: number, key: string): number | undefined {
  return db.get<{ id: number }>('SELECT id FROM trigger_rule WHERE program_id = ? AND key = ?', programId, key)?.id;
}

/** Active triggers of a program for one event type, oldest first. */
export function activeTriggers(db: Db, programId: number, event: string): readonly TriggerRow[] {
  return cachedConfig(db, `triggers:${programId}:${event}`, () =>
    db.all<TriggerRow>("SELECT * FROM trigger_rule WHERE program_id = ? AND event = ? AND status = 'active' ORDER BY id", programId, event),
  );
}
