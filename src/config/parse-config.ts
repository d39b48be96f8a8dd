import type { z } from 'zod';
import { ConfigError } from './config-error';
import { playgroundSchema, productionSchema } from './env-schemas';
import type {
  AppConfig,
  ApprovalsConfig,
  BotFrameworkEndpoints,
  Env,
  FeedConfig,
  InboundConfig,
  StorageConfig,
} from './types';

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
      approvals: approvalsConfig(v, 'playground'),
      feed: feedConfig(v),
      jobs: { pollSeconds: v.JOB_POLL_SECONDS, expiryWarningMinutes: v.EXPIRY_WARNING_MINUTES },
      storage: storageConfig(v),
      stepUp: { sealingKey: v.STEP_UP_SEALING_KEY },
      inbound: inboundConfig(v),
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
      ...botFrameworkEndpoints(v),
    },
    entra: {
      tenantId: v.AAD_APP_TENANT_ID,
      clientId: v.AAD_APP_CLIENT_ID,
      clientSecret: v.AAD_APP_CLIENT_SECRET,
      clientCertificatePath: v.AAD_APP_CLIENT_CERTIFICATE_PATH,
      authorityHost: v.AAD_APP_OAUTH_AUTHORITY_HOST,
    },
    graphBaseUrl: v.GRAPH_BASE_URL,
    publicBaseUrl: v.PUBLIC_BASE_URL!,
    oauthConnectionName: v.OAUTH_CONNECTION_NAME,
    ticketPattern: new RegExp(v.TICKET_PATTERN),
    ticketSystem: v.TICKET_SYSTEM,
    approvals: approvalsConfig(v, 'production'),
    feed: feedConfig(v),
    jobs: { pollSeconds: v.JOB_POLL_SECONDS, expiryWarningMinutes: v.EXPIRY_WARNING_MINUTES },
    storage: storageConfig(v),
    stepUp: { sealingKey: v.STEP_UP_SEALING_KEY },
    inbound: inboundConfig(v),
  };
}

/** Credentials, storage and sealing (issue 13, finding 10): the account by key, or by endpoints and a token. */
function storageConfig(v: {
  STORAGE_CONNECTION_STRING?: string;
  STORAGE_ACCOUNT_NAME?: string;
  STORAGE_BLOB_ENDPOINT?: string;
  STORAGE_QUEUE_ENDPOINT?: string;
  STORAGE_CONTAINER: string;
}): StorageConfig {
  const endpoints = v.STORAGE_ACCOUNT_NAME
    ? {
        // Public cloud endpoints; other clouds set both STORAGE_*_ENDPOINT instead.
        blob: `https://${v.STORAGE_ACCOUNT_NAME}.blob.core.windows.net`,
        queue: `https://${v.STORAGE_ACCOUNT_NAME}.queue.core.windows.net`,
      }
    : v.STORAGE_BLOB_ENDPOINT && v.STORAGE_QUEUE_ENDPOINT
      ? { blob: v.STORAGE_BLOB_ENDPOINT, queue: v.STORAGE_QUEUE_ENDPOINT }
      : undefined;
  return { connectionString: v.STORAGE_CONNECTION_STRING, endpoints, container: v.STORAGE_CONTAINER };
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

// --- Issue 13, front door ---
function inboundConfig(v: {
  ALLOWED_TENANT_IDS?: string[];
  AAD_APP_ID_URI?: string;
  AAD_APP_TENANT_ID: string;
  AAD_APP_CLIENT_ID: string;
}): InboundConfig {
  const clientId = v.AAD_APP_CLIENT_ID.toLowerCase();
  return {
    allowedTenantIds: v.ALLOWED_TENANT_IDS ?? [v.AAD_APP_TENANT_ID.toLowerCase()],
    // Teams SSO tokens name the bot by its Application ID URI (v1 tokens) or its client id (v2 tokens).
    ssoAudiences: [clientId, v.AAD_APP_ID_URI ?? `api://botid-${clientId}`],
  };
}
// --- end of the front door block ---

function approvalsConfig(
  v: {
    APPROVALS_CHANNELS: Record<string, string>;
    FALLBACK_APPROVALS_CHANNEL_ID?: string;
    BREAK_GLASS_IDS: string[];
    APPROVAL_REMINDER_MINUTES: number;
    APPROVAL_ESCALATION_MINUTES: number;
    TEAMS_APP_ID?: string;
    TEAMS_APP_CATALOG_ID?: string;
    INSTALL_FOR_APPROVERS?: 'true' | 'false';
  },
  mode: AppConfig['mode'],
): ApprovalsConfig {
  if (v.INSTALL_FOR_APPROVERS === 'true' && !v.TEAMS_APP_ID) {
    throw new ConfigError([
      "INSTALL_FOR_APPROVERS=true needs TEAMS_APP_ID, the Teams app id of PIM Bot's manifest (env/.env.<env> after teamsApp/create): the bot finds itself among a user's apps by it.",
    ]);
  }
  const installForApprovers =
    v.INSTALL_FOR_APPROVERS === undefined
      ? mode === 'production' && v.TEAMS_APP_ID !== undefined
      : v.INSTALL_FOR_APPROVERS === 'true';
  return {
    reach: { installForApprovers, teamsAppId: v.TEAMS_APP_ID, catalogAppId: v.TEAMS_APP_CATALOG_ID },
    channels: v.APPROVALS_CHANNELS,
    fallbackChannelId: v.FALLBACK_APPROVALS_CHANNEL_ID,
    breakGlassIds: v.BREAK_GLASS_IDS,
    reminderAfterMinutes: v.APPROVAL_REMINDER_MINUTES,
    escalateAfterMinutes: v.APPROVAL_ESCALATION_MINUTES,
  };
}

/** The Bot Framework endpoints set (botbuilder's names), or nothing: then the public cloud's. */
function botFrameworkEndpoints(v: BotFrameworkEndpoints): { endpoints?: BotFrameworkEndpoints } {
  const endpoints: BotFrameworkEndpoints = {
    ToChannelFromBotLoginUrl: v.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: v.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: v.ToBotFromChannelTokenIssuer,
    ToBotFromChannelOpenIdMetadataUrl: v.ToBotFromChannelOpenIdMetadataUrl,
    OAuthUrl: v.OAuthUrl,
  };
  return Object.values(endpoints).some(Boolean) ? { endpoints } : {};
}
