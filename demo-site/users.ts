// The demo vendor's own accounts, kept in memory (this is Acme's user table, not Refstack's):
// users by email, sessions by random id, and each user's purchases. A restart forgets them;
// the customer key is derived from the email, so the same person keeps the same key in the
// ingest across restarts.
import crypto from 'node:crypto';

export interface DemoUser {
  customerKey: string;
  email: string;
  name: string;
  createdAt: number;
}

export interface DemoOrder {
  /** The vendor's purchase id, sent to the ingest as the transaction `key`. */
  id: string;
  customerKey: string;
  amount: number;
  currency: string;
  ok: boolean;
  /** What the ingest answered: reward count on success, the error otherwise. */
  rewards: number;
  error?: string;
  at: number;
}

/** The customer key Acme uses for an email: stable, opaque, no PII in it. */
export function customerKeyFor(email: string): string {
  return `acme_${crypto.createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 20)}`;
}

export class DemoUsers {
  private readonly users = new Map<string, DemoUser>();
  private readonly sessions = new Map<string, string>();
  private readonly orders: DemoOrder[] = [];

  /** Creates the user, or returns the existing one for that email (a name fills a blank one). */
  upsert(email: string, name: string): DemoUser {
    const key = email.trim().toLowerCase();
    const found = this.users.get(key);
    if (found) {
      if (!found.name && name) found.name = name;
      return found;
    }
    const user: DemoUser = { customerKey: customerKeyFor(key), email: email.trim(), name: name.trim(), createdAt: Date.now() };
    this.users.set(key, user);
    return user;
  }

  startSession(user: DemoUser): string {
    const id = crypto.randomBytes(24).toString('base64url');
    this.sessions.set(id, user.email.toLowerCase());
    return id;
  }

  bySession(id: string | undefined): DemoUser | undefined {
    const email = id ? this.sessions.get(id) : undefined;
    return email ? this.users.get(email) : undefined;
  }

  endSession(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  addOrder(order: DemoOrder): void {
    this.orders.push(order);
  }

  order(id: string | undefined): DemoOrder | undefined {
    return id ? this.orders.find((o) => o.id === id) : undefined;
  }

  ordersOf(customerKey: string): DemoOrder[] {
    return this.orders.filter((o) => o.customerKey === customerKey).reverse();
  }
}
