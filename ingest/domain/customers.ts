// Customers: created once per (program, customerKey) — a retry, even a concurrent one,
// answers with the same customer — and attributed at most once. A signup or identify for an
// existing customer that is not attributed yet attributes it when it carries a valid referral
// (customer.attributed); an attributed customer is never re-attributed.
import type { AppContext } from '../context.js';
import {
  attributeCustomer,
  customerById,
  customerByKey,
  fillCustomerContact,
  flagSelfReferral,
  insertCustomer,
  type CustomerRow,
} from '../store/customers.js';
import type { Program } from '../store/programs.js';
import { attribute, type Referral } from './attribution.js';

export interface CustomerJson {
  key: string;
  email: string | null;
  name: string | null;
  partnerKey: string | null;
  xid: string | null;
  createdAt: string;
  metadata: Record<string, unknown> | null;
  selfReferral: boolean;
  attributedAt: string | null;
}

export function customerJson(r: CustomerRow): CustomerJson {
  let metadata: Record<string, unknown> | null = null;
  if (r.metadata) {
    try {
      metadata = JSON.parse(r.metadata);
    } catch {
      metadata = null;
    }
  }
  return {
    key: r.key,
    email: r.email,
    name: r.name,
    partnerKey: r.partner_key,
    xid: r.xid,
    createdAt: new Date(r.created_at).toISOString(),
    metadata,
    selfReferral: r.self_referral === 1,
    attributedAt: r.attributed_at === null ? null : new Date(r.attributed_at).toISOString(),
  };
}

export interface CustomerInput extends Referral {
  customerKey: string;
  email?: string | null;
  name?: string | null;
  metadata?: Record<string, unknown> | null;
}

/** Creates the customer (created: true) or returns the existing one, attributing it if it may be. */
export function upsertCustomer(ctx: AppContext, program: Program, input: CustomerInput): { customer: CustomerJson; created: boolean } {
  const { db } = ctx;
  return db.tx(() => {
    const now = ctx.now();
    const email = input.email ?? null;
    const found = attribute(ctx, program, input, email);
    const row = insertCustomer(db, {
      programId: program.id,
      key: input.customerKey,
      email,
      name: input.name ?? null,
      partnerId: found.partner?.id ?? null,
      clickId: found.click?.id ?? null,
      metadata: input.metadata ? JSON.stringify(input.metadata) : null,
      selfReferral: found.selfReferral,
      now,
    });
    if (row) {
      const customer = customerJson(row);
      ctx.bus.emit(db, {
        type: 'customer.created',
        programId: program.id,
        at: now,
        ids: { partnerId: found.partner?.id ?? null, customerId: row.id, clickId: found.click?.id ?? null },
        data: { customer },
        rows: { customer: row },
      });
      return { customer, created: true };
    }

    const existing = customerByKey(db, program.id, input.customerKey)!;
    if ((existing.email === null && email) || (existing.name === null && input.name)) fillCustomerContact(db, existing.id, email, input.name ?? null);
    if (existing.partner_id === null) {
      // Judge self-referral by the email on file when there is one.
      const late = existing.email && existing.email !== email ? attribute(ctx, program, input, existing.email) : found;
      if (late.partner && attributeCustomer(db, existing.id, late.partner.id, late.click?.id ?? null, now)) {
        const customer = customerJson(customerById(db, existing.id)!);
        ctx.bus.emit(db, {
          type: 'customer.attributed',
          programId: program.id,
          at: now,
          ids: { partnerId: late.partner.id, customerId: existing.id, clickId: late.click?.id ?? null },
          data: { customer },
        });
        return { customer, created: false };
      }
      if (late.selfReferral) flagSelfReferral(db, existing.id);
    }
    return { customer: customerJson(customerById(db, existing.id)!), created: false };
  });
}
