/**
 * Lookups that keep a tenant's reads proportional to what they return, not to the tenant's size: items
 * grouped by a key (a principal, an id, a group), compared the way the simulator compares ids
 * (case-insensitively, as `sameId` does). Each key's list keeps the order the items were added in, which
 * is the order the full collection lists them, so a read served from an index answers the same items in
 * the same order as the full scan it replaces.
 */
export class KeyIndex<T> {
  private readonly lists = new Map<string, T[]>();

  constructor(private readonly keyOf: (item: T) => string | null) {}

  static of<T>(items: Iterable<T>, keyOf: (item: T) => string | null): KeyIndex<T> {
    const index = new KeyIndex(keyOf);
    for (const item of items) index.add(item);
    return index;
  }

  add(item: T): void {
    const key = this.keyOf(item);
    if (key === null) return;
    const k = key.toLowerCase();
    const list = this.lists.get(k);
    if (list) list.push(item);
    else this.lists.set(k, [item]);
  }

  /** The items whose key equals `key` (case-insensitively), in the order they were added. */
  get(key: string | null | undefined): readonly T[] {
    return typeof key === 'string' ? (this.lists.get(key.toLowerCase()) ?? []) : [];
  }

  clear(): void {
    this.lists.clear();
  }
}

/**
 * A Map (id → entity) that also keeps {@link KeyIndex}es of its values. The keys an index reads must not
 * change once an entity is stored (requests and activations change only their status fields). Replacing
 * or deleting an entry rebuilds the indexes from the map, so their order stays the map's.
 */
export class IndexedMap<V, N extends string> extends Map<string, V> {
  private indexes: Record<N, KeyIndex<V>>;

  constructor(private readonly keyFns: Record<N, (value: V) => string | null>) {
    super();
    this.indexes = this.emptyIndexes();
  }

  /** The stored values whose `name` key equals `key` (case-insensitively), in insertion order. */
  by(name: N, key: string | null | undefined): readonly V[] {
    return this.indexes[name].get(key);
  }

  override set(key: string, value: V): this {
    const replacing = super.has(key);
    super.set(key, value);
    if (replacing) this.rebuild();
    else for (const index of Object.values<KeyIndex<V>>(this.indexes)) index.add(value);
    return this;
  }

  override delete(key: string): boolean {
    const deleted = super.delete(key);
    if (deleted) this.rebuild();
    return deleted;
  }

  override clear(): void {
    super.clear();
    for (const index of Object.values<KeyIndex<V>>(this.indexes)) index.clear();
  }

  private emptyIndexes(): Record<N, KeyIndex<V>> {
    const out = {} as Record<N, KeyIndex<V>>;
    for (const name of Object.keys(this.keyFns) as N[]) out[name] = new KeyIndex(this.keyFns[name]);
    return out;
  }

  private rebuild(): void {
    this.indexes = this.emptyIndexes();
    for (const value of super.values()) for (const index of Object.values<KeyIndex<V>>(this.indexes)) index.add(value);
  }
}
