// Customers from the vendor's backend (secret key): POST /v1/customers (as /v1/signups),
// GET /v1/customers/:customerKey, GET /v1/customers.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { customerJson, upsertCustomer } from '../domain/customers.js';
import type { AppEnv } from '../http/auth.js';
import { parseBody, parseQuery } from '../http/body.js';
import { ApiError } from '../http/errors.js';
import * as s from '../http/schemas.js';
import { customerByKey, listCustomers } from '../store/customers.js';

export const createCustomerBody = z.strictObject(s.customerFields);

export function customerRoutes(ctx: AppContext): Hono<AppEnv> {
  const r = new Hono<AppEnv>();
  const doc = { tag: 'customers', auth: 'secret' as const };

  ctx.openapi.add({ ...doc, method: 'post', path: '/v1/customers', summary: 'Create a customer from the backend (idempotent per customerKey)', body: createCustomerBody, responses: { 200: 'The customer existed (same answer)', 201: 'Customer created' } });
  r.post('/v1/customers', async (c) => {
    const body = await parseBody(c, createCustomerBody);
    const program = c.var.program;
    const { customer, created } = await ctx.db.batch(() => upsertCustomer(ctx, program, body));
    return c.json({ customer }, created ? 201 : 200);
  });

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/customers', summary: 'List customers, newest first', query: s.listQuery, responses: { 200: '{ customers, hasMore }' } });
  r.get('/v1/customers', (c) => {
    const q = parseQuery(c, s.listQuery);
    const programId = c.var.program.id;
    const { rows, hasMore } = s.page(
      q,
      (key) => customerByKey(ctx.db, programId, key),
      (limit, afterId) => listCustomers(ctx.db, programId, limit, afterId),
    );
    return c.json({ customers: rows.map(customerJson), hasMore });
  });

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/customers/:customerKey', summary: 'A customer', responses: { 200: '{ customer }' } });
  r.get('/v1/customers/:customerKey', (c) => {
    const key = c.req.param('customerKey');
    const row = customerByKey(ctx.db, c.var.program.id, key);
    if (!row) throw new ApiError(404, 'customer_not_found', `No customer with key ${key.slice(0, 100)}`, 'customerKey');
    return c.json({ customer: customerJson(row) });
  });

  return r;
}
