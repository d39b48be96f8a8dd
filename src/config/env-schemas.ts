import { z } from 'zod';
import { approvalVariables } from './approval-env';
import { approverInstallVariables } from './approver-install-env';
import { publicCloudRules } from './cloud-env';
import { credentialRules, credentialVariables } from './credential-env';
import { feedVariables } from './feed-env';
import { guid } from './guid';
import { inboundVariables } from './inbound-env';
import { isLoopbackHost, isLoopbackUrl } from './loopback';
import { ticketVariables } from './ticket-env';

/**
 * The zod schemas for every environment variable the bot reads (PIMBOT_MODE and PIMBOT_ENV aside, which
 * pick the schema and the env file before any of this runs). The messages are the ones operators see at
 * start, so each one names its variable and gives a valid example.
 */

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

/** Variables both modes read; each mode's schema below adds its own credentials. */
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
  ...ticketVariables(),
  ...approvalVariables(),
  STORAGE_CONNECTION_STRING: z.string().min(1).optional(),
  STORAGE_CONTAINER: z
    .string()
    .regex(/^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/, {
      error: 'STORAGE_CONTAINER must be a blob container name: 3-63 lower-case letters, digits and single hyphens.',
    })
    .default('pimbot-state'),
  ...feedVariables(),
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
  ...inboundVariables(),
  ...approverInstallVariables(),
  PUBLIC_BASE_URL: z
    .string()
    .refine((v) => /^https?:\/\/[^/\s]+/.test(v), {
      error: 'PUBLIC_BASE_URL must be the URL where browsers reach the bot, e.g. https://pimbot.contoso.com.',
    })
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),

  ...credentialVariables(),
};

// --- Issue 13, playground on a network: loopback only ---
/**
 * Where playground mode's stand-ins are when nothing says: loopback, never Microsoft (the demo has inbound
 * authentication off and a dev identity, so it must neither be reachable from the network nor send its
 * secret to a real authority). `npm run playground` sets both to the local stand-ins' URLs.
 */
export const PLAYGROUND_UNSET_URL = 'https://127.0.0.1';

const loopbackProblem = (variable: string, value: string, what: string) =>
  `${variable} must be a loopback ${what} in playground mode (inbound authentication is off there), got "${value.slice(0, 80)}". Use 127.0.0.1, ::1 or localhost (npm run playground sets it), or set PIMBOT_MODE=production for a real deployment.`;

/** The local demo: Bot Framework credentials are refused before this runs (see parseConfig). */
export const playgroundSchema = z
  .object({
    ...common,
    GRAPH_BASE_URL: httpsUrl('GRAPH_BASE_URL', 'https://127.0.0.1:8443').default(PLAYGROUND_UNSET_URL),
    AAD_APP_OAUTH_AUTHORITY_HOST: httpsUrl('AAD_APP_OAUTH_AUTHORITY_HOST', 'https://127.0.0.1:8444').default(
      PLAYGROUND_UNSET_URL,
    ),
    AAD_APP_CLIENT_SECRET: z.string({
      error:
        'AAD_APP_CLIENT_SECRET is not set. `npm run playground` sets it for the local authority; run the demo that way.',
    }),
  })
  .superRefine(
    (v, ctx) => {
      credentialRules(v, ctx, false);
      if (v.HOST !== undefined && !isLoopbackHost(v.HOST)) {
        ctx.addIssue({ code: 'custom', path: ['HOST'], message: loopbackProblem('HOST', v.HOST, 'address') });
      }
      for (const name of ['GRAPH_BASE_URL', 'AAD_APP_OAUTH_AUTHORITY_HOST'] as const) {
        const url = v[name];
        // A value that is no https URL at all is already reported above.
        if (typeof url === 'string' && URL.canParse(url) && !isLoopbackUrl(url)) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: loopbackProblem(name, url, 'URL (the local stand-in)'),
          });
        }
      }
    },
    { when: () => true },
  );
// --- end of the playground loopback block ---

/** A real tenant: inbound Bot Framework auth, Teams SSO and the step-up return URL, cross-checked below. */
export const productionSchema = z
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
    // botbuilder's own setting names (ConfigurationBotFrameworkAuthentication): unset means Microsoft's public cloud.
    ToChannelFromBotLoginUrl: httpsUrl(
      'ToChannelFromBotLoginUrl',
      'https://login.microsoftonline.com/botframework.com',
    ).optional(),
    ToChannelFromBotOAuthScope: httpsUrl('ToChannelFromBotOAuthScope', 'https://api.botframework.com').optional(),
    ToBotFromChannelTokenIssuer: z.string().min(1).optional(),
    ToBotFromChannelOpenIdMetadataUrl: httpsUrl(
      'ToBotFromChannelOpenIdMetadataUrl',
      'https://login.botframework.com/v1/.well-known/openidconfiguration',
    ).optional(),
    OAuthUrl: httpsUrl('OAuthUrl', 'https://api.botframework.com').optional(),
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
      credentialRules(v, ctx, true);
      publicCloudRules(v, ctx);
    },
    // Run even when a variable is missing, so one start reports every problem instead of one round at a time.
    { when: () => true },
  );
