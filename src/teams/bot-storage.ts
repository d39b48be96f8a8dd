import { MemoryStorage, type Storage } from 'botbuilder';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { blobServiceClient, containerUrl, type StorageAccount } from '../azure/storage-account';

export interface StorageOptions {
  /** Azure Storage connection string (shorthand for `account`). */
  connectionString?: string;
  /**
   * The storage account (connection string, or endpoints + token credential: src/azure/storage-account.ts).
   * Neither this nor connectionString: the bot keeps its state in memory (one instance, lost on restart).
   */
  account?: StorageAccount;
  /** Blob container for the bot's state, e.g. "pimbot-state" (created when missing). */
  container: string;
  /**
   * Items to create when absent, atomically (If-None-Match: *), before the storage is handed out; an
   * existing item is left as it is. botbuilder's Storage cannot create-if-absent (eTag "*" overwrites),
   * so an item that several instances may create at the same moment, and then update with
   * compare-and-swap, must exist beforehand: e.g. the request indexes (REQUEST_INDEX_KEYS).
   */
  initialItems?: Record<string, object>;
}

const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

/**
 * The bot's state storage (tracked requests, conversation references, dialog state): Azure Blob
 * Storage (botbuilder-azure-blobs) when a connection string is given, so several instances share it
 * and eTag compare-and-swap works between them; MemoryStorage otherwise.
 *
 * Resolves once the container exists. BlobsStorage creates it itself on first use, but remembers a
 * failed attempt for good (every later read and write fails with it); creating it here, before the
 * storage is handed out, turns an unreachable account into one clear error at start instead.
 */
export async function createStorage(options: StorageOptions): Promise<Storage> {
  if (!CONTAINER_NAME.test(options.container)) {
    throw new RangeError(
      `Storage container "${options.container}" is not a valid blob container name: 3-63 lower-case letters, digits and single hyphens.`,
    );
  }
  const initialItems = Object.entries(options.initialItems ?? {});
  const account: StorageAccount | undefined =
    options.account ??
    (options.connectionString ? { kind: 'connectionString', connectionString: options.connectionString } : undefined);
  if (!account) {
    const storage = new MemoryStorage();
    for (const [key, item] of initialItems) await storage.write({ [key]: { ...item, eTag: '*' } });
    return storage;
  }
  // BlobsStorage takes a container URL + credential in place of a connection string (botbuilder-azure-blobs 4.23).
  const storage =
    account.kind === 'connectionString'
      ? new BlobsStorage(account.connectionString, options.container)
      : new BlobsStorage(
          '',
          options.container,
          undefined,
          containerUrl(account, options.container),
          account.credential,
        );
  try {
    // Reading no keys runs (and caches) BlobsStorage's container creation and nothing else.
    await storage.read([]);
    const container = blobServiceClient(account).getContainerClient(options.container);
    await Promise.all(
      initialItems.map(async ([key, item]) => {
        const { eTag: _ignored, ...value } = item as { eTag?: unknown };
        const body = JSON.stringify(value);
        try {
          await container.getBlockBlobClient(blobNameOf(key)).upload(body, Buffer.byteLength(body), {
            conditions: { ifNoneMatch: '*' },
            blobHTTPHeaders: { blobContentType: 'application/json' },
          });
        } catch (err) {
          const status = (err as { statusCode?: number }).statusCode;
          if (status !== 409 && status !== 412) throw err; // it exists already: keep it
        }
      }),
    );
  } catch (err) {
    throw new StorageUnavailableError(
      `Could not reach Azure Blob Storage or prepare container "${options.container}": ${withoutKeys(err instanceof Error ? err.message : String(err))}`,
      { cause: err },
    );
  }
  return storage;
}

/** The blob BlobsStorage keeps a key in (botbuilder-azure-blobs' sanitizeBlobKey, which it does not export). */
export function blobNameOf(key: string): string {
  if (!key) throw new Error('Storage keys must not be empty.');
  const joined = key.split('/').reduce((acc, part, i) => (part ? [acc, part].join(i < 255 ? '/' : '') : acc));
  return encodeURIComponent(joined).slice(0, 1024);
}

/** Error text without account keys or SAS signatures, should the SDK ever echo them. */
function withoutKeys(text: string): string {
  return text.replace(/\b(AccountKey|SharedAccessSignature|sig)=[^&;\s]+/gi, '$1=[redacted]');
}
