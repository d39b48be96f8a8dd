import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';

/**
 * PIM Bot configuration, read from the environment (and env/.env.<name> files) and validated once at
 * start. Every error names the variable, says what is wrong and how to fix it.
 *
 * Two modes:
 * - playground: the local demo (Agents Playground, local Entra authority and Graph simulator). Inbound
 *   Bot Framework auth is off and a dev identity stands in for Teams SSO. Refused when production
 *   credentials are present, so a misconfigured production bot can never run unauthenticated.
 * - production: inbound Bot Framework JWTs verified (app id + secret, or a user-assigned managed identity).
 */
export type Mode = 'playground' | 'production';

export interface BotAuthConfig {
  /** Bot Framework app registration: MicrosoftAppId. Undefined in playground mode (inbound auth off). */
  appId?: string;
  appPassword?: string;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  appTenantId?: string;
}

export interface EntraAppConfig {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  /** https://login.microsoftonline.com, or the local authority in playground mode. */
  authorityHost: string;
}

export interface AppConfig {
  mode: Mode;
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  maxBodyBytes: number;
  /** How long SIGTERM waits for in-flight turns before exiting anyway. */
  shutdownGraceMs: number;
  bot: BotAuthConfig;
  entra: EntraAppConfig;
  /** Graph root without version, e.g. https://graph.microsoft.com. */
  graphBaseUrl: string;
  /** Where users' browsers reach the bot (step-up sign-in links): https in production. */
  publicBaseUrl: string;
  /** Azure Bot OAuth connection for Teams SSO (production). */
  oauthConnectionName?: string;
  /** Ticket numbers users may type; TICKET_PATTERN. */
  ticketPattern: RegExp;
  /** TICKET_SYSTEM: sent to PIM as ticketInfo.ticketSystem and named in prompts. */
  ticketSystem: string;
  approvals: ApprovalsConfig;
  feed: FeedConfig;
  jobs: JobsConfig;
  storage: StorageConfig;
}

export interface StorageConfig {
  /** STORAGE_CONNECTION_STRING: Azure Storage (or Azurite). Unset: state in memory (one instance, lost on restart). */
  connectionString?: string;
  /** STORAGE_CONTAINER: blob container for the bot's state. */
  container: string;
}

export interface FeedConfig {
  /** FEED_ADMIN_GROUP_ID: members of this Entra group may change a channel's subscription. */
  adminGroupId?: string;
  /** SECURITY_CHANNEL_ID: break-glass activations raise an urgent card here. */
  securityChannelId?: string;
  /** WATCHED_GROUP_IDS: PIM for Groups groups the watcher reads (Graph lists group requests per group). */
  watchedGroupIds: string[];
  /** WATCHER_INTERVAL_SECONDS: how often the watcher reads activations made outside the bot (0 = off). */
  watcherIntervalSeconds: number;
}

export interface ApprovalsConfig {
  /** APPROVALS_CHANNELS: role or group display name (or "*") → Teams channel id ("19:…@thread.tacv2"). */
  channels: Record<string, string>;
  /** FALLBACK_APPROVALS_CHANNEL_ID: gets requests nobody decided before the escalation time. */
  fallbackChannelId?: string;
  /** BREAK_GLASS_IDS: Entra object ids of emergency access accounts. */
  breakGlassIds: string[];
  reminderAfterMinutes: number;
  escalateAfterMinutes: number;
}

