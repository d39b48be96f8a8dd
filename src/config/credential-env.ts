import { z } from 'zod';

/*
 * Credentials, storage and sealing (issue 13, finding 10). One secret used to be the bot password, the Graph
 * credential and the step-up sealing-key input. These let each job have its own: a dedicated sealing key, a
 * certificate instead of the app secret, and the storage account through a managed identity instead of an account
 * key. Cross-checked in credentialRules; both modes read them (env-schemas.ts).
 */

/** The variables of this block, spread into both modes' schemas. */
export function credentialVariables() {
  return {
    STEP_UP_SEALING_KEY: z
      .string()
      .min(32, {
        error:
          'STEP_UP_SEALING_KEY must be at least 32 characters (e.g. `openssl rand -base64 48`); it seals pending step-up sign-ins at rest.',
      })
      .optional(),
    AAD_APP_CLIENT_CERTIFICATE_PATH: z.string().min(1).optional(),
    STORAGE_ACCOUNT_NAME: z
      .string()
      .regex(/^[a-z0-9]{3,24}$/, {
        error: 'STORAGE_ACCOUNT_NAME must be a storage account name: 3-24 lower-case letters and digits.',
      })
      .optional(),
    STORAGE_BLOB_ENDPOINT: storageEndpoint('STORAGE_BLOB_ENDPOINT', 'https://contoso.blob.core.windows.net'),
    STORAGE_QUEUE_ENDPOINT: storageEndpoint('STORAGE_QUEUE_ENDPOINT', 'https://contoso.queue.core.windows.net'),
  };
}

/** Playground stays zero-setup: these may be absent; when present they follow the same rules as production. */
function storageEndpoint(name: string, example: string) {
  return z
    .string()
    .refine((v) => /^https:\/\/[^/\s]+/.test(v) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(v), {
      error: `${name} must be an https URL (http only on 127.0.0.1/localhost, for Azurite), e.g. ${example}.`,
    })
    .transform((v) => v.replace(/\/+$/, ''))
    .optional();
}

/** The cross-variable rules of these variables, for both modes; `production` adds the credential rule. */
export function credentialRules(
  v: {
    AAD_APP_CLIENT_SECRET?: string;
    AAD_APP_CLIENT_CERTIFICATE_PATH?: string;
    STEP_UP_SEALING_KEY?: string;
    STORAGE_CONNECTION_STRING?: string;
    STORAGE_ACCOUNT_NAME?: string;
    STORAGE_BLOB_ENDPOINT?: string;
    STORAGE_QUEUE_ENDPOINT?: string;
  },
  ctx: z.RefinementCtx,
  production: boolean,
): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (production) {
    if (v.AAD_APP_CLIENT_SECRET && v.AAD_APP_CLIENT_CERTIFICATE_PATH) {
      issue(
        'AAD_APP_CLIENT_SECRET',
        'AAD_APP_CLIENT_SECRET and AAD_APP_CLIENT_CERTIFICATE_PATH are both set. Set exactly one: the app authenticates to Entra with either a secret or a certificate (preferred).',
      );
    } else if (!v.AAD_APP_CLIENT_SECRET && !v.AAD_APP_CLIENT_CERTIFICATE_PATH) {
      issue(
        'AAD_APP_CLIENT_SECRET',
        'AAD_APP_CLIENT_SECRET and AAD_APP_CLIENT_CERTIFICATE_PATH are both unset. Set exactly one: AAD_APP_CLIENT_CERTIFICATE_PATH (a PEM file with the private key and the certificate uploaded to the app registration, preferred) or AAD_APP_CLIENT_SECRET (Certificates & secrets). The bot exchanges Teams SSO tokens on-behalf-of the user with it.',
      );
    }
  }
  if (v.AAD_APP_CLIENT_CERTIFICATE_PATH && !v.AAD_APP_CLIENT_SECRET && !v.STEP_UP_SEALING_KEY) {
    issue(
      'STEP_UP_SEALING_KEY',
      'STEP_UP_SEALING_KEY is not set, and with AAD_APP_CLIENT_CERTIFICATE_PATH there is no app secret to derive it from. Set it to 32+ random characters, the same on every instance (e.g. a Key Vault secret: `openssl rand -base64 48`).',
    );
  }
  const byIdentity = v.STORAGE_ACCOUNT_NAME || v.STORAGE_BLOB_ENDPOINT || v.STORAGE_QUEUE_ENDPOINT;
  if (v.STORAGE_CONNECTION_STRING && byIdentity) {
    issue(
      'STORAGE_CONNECTION_STRING',
      'STORAGE_CONNECTION_STRING is set together with STORAGE_ACCOUNT_NAME / STORAGE_BLOB_ENDPOINT / STORAGE_QUEUE_ENDPOINT. Set one: the account name or endpoints (managed identity, preferred) or the connection string (account key).',
    );
  }
  if (v.STORAGE_ACCOUNT_NAME && (v.STORAGE_BLOB_ENDPOINT || v.STORAGE_QUEUE_ENDPOINT)) {
    issue(
      'STORAGE_ACCOUNT_NAME',
      'STORAGE_ACCOUNT_NAME is set together with STORAGE_BLOB_ENDPOINT / STORAGE_QUEUE_ENDPOINT. Set the account name (public cloud endpoints) or both endpoints, not both.',
    );
  }
  if (!v.STORAGE_ACCOUNT_NAME && Boolean(v.STORAGE_BLOB_ENDPOINT) !== Boolean(v.STORAGE_QUEUE_ENDPOINT)) {
    const missing = v.STORAGE_BLOB_ENDPOINT ? 'STORAGE_QUEUE_ENDPOINT' : 'STORAGE_BLOB_ENDPOINT';
    issue(
      missing,
      `${missing} is not set, but ${missing === 'STORAGE_QUEUE_ENDPOINT' ? 'STORAGE_BLOB_ENDPOINT' : 'STORAGE_QUEUE_ENDPOINT'} is. The bot keeps state in blobs and jobs in queues: set both endpoints of the account.`,
    );
  }
}
