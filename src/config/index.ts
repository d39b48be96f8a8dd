/**
 * PIM Bot configuration, read from the environment (and env/.env.<name> files) and validated once at
 * start. Every error names the variable, says what is wrong and how to fix it.
 *
 * The rest of the bot imports from this folder only through this file, so the split below stays private:
 * resolveEnvironment gathers the variables, parseConfig validates them against the zod schemas and builds
 * the AppConfig, and any problem surfaces as one ConfigError.
 */
export { ConfigError } from './config-error';
export { DEFAULT_TICKET_PATTERN } from './ticket-env';
export { isLoopbackHost, isLoopbackUrl } from './loopback';
export { parseConfig } from './parse-config';
export { PUBLIC_CLOUD } from './public-cloud';
export { resolveEnvironment } from './resolve-environment';
export type {
  AppConfig,
  ApprovalsConfig,
  BotAuthConfig,
  BotFrameworkEndpoints,
  EntraAppConfig,
  FeedConfig,
  InboundConfig,
  JobsConfig,
  Mode,
  StepUpConfig,
  StorageConfig,
} from './types';
