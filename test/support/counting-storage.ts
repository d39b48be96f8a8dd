import { MemoryStorage, type StoreItems } from 'botbuilder';

/** botbuilder's MemoryStorage, remembering every key written: tests assert what a refused request did not write. */
export class CountingStorage extends MemoryStorage {
  readonly writtenKeys: string[] = [];
  get writes(): number {
    return this.writtenKeys.length;
  }
  override async write(changes: StoreItems): Promise<void> {
    this.writtenKeys.push(...Object.keys(changes));
    return super.write(changes);
  }
}