/** Scheduled work: Azure Storage queue jobs (in memory without STORAGE_CONNECTION_STRING). */
export interface JobsConfig {
  /** JOB_POLL_SECONDS: how often each instance looks for due jobs when the queue is idle. */
  pollSeconds: number;
  /** EXPIRY_WARNING_MINUTES: warn the requester this long before an activation ends (0 = no warning). */
  expiryWarningMinutes: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`PIM Bot configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Ticket ids such as INC-42, CHG-1042, INC0012345 or SR12345. */
export const DEFAULT_TICKET_PATTERN = '^[A-Za-z][A-Za-z0-9]*-?\\d+$';

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const httpsUrl = (name: string, example: string) =>
  z
    .string({ error: `${name} is not set. Set it to an https URL, e.g. ${example}.` })
    .refine((v) => /^https:\/\/[^/\s]+/.test(v), {
      error: `${name} must be an https URL (got a value that is not), e.g. ${example}.`,
    })
    .transform((v) => v.replace(/\/+$/, ''));

const tenantGuid = (name: string) =>
  z
    .string({ error: `${name} is not set. Set it to your Entra tenant id (a GUID, Entra admin center > Overview).` })
    .regex(guid, { error: `${name} must be a GUID (Entra admin center > Overview > Tenant ID).` });

const clientGuid = (name: string) =>
  z
    .string({ error: `${name} is not set. Set it to the app registration's Application (client) ID.` })
    .regex(guid, { error: `${name} must be a GUID: the app registration's Application (client) ID.` });

const portError = 'PORT must be a whole number between 0 and 65535 (0 picks a free port), e.g. 3978.';
const port = z.coerce
  .number({ error: portError })
  .int({ error: portError })
  .min(0, { error: portError })
  .max(65535, { error: portError });

const common = {
  HOST: z.string().min(1).optional(),
  PORT: port.default(3978),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent.',
    })
    .default('info'),
  MAX_BODY_BYTES: z.coerce
    .number({ error: 'MAX_BODY_BYTES must be a number of bytes, e.g. 262144.' })
    .int()
    .min(1024, { error: 'MAX_BODY_BYTES must be at least 1024.' })
    .default(256 * 1024),
  SHUTDOWN_GRACE_MS: z.coerce
    .number({ error: 'SHUTDOWN_GRACE_MS must be a number of milliseconds, e.g. 10000.' })
    .int()
    .min(0)
    .default(10_000),
  GRAPH_BASE_URL: httpsUrl('GRAPH_BASE_URL', 'https://graph.microsoft.com').default('https://graph.microsoft.com'),
  AAD_APP_OAUTH_AUTHORITY_HOST: httpsUrl('AAD_APP_OAUTH_AUTHORITY_HOST', 'https://login.microsoftonline.com').default(
    'https://login.microsoftonline.com',
  ),
  AAD_APP_TENANT_ID: tenantGuid('AAD_APP_TENANT_ID'),
  AAD_APP_CLIENT_ID: clientGuid('AAD_APP_CLIENT_ID'),
  TICKET_SYSTEM: z.string().min(1).max(100).default('Ticket'),
  TICKET_PATTERN: z
    .string()
    .refine(
      (v) => {
        try {
          new RegExp(v);
          return true;
        } catch {
          return false;
        }
      },
      { error: 'TICKET_PATTERN is not a valid regular expression. Example: ^(INC|CHG)\\d{7}$' },
    )
    .default(DEFAULT_TICKET_PATTERN),
  APPROVALS_CHANNELS: z
    .string()
    .transform((v, ctx) => {
      try {
        const parsed: unknown = JSON.parse(v);
        if (
          parsed &&
          typeof parsed === 'object' &&
          !Array.isArray(parsed) &&
          Object.values(parsed).every((c) => typeof c === 'string')
        ) {
          return parsed as Record<string, string>;
        }
      } catch {
        // reported below
      }
      ctx.addIssue({
        code: 'custom',
        message:
          'APPROVALS_CHANNELS must be JSON mapping role names (or "*") to channel ids, e.g. {"*":"19:abc@thread.tacv2"}.',
      });
      return z.NEVER;
    })
    .default({}),
  FALLBACK_APPROVALS_CHANNEL_ID: z.string().min(1).optional(),
  BREAK_GLASS_IDS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(z.string().regex(guid, { error: 'BREAK_GLASS_IDS must be comma-separated Entra object ids (GUIDs).' })),
    )
    .default([]),
  APPROVAL_REMINDER_MINUTES: z.coerce
    .number({ error: 'APPROVAL_REMINDER_MINUTES must be a number of minutes, e.g. 60.' })
    .min(0.01, { error: 'APPROVAL_REMINDER_MINUTES must be more than 0, e.g. 60.' })
    .max(1439)
    .default(60),
  APPROVAL_ESCALATION_MINUTES: z.coerce
    .number({
      error:
        'APPROVAL_ESCALATION_MINUTES must be a number of minutes under 1440 (PIM expires requests at 24 h), e.g. 1200.',
    })
    .int()
    .min(1)
    .max(1439)
    .default(1200),
  STORAGE_CONNECTION_STRING: z.string().min(1).optional(),
  STORAGE_CONTAINER: z
    .string()
    .regex(/^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/, {
      error: 'STORAGE_CONTAINER must be a blob container name: 3-63 lower-case letters, digits and single hyphens.',
    })
    .default('pimbot-state'),
  FEED_ADMIN_GROUP_ID: z
    .string()
    .regex(guid, { error: 'FEED_ADMIN_GROUP_ID must be the object id (GUID) of an Entra group.' })
    .optional(),
  SECURITY_CHANNEL_ID: z.string().min(1).optional(),
  WATCHED_GROUP_IDS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(z.string().regex(guid, { error: 'WATCHED_GROUP_IDS must be comma-separated Entra group object ids.' })),
    )
    .default([]),
  JOB_POLL_SECONDS: z.coerce
    .number({ error: 'JOB_POLL_SECONDS must be a number of seconds, e.g. 5.' })
    .min(0.05, { error: 'JOB_POLL_SECONDS must be at least 0.05.' })
    .max(300, { error: 'JOB_POLL_SECONDS must be at most 300 (5 minutes).' })
    .default(5),
  EXPIRY_WARNING_MINUTES: z.coerce
    .number({ error: 'EXPIRY_WARNING_MINUTES must be a number of minutes (0 turns the warning off), e.g. 10.' })
    .min(0, { error: 'EXPIRY_WARNING_MINUTES must be 0 (off) or more.' })
    .max(1440, { error: 'EXPIRY_WARNING_MINUTES must be at most 1440 (a day).' })
    .default(10),
  WATCHER_INTERVAL_SECONDS: z.coerce
    .number({ error: 'WATCHER_INTERVAL_SECONDS must be a number of seconds (0 turns the watcher off), e.g. 60.' })
    .int()
    .min(0)
    .default(60),
  PUBLIC_BASE_URL: z
    .string()
    .refine((v) => /^https?:\/\/[^/\s]+/.test(v), {
      error: 'PUBLIC_BASE_URL must be the URL where browsers reach the bot, e.g. https://pimbot.contoso.com.',
    })
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
};

