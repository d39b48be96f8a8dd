import type { ContainerClient } from '@azure/storage-blob';
import type { Storage, StoreItems } from 'botbuilder';
import { blobServiceClient, type StorageAccount } from '../azure/storage-account';
import { blobNameOf } from './bot-storage';

/**
 * Where the dedupe marks live in the bot's container: one virtual folder, so a lifecycle rule (prefixMatch) can age
 * them out. Only the key is encoded as BlobsStorage encodes keys; the prefix's `/` stays a folder separator.
 */
export const TOKEN_EXCHANGE_MARK_PREFIX = 'sso-token-exchange/';
const markName = (key: string) => TOKEN_EXCHANGE_MARK_PREFIX + blobNameOf(key);

/**
 * The storage TeamsSSOTokenExchangeMiddleware dedupes the `signin/tokenExchange` invokes with (Teams
 * sends one per client of the user, all with the same value.id). The middleware writes
 * `{ eTag: value.id }` to a fresh key and relies on "a write with an eTag succeeds only once"
 * (botbuilder's teamsSSOTokenExchangeMiddleware.js, deduplicatedTokenExchangeId): true for
 * MemoryStorage and Cosmos DB, but BlobsStorage turns that eTag into If-Match, and Blob Storage
 * answers If-Match on an absent blob with 412 (Put Blob, "Specifying conditional headers",
 * https://learn.microsoft.com/rest/api/storageservices/specifying-conditional-headers-for-blob-service-operations),
 * which BlobsStorage reports as an eTag conflict: every exchange was taken for a duplicate and
 * dropped, so SSO never completed on Blob Storage. Here each key is created only if absent
 * (If-None-Match: *), which is the dedupe the middleware means, across instances too.
 */
export class CreateIfAbsentBlobStorage implements Storage {
  constructor(private readonly container: ContainerClient) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    for (const key of keys) {
      try {
        const body = await this.container.getBlockBlobClient(markName(key)).downloadToBuffer();
        items[key] = JSON.parse(body.toString('utf8')) as object;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      }
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(
      Object.entries(changes).map(async ([key, item]) => {
        const { eTag: _ignored, ...value } = item as { eTag?: unknown };
        const body = JSON.stringify(value);
        try {
          await this.container.getBlockBlobClient(markName(key)).upload(body, Buffer.byteLength(body), {
            conditions: { ifNoneMatch: '*' },
            blobHTTPHeaders: { blobContentType: 'application/json' },
          });
        } catch (err) {
          const status = (err as { statusCode?: number }).statusCode;
          // The middleware recognises a duplicate by this wording ("etag conflict"), as from botbuilder's own storages.
          if (status === 409 || status === 412)
            throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
          throw err;
        }
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.container.getBlockBlobClient(markName(key)).deleteIfExists()));
  }
}

/**
 * The storage to give TeamsSSOTokenExchangeMiddleware: create-if-absent blobs in the bot's container
 * when the bot keeps its state on Azure Storage — by connection string or by managed identity alike (with
 * the managed identity the bot's state is BlobsStorage too, whose If-Match would drop every exchange) —
 * else the bot's own storage (MemoryStorage already refuses a second write of the same key with a stale
 * eTag, atomically, in its one process).
 */
export function tokenExchangeDedupeStorage(
  botStorage: Storage,
  account: StorageAccount | undefined,
  container: string,
): Storage {
  if (!account) return botStorage;
  return new CreateIfAbsentBlobStorage(blobServiceClient(account).getContainerClient(container));
}
