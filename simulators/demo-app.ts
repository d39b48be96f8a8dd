import { randomBytes } from 'node:crypto';
import type { ApplicationRegistration, RegisteredApplication, RegisteredCertificate } from './entra';

/** The PIM Bot app registration in the demo tenant: a fixed client id, a secret made at each start. */
export const DEMO_BOT_CLIENT_ID = 'b07b0700-0000-4000-8000-00000000b075';

/** Delegated Graph permissions PIM Bot asks for (least privileged per PIM-API.md §4.1). */
export const BOT_DELEGATED_SCOPES = [
  'User.Read',
  'RoleEligibilitySchedule.Read.Directory',
  'RoleAssignmentSchedule.ReadWrite.Directory',
  'RoleManagement.Read.Directory',
  'RoleManagementPolicy.Read.Directory',
  'RoleManagementPolicy.Read.AzureADGroup',
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
];

/**
 * Application permissions: directory reads for approver routing and the activation watcher; installing the
 * bot itself for approvers who never opened it (TeamsAppInstallation.ReadWriteSelfForUser.All: its own app
 * only, the least privileged of the install permissions). Listing Entra
 * role requests app-only takes RoleManagement.ReadWrite.Directory, the only application permission the
 * reference lists for it (simulators/graph/FIDELITY.md); the watcher and follow-up jobs read them.
 */
export const BOT_APPLICATION_PERMISSIONS = [
  'User.Read.All',
  'GroupMember.Read.All',
  'RoleManagement.Read.Directory',
  'RoleManagement.ReadWrite.Directory',
  'RoleManagementPolicy.Read.Directory',
  'RoleManagementPolicy.Read.AzureADGroup',
  'PrivilegedAssignmentSchedule.Read.AzureADGroup',
  'TeamsAppInstallation.ReadWriteSelfForUser.All',
];

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
    graphApplicationPermissions: BOT_APPLICATION_PERMISSIONS,
    graphDelegatedScopes: BOT_DELEGATED_SCOPES,
  };
}