const playgroundSchema = z.object({
  ...common,
  AAD_APP_CLIENT_SECRET: z.string({
    error:
      'AAD_APP_CLIENT_SECRET is not set. `npm run playground` sets it for the local authority; run the demo that way.',
  }),
});

const productionSchema = z
  .object({
    ...common,
    MicrosoftAppId: clientGuid('MicrosoftAppId'),
    MicrosoftAppPassword: z.string().min(1).optional(),
    MicrosoftAppType: z
      .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], {
        error: 'MicrosoftAppType must be MultiTenant, SingleTenant or UserAssignedMSI (the Azure Bot resource type).',
      })
      .default('SingleTenant'),
    MicrosoftAppTenantId: tenantGuid('MicrosoftAppTenantId').optional(),
    AAD_APP_CLIENT_SECRET: z.string().min(1).optional(),
    OAUTH_CONNECTION_NAME: z.string().min(1).optional(),
  })
  .superRefine(
    (v, ctx) => {
      if (v.MicrosoftAppType !== 'UserAssignedMSI' && !v.MicrosoftAppPassword) {
        ctx.addIssue({
          code: 'custom',
          path: ['MicrosoftAppPassword'],
          message:
            'MicrosoftAppPassword is not set. Production verifies Bot Framework tokens: set the bot app secret, or set MicrosoftAppType=UserAssignedMSI to use a managed identity.',
        });
      }
      if (
        (v.MicrosoftAppType === 'SingleTenant' || v.MicrosoftAppType === 'UserAssignedMSI') &&
        !v.MicrosoftAppTenantId
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['MicrosoftAppTenantId'],
          message: `MicrosoftAppTenantId is not set. A ${v.MicrosoftAppType} bot needs the tenant id of its app registration.`,
        });
      }
      if (!v.OAUTH_CONNECTION_NAME) {
        ctx.addIssue({
          code: 'custom',
          path: ['OAUTH_CONNECTION_NAME'],
          message:
            'OAUTH_CONNECTION_NAME is not set. Teams SSO needs the OAuth connection of the Azure Bot resource (Configuration > OAuth Connection Settings).',
        });
      }
      if (!v.PUBLIC_BASE_URL?.startsWith('https://')) {
        ctx.addIssue({
          code: 'custom',
          path: ['PUBLIC_BASE_URL'],
          message:
            'PUBLIC_BASE_URL must be the https URL where browsers reach the bot (the step-up sign-in returns there), e.g. https://pimbot.contoso.com.',
        });
      }
      if (!v.AAD_APP_CLIENT_SECRET) {
        ctx.addIssue({
          code: 'custom',
          path: ['AAD_APP_CLIENT_SECRET'],
          message:
            'AAD_APP_CLIENT_SECRET is not set. The bot exchanges Teams SSO tokens on-behalf-of the user and needs the app secret (Certificates & secrets).',
        });
      }
    },
    // Run even when a variable is missing, so one start reports every problem instead of one round at a time.
    { when: () => true },
  );

