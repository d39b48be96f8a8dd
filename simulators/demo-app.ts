import { randomBytes } from 'node:crypto';
import { graphPermissionsOfType } from '../src/pim/graph-permissions';
import type { ApplicationRegistration, RegisteredApplication, RegisteredCertificate } from './entra';

/** The PIM Bot app registration in the demo tenant: a fixed client id, a secret made at each start. */
export const DEMO_BOT_CLIENT_ID = 'b07b0700-0000-4000-8000-00000000b075';

/**
 * The Graph permissions consented to PIM Bot in the demo tenant: exactly what its app registration asks
 * for (src/pim/graph-permissions.ts, the table appPackage/aad.manifest.json is held to), so every flow the
 * tests drive runs with the production permissions and no more. The OpenID Connect scopes (openid,
 * profile) are the authority's business, not Graph permissions, and stay out of the Graph token's `scp`.
 */
export const BOT_DELEGATED_SCOPES: readonly string[] = graphPermissionsOfType('Scope')
  .filter((p) => !p.openIdConnect)
  .map((p) => p.name);

/** Application permissions (the app-only token's `roles`), from the same table. */
export const BOT_APPLICATION_PERMISSIONS: readonly string[] = graphPermissionsOfType('Role').map((p) => p.name);

export interface DemoBotCredentials {
  /** Certificates to register on the app (e.g. createClientCertificate()); it may then use client assertions. */
  certificates?: readonly RegisteredCertificate[];
  /** false: no client secret (a certificate-only app). Default true. */
  secret?: boolean;
}

/**
 * The demo bot's app registration: a fresh secret by default; with `credentials`, certificates and/or
 * no secret, as a production app moved to certificate credentials would be registered.
 */
export function demoBotApplication(redirectUris?: string[]): RegisteredApplication;
export function demoBotApplication(
  redirectUris: string[],
  credentials: DemoBotCredentials & { secret?: true },
): RegisteredApplication;
export function demoBotApplication(redirectUris: string[], credentials: DemoBotCredentials): ApplicationRegistration;
export function demoBotApplication(
  redirectUris: string[] = [],
  credentials: DemoBotCredentials = {},
): ApplicationRegistration {
  const certificates = credentials.certificates?.map((c) => ({ certificatePem: c.certificatePem }));
  return {
    clientId: DEMO_BOT_CLIENT_ID,
    // Generated per start, never written to disk: the demo has no secrets to leak.
    ...(credentials.secret === false ? {} : { clientSecret: `demo-${randomBytes(18).toString('base64url')}` }),
    ...(certificates && certificates.length > 0 ? { certificates } : {}),
    displayName: 'PIM Bot (demo)',
    identifierUris: [`api://botid-${DEMO_BOT_CLIENT_ID}`],
    redirectUris,
    graphApplicationPermissions: [...BOT_APPLICATION_PERMISSIONS],
    graphDelegatedScopes: [...BOT_DELEGATED_SCOPES],
  };
}
