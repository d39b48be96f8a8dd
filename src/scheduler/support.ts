import type { Logger } from '../observability/logger';

/** What the scheduler logs through: the app's pino logger, or a child of it. */
export type SchedulerLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** The storage service's error code (x-ms-error-code), e.g. "LeaseAlreadyPresent", when there is one. */
export function azureErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function azureStatus(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

const JWT_IN_TEXT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)*/g;

/** An error as one short line for logs and dead letters, with anything token-shaped blanked. */
export function describeError(err: unknown, maxLength = 1000): string {
  const text =
    err instanceof Error
      ? `${err.name}: ${err.message}`
      : typeof err === 'string'
        ? err
        : (() => {
            try {
              return JSON.stringify(err) ?? String(err);
            } catch {
              return String(err);
            }
          })();
  const clean = text
    .replace(JWT_IN_TEXT, '[redacted token]')
    .replace(/\b(AccountKey|SharedAccessSignature|sig)=[^&;\s]+/gi, '$1=[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

/** The queue message was deleted, or is held by someone else now (our pop receipt is stale). */
export function isMessageGone(err: unknown): boolean {
  const code = azureErrorCode(err);
  return azureStatus(err) === 404 || code === 'PopReceiptMismatch' || code === 'MessageNotFound';
}
