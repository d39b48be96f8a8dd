import type { ContainerClient } from '@azure/storage-blob';
import { blobServiceClient, type StorageAccount } from '../azure/storage-account';
import { blobNameOf } from './bot-storage';

/**
 * One mark per inbound activity delivery, so a delivery Teams repeats is handled once. `claim` is
 * create-if-absent: true for the first caller (on any instance), false for every later one.
 */
export interface DeliveryMarks {
  claim(key: string): Promise<boolean>;
  /** Forgets a mark, so a redelivery after a failed turn is handled (nothing the user sent is lost). */
  release(key: string): Promise<void>;
}

/** The folder of the marks in the bot's container: a lifecycle rule (prefixMatch) can age them out. */
export const DELIVERY_MARK_PREFIX = 'activity-deliveries/';

/**
 * Marks as empty blobs in the bot's container, created with If-None-Match: * (Put Blob answers 409
 * BlobAlreadyExists to the second creator: https://learn.microsoft.com/rest/api/storageservices/specifying-conditional-headers-for-blob-service-operations),
 * so instances sharing the account agree on who handles a delivery.
 */
export class BlobDeliveryMarks implements DeliveryMarks {
  constructor(private readonly container: ContainerClient) {}

  async claim(key: string): Promise<boolean> {
    try {
      await this.blob(key).upload('', 0, { conditions: { ifNoneMatch: '*' } });
      return true;
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 409 || status === 412) return false;
      throw err;
    }
  }

  async release(key: string): Promise<void> {
    await this.blob(key).deleteIfExists();
  }

  private blob(key: string) {
    return this.container.getBlockBlobClient(DELIVERY_MARK_PREFIX + blobNameOf(key));
  }
}

/** How long a mark is kept in memory: Teams redelivers after about 15 s, twice at most (see RedeliveryGuard). */
const MEMORY_MARK_TTL_MS = 10 * 60_000;
/** The most marks kept in memory; the oldest go first (a busy single instance, or a flood). */
const MEMORY_MARK_LIMIT = 20_000;

/** Marks in this process only, bounded in count and age: for a single instance without Azure Storage. */
export class MemoryDeliveryMarks implements DeliveryMarks {
  /** Key → when it was claimed; Map keeps insertion order, so the first entries are the oldest. */
  private readonly marks = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly limit = MEMORY_MARK_LIMIT,
  ) {}

  async claim(key: string): Promise<boolean> {
    const now = this.now();
    for (const [oldest, at] of this.marks) {
      if (now - at < MEMORY_MARK_TTL_MS && this.marks.size < this.limit) break;
      this.marks.delete(oldest);
    }
    if (this.marks.has(key)) return false;
    this.marks.set(key, now);
    return true;
  }

  async release(key: string): Promise<void> {
    this.marks.delete(key);
  }

  /** Marks held now (for the memory report). */
  get size(): number {
    return this.marks.size;
  }
}

/** Marks on the bot's Azure Storage container when it has one (shared by all instances), else in memory. */
export function deliveryMarks(account: StorageAccount | undefined, container: string): DeliveryMarks {
  return account
    ? new BlobDeliveryMarks(blobServiceClient(account).getContainerClient(container))
    : new MemoryDeliveryMarks();
}
