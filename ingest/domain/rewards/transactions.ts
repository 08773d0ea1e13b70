// Transactions in, rewards out, exactly once. POST /v1/transactions is idempotent on the
// vendor's key: the unique (program, key) index decides; a retry with the same body gets
// the first answer byte for byte (stored with the row), a different body 409.
//
// Sales (amount > 0) are credited to the customer's partner and emit transaction.created,
// which the offers turn into rewards inside the same db.tx().
// Refunds are transactions with a negative amount:
//   - POST /v1/transactions/{key}/refund { amount?, key? } takes back (part of) that sale;
//   - POST /v1/transactions with amount < 0 is a refund of the customer's sales in that
//     currency, newest sale first, each up to what is left of it (422 when it exceeds them).
// Either way a refund reverses the refunded sales' rewards in proportion (ledger.ts) and
// emits transaction.refunded; a sale can never be refunded beyond its amount.
import crypto from 'node:crypto';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { customerByKey } from '../../store/customers.js';
import { randomId, type Program } from '../../store/programs.js';
import { rewardsOfSource, type RewardRow } from '../../store/rewards.js';
import {
  contactOfCustomer,
  insertAllocation,
  insertTxn,
  refundableSales,
  refundedOf,
  saveTxnResponse,
  txnById,
  txnByKey,
  type NewTxn,
  type TxnRow,
} from '../../store/transactions.js';
import { emit } from './emit.js';
import { reverseSaleRewards } from './ledger.js';
import { rewardJson, txnJson } from './views.js';

export interface TransactionInput {
  customerKey: string;
  key: string;
  amount: number;
  currency: string;
  productKey?: string;
  categoryKey?: string;
}

export interface RefundInput {
  amount?: number;
  key?: string;
}

/** The answer to send: the stored JSON text and its status (201 first time, 200 on a retry). */
export interface Answer {
  status: 200 | 201;
  json: string;
}

const hash = (parts: unknown[]) => crypto.createHash('sha256').update(JSON.stringify(parts)).digest('hex');

/** A key that is taken: the first answer when the body matches, 409 otherwise. */
function replay(ctx: AppContext, programId: number, key: string, bodyHash: string): Answer {
  const first = txnByKey(ctx.db, programId, key)!;
  if (first.body_hash !== bodyHash || first.response === null) {
    throw new ApiError(409, 'idempotency_conflict', `Transaction key ${key.slice(0, 100)} was already used with a different body`, 'key');
  }
  return { status: 200, json: first.response };
}

/** The 201 answer, stored with the row (a refund's allocations are read by txnJson). */
function answer(ctx: AppContext, txn: TxnRow, rewards: RewardRow[]): Answer {
  const json = JSON.stringify({ transaction: txnJson(ctx.db, txn), rewards: rewards.map(rewardJson) });
  saveTxnResponse(ctx.db, txn.id, json);
  return { status: 201, json };
}

function refundEvent(ctx: AppContext, refund: TxnRow): void {
  emit(ctx, 'transaction.refunded', refund.program_id, { transactionId: refund.id, customerId: refund.customer_id, partnerId: refund.partner_id }, { transaction: txnJson(ctx.db, refund) });
}

/** Takes `amount` back from one sale and reverses its rewards; returns the rewards changed. */
function allocate(ctx: AppContext, refund: TxnRow, saleId: number, amount: number): RewardRow[] {
  insertAllocation(ctx.db, refund.id, saleId, amount);
  return reverseSaleRewards(ctx, txnById(ctx.db, saleId)!, refund);
}

export function recordTransaction(ctx: AppContext, program: Program, input: TransactionInput): Answer {
  const { db } = ctx;
  return db.tx(() => {
    const customer = customerByKey(db, program.id, input.customerKey);
    if (!customer) throw new ApiError(404, 'customer_not_found', `No customer with key ${input.customerKey.slice(0, 100)}`, 'customerKey');
    const bodyHash = hash(['transaction', input.customerKey, input.amount, input.currency, input.productKey ?? null, input.categoryKey ?? null]);
    const partnerId = customer.self_referral ? null : customer.partner_id;
    const row: NewTxn = {
      programId: program.id,
      key: input.key,
      kind: input.amount > 0 ? 'sale' : 'refund',
      customerId: customer.id,
      partnerId,
      contactId: partnerId === null ? null : contactOfCustomer(db, customer.id),
      amount: input.amount,
      currency: input.currency,
      productKey: input.productKey ?? null,
      categoryKey: input.categoryKey ?? null,
      refundOfId: null,
      bodyHash,
      now: ctx.now(),
    };
    // A txn row is never updated after insert but for its stored answer: the row insertTxn
    // returns stays current (refunds and allocations are rows of their own).
    const txn = insertTxn(db, row);
    if (!txn) return replay(ctx, program.id, input.key, bodyHash);

    if (row.kind === 'sale') {
      emit(ctx, 'transaction.created', program.id, { transactionId: txn.id, customerId: customer.id, partnerId, contactId: row.contactId }, { transaction: txnJson(db, txn) }, { txn, customer });
      return answer(ctx, txn, rewardsOfSource(db, 'transaction', txn.id));
    }

    let left = -input.amount;
    const changed: RewardRow[] = [];
    for (const sale of refundableSales(db, customer.id, input.currency)) {
      const take = Math.min(left, sale.remaining);
      changed.push(...allocate(ctx, txn, sale.id, take));
      left -= take;
      if (left === 0) break;
    }
    if (left > 0) {
      throw new ApiError(422, 'refund_exceeds_sales', `A negative amount refunds the customer's ${input.currency} sales, which have only ${-input.amount - left} left to refund`, 'amount');
    }
    refundEvent(ctx, txn);
    return answer(ctx, txn, changed);
  });
}

export function refundTransaction(ctx: AppContext, program: Program, saleKey: string, input: RefundInput): Answer {
  const { db } = ctx;
  return db.tx(() => {
    const sale = txnByKey(db, program.id, saleKey);
    if (!sale) throw new ApiError(404, 'transaction_not_found', `No transaction with key ${saleKey.slice(0, 100)}`, 'key');
    if (sale.kind !== 'sale') throw new ApiError(422, 'not_a_sale', `Transaction ${saleKey.slice(0, 100)} is itself a refund`, 'key');
    const bodyHash = hash(['refund', sale.key, input.amount ?? null]);
    // A refund key that is taken answers like a retried transaction (checked before the
    // amount, so a retry of a full refund replays instead of finding nothing left).
    if (input.key !== undefined && txnByKey(db, program.id, input.key)) return replay(ctx, program.id, input.key, bodyHash);
    const remaining = sale.amount - refundedOf(db, sale.id);
    if (remaining === 0) throw new ApiError(422, 'already_refunded', `Transaction ${saleKey.slice(0, 100)} is already fully refunded`, 'amount');
    const amount = input.amount ?? remaining;
    if (amount > remaining) throw new ApiError(422, 'refund_exceeds_amount', `Only ${remaining} ${sale.currency} of this transaction is left to refund`, 'amount');
    const refund = insertTxn(db, {
      programId: program.id,
      key: input.key ?? `rf_${randomId(20)}`,
      kind: 'refund',
      customerId: sale.customer_id,
      partnerId: sale.partner_id,
      contactId: sale.contact_id,
      amount: -amount,
      currency: sale.currency,
      productKey: sale.product_key,
      categoryKey: sale.category_key,
      refundOfId: sale.id,
      bodyHash,
      now: ctx.now(),
    })!;
    const changed = allocate(ctx, refund, sale.id, amount);
    refundEvent(ctx, refund);
    return answer(ctx, refund, changed);
  });
}