/** Variables whose presence means "this is a production deployment". */
const PRODUCTION_CREDENTIALS = ['MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppType'] as const;

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '');
    // zod's own messages lack the name; ours already start with it.
    return issue.message.startsWith(variable) || !variable ? issue.message : `${variable}: ${issue.message}`;
  });
}

/** Validates an environment into a config. Pure: does not read files or process.env. */
export function parseConfig(env: Env): AppConfig {
  const rawMode = env.PIMBOT_MODE;
  if (rawMode !== 'playground' && rawMode !== 'production') {
    throw new ConfigError([
      rawMode === undefined || rawMode === ''
        ? 'PIMBOT_MODE is not set. Set PIMBOT_MODE=playground for the local demo (npm run playground does) or PIMBOT_MODE=production for a real tenant.'
        : `PIMBOT_MODE must be "playground" or "production" (got "${rawMode.slice(0, 40)}").`,
    ]);
  }
  // Empty strings in env files mean "not set".
  const cleaned: Env = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));

  if (rawMode === 'playground') {
    const present = PRODUCTION_CREDENTIALS.filter((name) => cleaned[name] !== undefined);
    if (present.length > 0) {
      throw new ConfigError([
        `${present.join(', ')} ${present.length === 1 ? 'is' : 'are'} set, but PIMBOT_MODE=playground turns inbound authentication off. Refusing to run a bot with production credentials unauthenticated: set PIMBOT_MODE=production, or unset ${present.join(', ')} for the demo.`,
      ]);
    }
    const parsed = playgroundSchema.safeParse(cleaned);
    if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
    const v = parsed.data;
    return {
      mode: 'playground',
      host: v.HOST ?? '127.0.0.1',
      port: v.PORT,
      logLevel: v.LOG_LEVEL,
      maxBodyBytes: v.MAX_BODY_BYTES,
      shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
      bot: { appType: 'MultiTenant' },
      entra: {
        tenantId: v.AAD_APP_TENANT_ID,
        clientId: v.AAD_APP_CLIENT_ID,
        clientSecret: v.AAD_APP_CLIENT_SECRET,
        authorityHost: v.AAD_APP_OAUTH_AUTHORITY_HOST,
      },
      graphBaseUrl: v.GRAPH_BASE_URL,
      publicBaseUrl: v.PUBLIC_BASE_URL ?? `http://127.0.0.1:${v.PORT}`,
      ticketPattern: new RegExp(v.TICKET_PATTERN),
      ticketSystem: v.TICKET_SYSTEM,
      approvals: approvalsConfig(v),
      feed: feedConfig(v),
      jobs: { pollSeconds: v.JOB_POLL_SECONDS, expiryWarningMinutes: v.EXPIRY_WARNING_MINUTES },
      storage: { connectionString: v.STORAGE_CONNECTION_STRING, container: v.STORAGE_CONTAINER },
    };
  }

  const parsed = productionSchema.safeParse(cleaned);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  const v = parsed.data;
  return {
    mode: 'production',
    host: v.HOST ?? '0.0.0.0',
    port: v.PORT,
    logLevel: v.LOG_LEVEL,
    maxBodyBytes: v.MAX_BODY_BYTES,
    shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
    bot: {
      appId: v.MicrosoftAppId,
      appPassword: v.MicrosoftAppPassword,
      appType: v.MicrosoftAppType,
      appTenantId: v.MicrosoftAppTenantId,
    },
    entra: {
      tenantId: v.AAD_APP_TENANT_ID,
      clientId: v.AAD_APP_CLIENT_ID,
      clientSecret: v.AAD_APP_CLIENT_SECRET,
      authorityHost: v.AAD_APP_OAUTH_AUTHORITY_HOST,
    },
    graphBaseUrl: v.GRAPH_BASE_URL,
    publicBaseUrl: v.PUBLIC_BASE_URL!,
    oauthConnectionName: v.OAUTH_CONNECTION_NAME,
    ticketPattern: new RegExp(v.TICKET_PATTERN),
    ticketSystem: v.TICKET_SYSTEM,
    approvals: approvalsConfig(v),
    feed: feedConfig(v),
    jobs: { pollSeconds: v.JOB_POLL_SECONDS, expiryWarningMinutes: v.EXPIRY_WARNING_MINUTES },
    storage: { connectionString: v.STORAGE_CONNECTION_STRING, container: v.STORAGE_CONTAINER },
  };
}

