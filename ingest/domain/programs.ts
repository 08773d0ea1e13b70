// The default program, created once on first start and brought in line with the environment
// on every start (keys, allowed origins, defaults), and the program's public JSON.
import type { Db } from '../db/index.js';
import {
  insertProgram,
  newPublishableKey,
  newSecretKey,
  programByKey,
  updateProgram,
  type Program,
  type ProgramSettings,
} from '../store/programs.js';

export const DEFAULT_PROGRAM_KEY = 'default';

export type DefaultProgramSettings = Omit<ProgramSettings, 'name' | 'holdDays'>;

export interface DefaultProgram {
  program: Program;
  /** True on the very first start. */
  created: boolean;
  /** The secret key when known here: given in settings, or generated just now. */
  secretKey: string | null;
  /** True when a key was generated now (print it once, save it). */
  generated: boolean;
}

export function ensureDefaultProgram(db: Db, s: DefaultProgramSettings, now: number): DefaultProgram {
  return db.tx(() => {
    const existing = programByKey(db, DEFAULT_PROGRAM_KEY);
    if (!existing) {
      const publishableKey = s.publishableKey ?? newPublishableKey();
      const secretKey = s.secretKey ?? newSecretKey();
      const program = insertProgram(db, { key: DEFAULT_PROGRAM_KEY, name: 'Default program', ...s, publishableKey, secretKey, now });
      return { program, created: true, secretKey, generated: !s.publishableKey || !s.secretKey };
    }
    const program = updateProgram(db, existing.id, s);
    return { program, created: false, secretKey: s.secretKey ?? null, generated: false };
  });
}

export type ProgramJson = Omit<Program, 'id' | 'companyId' | 'createdAt'> & { createdAt: string };

export const programJson = (p: Program): ProgramJson => ({
  key: p.key,
  name: p.name,
  publishableKey: p.publishableKey,
  cookieWindowDays: p.cookieWindowDays,
  attributionModel: p.attributionModel,
  holdDays: p.holdDays,
  allowedOrigins: p.allowedOrigins,
  defaultDestination: p.defaultDestination,
  createdAt: new Date(p.createdAt).toISOString(),
});
