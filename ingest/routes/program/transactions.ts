// POST /v1/transactions, POST /v1/transactions/:key/refund, GET /v1/transactions(/:key).
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { Amount, Currency, PositiveAmount } from '../../domain/rewards/money.js';
import { recordTransaction, refundTransaction } from '../../domain/rewards/transactions.js';
import { rewardJson, txnJson } from '../../domain/rewards/views.js';
import type { AppEnv } from '../../http/auth.js';
import { parseBody, SERVER_BODY_LIMIT, parseQuery } from '../../http/body.js';
import { ApiError } from '../../http/errors.js';
import * as s from '../../http/schemas.js';
import { customerByKey } from '../../store/customers.js';
import { rewardsOfSource } from '../../store/rewards.js';
import { listTxns, txnByKey } from '../../store/transactions.js';
import { partnerOr404, secret, sendJson, vendorKey } from './common.js';

export const transactionBody = z.strictObject({
  customerKey: s.customerKey,
  key: vendorKey,
  amount: Amount.refine((a) => a !== 0, 'must not be 0'),
  currency: Currency,
  productKey: vendorKey.optional(),
  categoryKey: vendorKey.optional(),
});

export const refundBody = z.strictObject({
  amount: PositiveAmount.optional(),
  key: vendorKey.optional(),
});

export const transactionsQuery = s.listQuery.extend({ customerKey: s.customerKey.optional(), partnerKey: z.string().min(1).max(256).optional() });

export function transactionRoutes(ctx: AppContext, r: Hono<AppEnv>): void {
  const doc = secret('transactions');

  ctx.openapi.add({
    ...doc,
    method: 'post',
    path: '/v1/transactions',
    summary: 'Record a purchase (amount > 0) or a refund of the customer\'s sales (amount < 0); idempotent on key',
    body: transactionBody,
    responses: { 201: '{ transaction, rewards }', 200: 'The same key and body again: the first answer', 409: 'The key was used with a different body' },
  });
  r.post('/v1/transactions', async (c) => {
    const body = await parseBody(c, transactionBody);
    const program = c.var.program;
    const a = await ctx.db.batch(() => recordTransaction(ctx, program, body));
    return sendJson(a.json, a.status);
  });

  ctx.openapi.add({
    ...doc,
    method: 'post',
    path: '/v1/transactions/:key/refund',
    summary: 'Refund a transaction (all that is left by default, or amount); reverses its rewards in proportion',
    body: refundBody,
    responses: { 201: '{ transaction (the refund), rewards (changed or added) }', 200: 'The same refund key again: the first answer' },
  });
  r.post('/v1/transactions/:key/refund', async (c) => {
    const body = await parseBody(c, refundBody, SERVER_BODY_LIMIT, { optional: true });
    const a = refundTransaction(ctx, c.var.program, c.req.param('key'), body);
    return sendJson(a.json, a.status);
  });

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/transactions', summary: 'List transactions, newest first', query: transactionsQuery, responses: { 200: '{ transactions, hasMore }' } });
  r.get('/v1/transactions', (c) => {
    const q = parseQuery(c, transactionsQuery);
    const programId = c.var.program.id;
    const filter: { customerId?: number; partnerId?: number } = {};
    if (q.customerKey !== undefined) {
      const cu = customerByKey(ctx.db, programId, q.customerKey);
      if (!cu) throw new ApiError(404, 'customer_not_found', `No customer with key ${q.customerKey.slice(0, 100)}`, 'customerKey');
      filter.customerId = cu.id;
    }
    if (q.partnerKey !== undefined) filter.partnerId = partnerOr404(ctx, programId, q.partnerKey).id;
    const { rows, hasMore } = s.page(
      q,
      (key) => txnByKey(ctx.db, programId, key),
      (limit, afterId) => listTxns(ctx.db, programId, filter, limit, afterId),
    );
    return c.json({ transactions: rows.map((t) => txnJson(ctx.db, t)), hasMore });
  });

  ctx.openapi.add({ ...doc, method: 'get', path: '/v1/transactions/:key', summary: 'A transaction and the rewards it produced', responses: { 200: '{ transaction, rewards }' } });
  r.get('/v1/transactions/:key', (c) => {
    const key = c.req.param('key');
    const t = txnByKey(ctx.db, c.var.program.id, key);
    if (!t) throw new ApiError(404, 'transaction_not_found', `No transaction with key ${key.slice(0, 100)}`, 'key');
    const rewards = rewardsOfSource(ctx.db, t.kind === 'sale' ? 'transaction' : 'refund', t.id);
    return c.json({ transaction: txnJson(ctx.db, t), rewards: rewards.map(rewardJson) });
  });
}