function feedConfig(v: {
  FEED_ADMIN_GROUP_ID?: string;
  SECURITY_CHANNEL_ID?: string;
  WATCHED_GROUP_IDS: string[];
  WATCHER_INTERVAL_SECONDS: number;
}): FeedConfig {
  return {
    adminGroupId: v.FEED_ADMIN_GROUP_ID,
    securityChannelId: v.SECURITY_CHANNEL_ID,
    watchedGroupIds: v.WATCHED_GROUP_IDS,
    watcherIntervalSeconds: v.WATCHER_INTERVAL_SECONDS,
  };
}

function approvalsConfig(v: {
  APPROVALS_CHANNELS: Record<string, string>;
  FALLBACK_APPROVALS_CHANNEL_ID?: string;
  BREAK_GLASS_IDS: string[];
  APPROVAL_REMINDER_MINUTES: number;
  APPROVAL_ESCALATION_MINUTES: number;
}): ApprovalsConfig {
  return {
    channels: v.APPROVALS_CHANNELS,
    fallbackChannelId: v.FALLBACK_APPROVALS_CHANNEL_ID,
    breakGlassIds: v.BREAK_GLASS_IDS,
    reminderAfterMinutes: v.APPROVAL_REMINDER_MINUTES,
    escalateAfterMinutes: v.APPROVAL_ESCALATION_MINUTES,
  };
}

/**
 * The environment the bot sees: env/.env.<PIMBOT_ENV> then env/.env.<PIMBOT_ENV>.user (gitignored, for
 * secrets), with real environment variables winning over both.
 */
export function resolveEnvironment(processEnv: Env, rootDir: string): Env {
  const name = processEnv.PIMBOT_ENV;
  if (!name) return { ...processEnv };
  if (!/^[a-z0-9-]+$/i.test(name)) {
    throw new ConfigError([`PIMBOT_ENV must be a file suffix such as "dev" (got "${name.slice(0, 40)}").`]);
  }
  const files = [join(rootDir, 'env', `.env.${name}`), join(rootDir, 'env', `.env.${name}.user`)];
  if (!existsSync(files[0]!)) {
    throw new ConfigError([`PIMBOT_ENV=${name} but ${files[0]} does not exist. Create it or unset PIMBOT_ENV.`]);
  }
  const fromFiles: Env = {};
  for (const file of files) {
    if (existsSync(file)) Object.assign(fromFiles, parseEnv(readFileSync(file, 'utf8')));
  }
  return { ...fromFiles, ...processEnv };
}
