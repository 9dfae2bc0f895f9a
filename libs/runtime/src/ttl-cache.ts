/**
 * Settings read on hot paths (channels, routes, signing secrets): each entry expires `ttlMs` after it
 * was stored, so a change reaches every replica within that time, and at most `max` entries are kept
 * (the one stored longest ago goes first), so keys from outside (ids in URLs) cannot grow it without
 * bound. A value may be null or undefined: "there is none" is cached like anything else.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  /** The value stored for `key` if it has not expired; otherwise what `load` gives, stored. */
  async get(key: K, load: () => Promise<V>): Promise<V> {
    const cached = this.entries.get(key);
    if (cached && cached.until > Date.now()) return cached.value;
    const value = await load();
    this.set(key, value);
    return value;
  }

  /** The value stored for `key` if it has not expired, without loading. */
  peek(key: K): V | undefined {
    const cached = this.entries.get(key);
    return cached && cached.until > Date.now() ? cached.value : undefined;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, until: Date.now() + this.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
