import { randomBytes } from 'node:crypto';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { systemClock } from '../clock';
import { issueServerCertificate } from '../tls/certificate-authority';
import type { AuthorityContext } from './authority-context';
import { tenantEndpoints } from './authority-context';
import { AuthorizationCodeStore } from './authorization-codes';
import { Directory } from './directory';
import { MANAGED_IDENTITY_PATH } from './managed-identity-endpoint';
import { createRequestHandler } from './routes';
import { createSigningKeys } from './signing-keys';
import { TokenMinter } from './token-minter';
import type { EntraAuthority, EntraAuthorityOptions, ManagedIdentityEndpoint } from './types';

/** Log fields that must never reach a log line, should a caller ever pass them. */
const REDACTED_PATHS = [
  'access_token',
  'id_token',
  'refresh_token',
  'assertion',
  'client_secret',
  'clientSecret',
  'code',
  'code_verifier',
  'token',
  'authorization',
  'IDENTITY_HEADER',
  'headers.authorization',
  'headers["x-identity-header"]',
  'req.headers.authorization',
];

/**
 * Starts the local Microsoft Entra ID authority: an HTTPS server on loopback with a certificate from
 * the local CA, signing RS256 tokens with a key generated now. @azure/identity talks to it unmodified
 * given `authorityHost: authority.url` and `disableInstanceDiscovery: true`.
 */
export async function startEntraAuthority(options: EntraAuthorityOptions): Promise<EntraAuthority> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? systemClock;
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  if (!(lifetimeSeconds > 0)) throw new RangeError('tokenLifetimeSeconds must be positive.');
  const logger = (options.logger ?? pino({ level: 'silent' })).child(
    { component: 'entra-authority' },
    { redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
  );
  const directory = new Directory(options.directory);
  const keys = await createSigningKeys();
  const certificate = issueServerCertificate(options.ca);

  const server = createServer({ cert: certificate.certPem, key: certificate.keyPem });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const tenantId = directory.tenantId;
  const issuer = `${url}/${tenantId}/v2.0`;
  // App Service makes IDENTITY_HEADER per site and rotates it; a fresh one per start does the same job.
  const managedIdentityHeader =
    directory.managedIdentities.length > 0 ? randomBytes(24).toString('base64url') : undefined;
  const managedIdentityEndpoint: ManagedIdentityEndpoint | undefined = managedIdentityHeader
    ? {
        url: `${url}${MANAGED_IDENTITY_PATH}`,
        environment: { IDENTITY_ENDPOINT: `${url}${MANAGED_IDENTITY_PATH}`, IDENTITY_HEADER: managedIdentityHeader },
      }
    : undefined;

  const context: AuthorityContext = {
    url,
    tenantId,
    issuer,
    directory,
    keys,
    minter: new TokenMinter({ issuer, directory, keys, clock, lifetimeSeconds }),
    codes: new AuthorizationCodeStore(clock),
    clock,
    logger,
    managedIdentityHeader,
    sessionsValidFrom: new Map(),
    conditionalAccess: [],
  };
  server.on('request', createRequestHandler(context));
  logger.info({ url, tenantId }, 'entra authority listening');

  return {
    url,
    tenantId,
    issuer,
    jwksUri: tenantEndpoints(url, tenantId).jwks,
    jwks: () => keys.jwks(),
    ...(managedIdentityEndpoint ? { managedIdentityEndpoint } : {}),
    async issueTeamsSsoToken(input) {
      const user = directory.user(input.userId);
      if (!user) throw new Error(`No user '${input.userId}' in the local directory.`);
      const app = directory.application(input.clientId);
      if (!app) throw new Error(`No application '${input.clientId}' in the local directory.`);
      const issued = await context.minter.teamsSsoToken(
        app,
        { user, amr: input.amr ?? ['pwd'], acrs: input.acrs ?? [] },
        input.lifetimeSeconds ?? lifetimeSeconds,
      );
      return issued.token;
    },
    revokeSignInSessions(userId) {
      const user = directory.user(userId);
      if (!user) throw new Error(`No user '${userId}' in the local directory.`);
      const at = clock.now().getTime();
      context.sessionsValidFrom.set(user.id.toLowerCase(), at);
      return new Date(at);
    },
    addConditionalAccessPolicy(policy) {
      for (const id of policy.userIds) {
        if (!directory.user(id)) throw new Error(`No user '${id}' in the local directory.`);
      }
      context.conditionalAccess.push({ ...policy, userIds: [...policy.userIds] });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
