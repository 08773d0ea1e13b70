// The raw client IP is never stored or logged. A click keeps sha256(salt + ip) truncated to
// 16 hex chars, where the salt is random per program per UTC day and lives only in memory:
// hashes can be compared within a day (repeat clicks), never reversed or joined across days.
import crypto from 'node:crypto';

const DAY_MS = 86_400_000;

export class IpHasher {
  /** 16 random bytes as hex, per program per day. */
  private readonly salts = new Map<string, string>();

  hash(programId: number, ip: string, now: number): string {
    const day = Math.floor(now / DAY_MS);
    const id = `${programId}:${day}`;
    let salt = this.salts.get(id);
    if (!salt) {
      // Yesterday's and older salts are dropped as soon as a new day starts.
      for (const k of this.salts.keys()) if (!k.endsWith(`:${day}`)) this.salts.delete(k);
      salt = crypto.randomBytes(16).toString('hex');
      this.salts.set(id, salt);
    }
    // crypto.hash (one shot, Node >= 20.12): a third of createHash().update().digest().
    return crypto.hash('sha256', salt + ip, 'hex').slice(0, 16);
  }
}
