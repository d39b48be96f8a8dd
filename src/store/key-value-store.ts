/**
 * The persistence port of the domain: keyed JSON items with optimistic concurrency, the contract of
 * botbuilder's `Storage` (Azure Blob Storage in production, memory in the demo without storage), so the
 * adapter is botbuilder's own storage and the domain does not import botbuilder.
 *
 * An item written with `eTag: '*'` overwrites; with the eTag it was read with, the write fails (a
 * conflict, see `isConflict`) when someone else wrote in between.
 */
export type StoreItems = Record<string, unknown>;

export interface KeyValueStore {
  read(keys: string[]): Promise<StoreItems>;
  write(changes: StoreItems): Promise<void>;
  delete(keys: string[]): Promise<void>;
}
