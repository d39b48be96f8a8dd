import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { BlobServiceClient, type StoragePipelineOptions } from '@azure/storage-blob';
import { QueueClient, type StoragePipelineOptions as QueuePipelineOptions } from '@azure/storage-queue';
import type { StorageConfig } from '../config';

/**
 * How the bot reaches its Azure Storage account, for all three users (the blob state store, the job queue
 * and the watcher's lease leader), so they never disagree:
 * - `connectionString`: STORAGE_CONNECTION_STRING, with the account key (Azurite, or when shared keys are on);
 * - `token`: the blob and queue endpoints with an Entra token credential (DefaultAzureCredential: the managed
 *   identity on App Service, given Storage Blob/Queue Data Contributor on the account), so no key exists in
 *   app settings and the account can refuse shared keys (allowSharedKeyAccess: false).
 * Sources: learn.microsoft.com/azure/storage/common/storage-auth-aad-app ("authorize with Microsoft Entra ID"),
 * @azure/storage-blob BlobServiceClient(url, TokenCredential), @azure/storage-queue QueueClient(url, credential).
 */
export type StorageAccount =
  | { readonly kind: 'connectionString'; readonly connectionString: string }
  | {
      readonly kind: 'token';
      readonly blobEndpoint: string;
      readonly queueEndpoint: string;
      readonly credential: TokenCredential;
    };

let defaultCredential: TokenCredential | undefined;

/**
 * One DefaultAzureCredential per process: it caches its tokens, and the three storage users share it.
 * A user-assigned identity is picked by AZURE_CLIENT_ID (read by DefaultAzureCredential itself).
 */
function processCredential(): TokenCredential {
  defaultCredential ??= new DefaultAzureCredential();
  return defaultCredential;
}

/** The account of a StorageConfig; undefined when state is in memory. `credential` is for tests and special hosts. */
export function storageAccountOf(
  storage: Pick<StorageConfig, 'connectionString' | 'endpoints'>,
  credential?: TokenCredential,
): StorageAccount | undefined {
  if (storage.connectionString && storage.endpoints) {
    // Config validation refuses this; a programming error if it gets here.
    throw new Error('STORAGE_CONNECTION_STRING and the storage endpoints are both set: set one.');
  }
  if (storage.connectionString) return { kind: 'connectionString', connectionString: storage.connectionString };
  if (storage.endpoints) {
    return {
      kind: 'token',
      blobEndpoint: storage.endpoints.blob.replace(/\/+$/, ''),
      queueEndpoint: storage.endpoints.queue.replace(/\/+$/, ''),
      credential: credential ?? processCredential(),
    };
  }
  return undefined;
}

export function blobServiceClient(account: StorageAccount, options?: StoragePipelineOptions): BlobServiceClient {
  return account.kind === 'connectionString'
    ? BlobServiceClient.fromConnectionString(account.connectionString, options)
    : new BlobServiceClient(account.blobEndpoint, account.credential, options);
}

/** The container's URL, for clients that take one with a credential (botbuilder-azure-blobs). */
export function containerUrl(account: Extract<StorageAccount, { kind: 'token' }>, container: string): string {
  return `${account.blobEndpoint}/${encodeURIComponent(container)}`;
}

export function queueClient(account: StorageAccount, queueName: string, options?: QueuePipelineOptions): QueueClient {
  return account.kind === 'connectionString'
    ? new QueueClient(account.connectionString, queueName, options)
    : new QueueClient(`${account.queueEndpoint}/${encodeURIComponent(queueName)}`, account.credential, options);
}

/** Options that name either a StorageAccount or (the older form) a connection string. */
export interface StorageAccountOption {
  /** The account; preferred. */
  account?: StorageAccount;
  /** Shorthand for `{ kind: 'connectionString', connectionString }`. */
  connectionString?: string;
}

export function accountOfOptions(options: StorageAccountOption, owner: string): StorageAccount {
  if (options.account) return options.account;
  if (options.connectionString) return { kind: 'connectionString', connectionString: options.connectionString };
  throw new RangeError(`${owner} needs a storage account (account or connectionString).`);
}
