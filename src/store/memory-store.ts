import type { KeyValueStore, StoreItems } from './key-value-store';

/**
 * The storage contract in this process's memory (one instance, lost on restart): items are copied in
 * and out, each write gets a new eTag, and a write whose eTag is not the current one fails as a
 * conflict, like Azure Blob Storage's 412.
 */
export class MemoryStore implements KeyValueStore {
  private readonly items = new Map<string, { value: string; eTag: string }>();
  private nextTag = 1;

  async read(keys: string[]): Promise<StoreItems> {
    const out: StoreItems = {};
    for (const key of keys) {
      const item = this.items.get(key);
      if (item) out[key] = { ...(JSON.parse(item.value) as object), eTag: item.eTag };
    }
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, change] of Object.entries(changes)) {
      const { eTag, ...value } = (change ?? {}) as { eTag?: unknown };
      const current = this.items.get(key);
      if (eTag !== undefined && eTag !== '*' && eTag !== current?.eTag) {
        throw Object.assign(new Error(`Storage: the eTag of ${key} changed (precondition failed).`), {
          statusCode: 412,
        });
      }
      // Stryker disable next-line UpdateOperator: any tag unique to this write will do; counting down is as unique.
      this.items.set(key, { value: JSON.stringify(value), eTag: String(this.nextTag++) });
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.items.delete(key);
  }
}
