// GET/PATCH /v1/program (secret key): the program's settings — cookie window, attribution
// model, hold period, allowed browser origins, default link destination.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { programJson } from '../domain/programs.js';
import type { AppEnv } from '../http/auth.js';
import { parseBody } from '../http/body.js';
import * as s from '../http/schemas.js';
import { updateProgram } from '../store/programs.js';

export const programPatchBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  cookieWindowDays: z.number().int().min(1).max(730).optional(),
  attributionModel: z.enum(['last_click', 'first_click']).optional(),
  holdDays: z.number().int().min(0).max(3650).optional(),
  allowedOrigins: z.array(s.origin).max(100).optional(),
  defaultDestination: s.httpUrl.nullable().optional(),
});

export function settingsRoutes(ctx: AppContext): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  const doc = { tag: 'program', auth: 'secret' as const };

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/program', summary: "The program's settings", responses: { 200: '{ program }' } });
  r.get('/v1/program', (c) => c.json({ program: programJson(c.var.program) }));

  ctx.openapi.add({ ...doc, method: 'patch', path: '/v1/program', summary: "Change the program's settings", body: programPatchBody, responses: { 200: '{ program }' } });
  r.patch('/v1/program', async (c) => {
    const body = await parseBody(c, programPatchBody);
    const program = ctx.db.tx(() => updateProgram(ctx.db, c.var.program.id, body));
    return c.json({ program: programJson(program) });
  });

  return r;
}
