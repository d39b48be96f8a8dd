import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../../simulators/clock';
import {
  type AuthorityDirectory,
  type EntraAuthority,
  type RegisteredApplication,
  startEntraAuthority,
} from '../../../simulators/entra';
import { testCertificateAuthority } from '../../support/local-ca';
import { fakeSecret } from '../../support/fake-secrets';

const OTHER_BOT_SECRET = fakeSecret('other-bot');
const PIM_BOT_SECRET = fakeSecret('pim-bot');

export const TENANT_ID = '0d9b4b1e-6c2f-4a51-9b8e-5f3a2c1d7e90';
export const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';

export const adele = {
  id: 'a1c3e5f7-0b2d-4e6f-8a1c-3e5f70b2d4e6',
  userPrincipalName: 'adele.vance@contoso.example',
  displayName: 'Adele Vance',
};
export const megan = {
  id: 'b2d4f6a8-1c3e-4f70-9b2d-4f6a81c3e5f7',
  userPrincipalName: 'megan.bowen@contoso.example',
  displayName: 'Megan Bowen',
};

export const pimBot: RegisteredApplication = {
  clientId: '5a1f0c3e-8d2b-4c7a-9e6f-1b3d5f7a9c0e',
  clientSecret: PIM_BOT_SECRET,
  displayName: 'PIM Bot',
  identifierUris: ['api://botid-5a1f0c3e-8d2b-4c7a-9e6f-1b3d5f7a9c0e'],
  redirectUris: ['https://127.0.0.1:3978/auth/callback'],
  graphApplicationPermissions: ['RoleManagement.Read.Directory', 'User.Read.All'],
  graphDelegatedScopes: [
    'User.Read',
    'RoleManagement.ReadWrite.Directory',
    'RoleAssignmentSchedule.ReadWrite.Directory',
  ],
};

export const otherBot: RegisteredApplication = {
  clientId: '7c3e5a1f-0b2d-4e6f-8a9c-0e1b3d5f7a9c',
  clientSecret: OTHER_BOT_SECRET,
  displayName: 'Some Other Bot',
  identifierUris: ['api://botid-7c3e5a1f-0b2d-4e6f-8a9c-0e1b3d5f7a9c'],
  redirectUris: ['https://127.0.0.1:4000/callback'],
  graphApplicationPermissions: [],
  graphDelegatedScopes: ['User.Read'],
};

export const directory: AuthorityDirectory = {
  tenantId: TENANT_ID,
  users: [adele, megan],
  applications: [pimBot, otherBot],
};

export function startTestAuthority(options: { clock?: Clock } = {}): Promise<EntraAuthority> {
  return startEntraAuthority({ ca: testCertificateAuthority(), directory, ...options });
}

/** What @azure/identity needs to use the local authority: configuration only. */
export function identityOptions(authority: EntraAuthority) {
  return { authorityHost: authority.url, disableInstanceDiscovery: true };
}

export function tokenEndpoint(authority: EntraAuthority): string {
  return `${authority.url}/${authority.tenantId}/oauth2/v2.0/token`;
}

/** POSTs a form to the token endpoint, as any OAuth client would. */
export async function postToken(
  authority: EntraAuthority,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(tokenEndpoint(authority), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
