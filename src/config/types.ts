/**
 * The validated configuration the rest of the bot reads. Only ./parse-config builds it; everything else
 * gets an AppConfig (or one of its parts) and never touches process.env.
 */

/**
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
  /** Where the Bot Framework is (botbuilder's setting names); each unset one is the public cloud's. */
  endpoints?: BotFrameworkEndpoints;
}

/** The Bot Framework's endpoints: Microsoft's public cloud, or local stand-ins (simulators/botframework). */
export interface BotFrameworkEndpoints {
  /** Authority (host and tenant) of the bot's token for the connector; public: https://login.microsoftonline.com/botframework.com. */
  ToChannelFromBotLoginUrl?: string;
  /** Audience of that token; public: https://api.botframework.com. */
  ToChannelFromBotOAuthScope?: string;
  /** `iss` of the channel's tokens to the bot; public: https://api.botframework.com. */
  ToBotFromChannelTokenIssuer?: string;
  /** OpenID metadata of the channel's signing keys; public: https://login.botframework.com/v1/.well-known/openidconfiguration. */
  ToBotFromChannelOpenIdMetadataUrl?: string;
  /** The Bot Framework Token Service (OAuth connections, SSO exchange); public: https://api.botframework.com. */
  OAuthUrl?: string;
}

export interface EntraAppConfig {
  tenantId: string;
  clientId: string;
  /** AAD_APP_CLIENT_SECRET. In production exactly one of this and clientCertificatePath is set. */
  clientSecret?: string;
  /**
   * AAD_APP_CLIENT_CERTIFICATE_PATH: a PEM file with the private key and the certificate uploaded to the app
   * registration. Used for app-only and on-behalf-of tokens and for the step-up code redemption
   * (client_assertion), instead of a secret.
   */
  clientCertificatePath?: string;
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
  inbound: InboundConfig;
  stepUp: StepUpConfig;
}

/** Credentials, storage and sealing (issue 13, finding 10). */
export interface StepUpConfig {
  /**
   * STEP_UP_SEALING_KEY: seals pending step-up sign-ins at rest, the same on every instance. Unset: derived
   * from AAD_APP_CLIENT_SECRET (then rotating the secret voids sign-ins in progress, and the secret has
   * three jobs); required without a secret.
   */
  sealingKey?: string;
}

// --- Issue 13, front door ---
/** Who may reach the bot: checked on every activity before any state is written, and on every SSO token. */
export interface InboundConfig {
  /** ALLOWED_TENANT_IDS (lower case; default [AAD_APP_TENANT_ID]): activities and user tokens of other tenants are refused. */
  allowedTenantIds: readonly string[];
  /** Audiences a user's SSO token for the bot may carry: AAD_APP_CLIENT_ID and AAD_APP_ID_URI (default api://botid-<client id>). */
  ssoAudiences: readonly string[];
}
// --- end of the front door block ---

export interface StorageConfig {
  /**
   * STORAGE_CONNECTION_STRING: Azure Storage (or Azurite) with its account key. Unset, and no endpoints
   * below: state in memory (one instance, lost on restart).
   */
  connectionString?: string;
  /**
   * STORAGE_ACCOUNT_NAME (public cloud endpoints) or STORAGE_BLOB_ENDPOINT + STORAGE_QUEUE_ENDPOINT: the account
   * reached with an Entra token (DefaultAzureCredential: the managed identity in Azure), no key in settings.
   * Never set together with connectionString.
   */
  endpoints?: { blob: string; queue: string };
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
  /** Issue 15: reaching approvers who never opened the bot. */
  reach: ApproverReachConfig;
}

/**
 * An approver with no chat with the bot gets it installed in their personal scope (Graph, app-only,
 * TeamsAppInstallation.ReadWriteSelfForUser.All), then the approval card in that chat.
 */
export interface ApproverReachConfig {
  /**
   * INSTALL_FOR_APPROVERS (default: true in production when TEAMS_APP_ID is set, false in the playground,
   * whose Agents Playground has no app catalog). false: approvers are reached only if Teams already lets
   * the bot open a chat with them.
   */
  installForApprovers: boolean;
  /** TEAMS_APP_ID: the manifest id, how the bot finds itself among the user's apps. */
  teamsAppId?: string;
  /** TEAMS_APP_CATALOG_ID: the catalog id, when known; otherwise read from the requester's installation. */
  catalogAppId?: string;
}

/** Scheduled work: Azure Storage queue jobs (in memory without STORAGE_CONNECTION_STRING). */
export interface JobsConfig {
  /** JOB_POLL_SECONDS: how often each instance looks for due jobs when the queue is idle. */
  pollSeconds: number;
  /** EXPIRY_WARNING_MINUTES: warn the requester this long before an activation ends (0 = no warning). */
  expiryWarningMinutes: number;
}

/** Raw environment variables, as process.env or an env file gives them. Internal to this folder. */
export type Env = Record<string, string | undefined>;
