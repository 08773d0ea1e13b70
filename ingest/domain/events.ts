// Domain events: the seam between the core (links, clicks, customers) and everything that
// reacts to it (offers -> rewards, triggers, tiers, webhook outbox). emit() runs every
// handler synchronously inside the caller's write transaction, so an event and all of its
// consequences commit together or not at all.
import type { Db } from '../db/index.js';
import type { CustomerRow } from '../store/customers.js';
import type { TxnRow } from '../store/transactions.js';

export type EventType =
  | 'partner.created'
  | 'partner.updated'
  | 'customer.created'
  | 'customer.attributed'
  | 'transaction.created'
  | 'transaction.refunded'
  | 'reward.created'
  | 'reward.approved'
  | 'reward.declined'
  | 'reward.reversed'
  | 'payout.created'
  | 'lead.created'
  | 'deal.created'
  | 'deal.won'
  | 'deal.lost';

export interface DomainEvent {
  type: EventType;
  programId: number;
  /** Milliseconds since the epoch (the app's clock). */
  at: number;
  /** Internal row ids the event is about (partnerId, customerId, transactionId, ...). */
  ids: Record<string, number | null | undefined>;
  /** The public JSON representation (what a webhook carries). */
  data: Record<string, unknown>;
  /**
   * The rows the event is about, as the emitter just wrote them in this transaction, so the
   * handlers need not read them back by id. Only fields fixed at insert are read from them.
   */
  rows?: { customer?: CustomerRow; txn?: TxnRow };
}

export type EventHandler = (db: Db, event: DomainEvent) => void;

export class EventBus {
  private readonly handlers: EventHandler[] = [];
  on(handler: EventHandler): void {
    this.handlers.push(handler);
  }
  /** Call only inside db.tx(). */
  emit(db: Db, event: DomainEvent): void {
    for (const h of this.handlers) h(db, event);
  }
}
