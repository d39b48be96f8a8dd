import pino, { type Logger } from 'pino';

/**
 * Paths pino blanks before a line is written. Tokens, secrets and Authorization headers must never
 * reach logs, whatever object a caller hands the logger.
 */
export const REDACTED_PATHS = [
  'authorization',
  'Authorization',
  'headers.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  '*.authorization',
  '*.Authorization',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'id_token',
  '*.id_token',
  'assertion',
  '*.assertion',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
  'password',
  '*.password',
  'connectionString',
  '*.connectionString',
  'STORAGE_CONNECTION_STRING',
  '*.STORAGE_CONNECTION_STRING',
  'MicrosoftAppPassword',
  '*.MicrosoftAppPassword',
  'value.authentication.token',
  'activity.value.authentication.token',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'pim-bot' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export type { Logger };
