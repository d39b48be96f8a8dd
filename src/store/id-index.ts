import { readItem, updateItem } from './compare-and-swap';
import type { KeyValueStore } from './key-value-store';

/**
 * A list of ids kept in one storage item (the requests waiting for a decision, the activations the feed
 * still follows), changed with compare-and-swap so two instances never lose each other's change. Create
 * it up front (`initialItems` of the bot storage) where several instances may write it first at once.
 */
export class IdIndex {
  constructor(
    private readonly storage: KeyValueStore,
    readonly key: string,
  ) {}

  async ids(): Promise<string[]> {
    return [...((await readItem<string[]>(this.storage, this.key)) ?? [])];
  }

  async add(id: string): Promise<void> {
    await updateItem<string[]>(this.storage, this.key, (ids) => (ids.includes(id) ? undefined : [...ids, id]), {
      init: [],
    });
  }

  async remove(id: string): Promise<void> {
    await updateItem<string[]>(this.storage, this.key, (ids) =>
      ids.includes(id) ? ids.filter((i) => i !== id) : undefined,
    );
  }
}
