// A bounded memo for pure lookups on the hot paths (parsed user agents, cookie scopes, the
// configuration cache): the value computed for a key is kept, and once `max` keys are held
// the oldest one goes, so keys a client chooses cannot grow it without bound.
export class BoundedMemo<V> {
  private readonly values = new Map<string, V>();

  constructor(private readonly max: number) {}

  /** The value kept for key, or compute()'s, kept from now on. */
  get(key: string, compute: () => V): V {
    const kept = this.values.get(key);
    if (kept !== undefined || this.values.has(key)) return kept as V;
    const value = compute();
    if (this.values.size >= this.max) this.values.delete(this.values.keys().next().value!);
    this.values.set(key, value);
    return value;
  }
}
