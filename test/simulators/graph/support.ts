import { exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT } from 'jose';
import type { ManualClock } from '../../../simulators/clock';
import { type GraphSimulator, type GraphSimulatorOptions, startGraphSimulator } from '../../../simulators/graph';
import { demoTenant } from '../../../simulators/tenant/demo-tenant';
import type { FixtureUser, TenantFixture } from '../../../simulators/tenant/tenant-fixture';
import { testCertificateAuthority } from '../../support/local-ca';

/** The delegated scopes the bot asks for (least privilege per PIM-API.md §4.1). */
export const BOT_SCOPES = [
  'User.Read',
  'User.ReadBasic.All',
  'GroupMember.Read.All',
  'RoleManagement.Read.Directory',
  'RoleEligibilitySchedule.Read.Directory',
  'RoleAssignmentSchedule.ReadWrite.Directory',
  'RoleManagementPolicy.Read.Directory',
  'RoleManagementPolicy.Read.AzureADGroup',
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
];

export interface TokenOptions {
  scopes?: string[];
  /** Default ['pwd', 'mfa']. */
  amr?: string[];
  acrs?: string[];
  xmsCc?: string[];
  /** Seconds from now; negative for an already expired token. Default 3600. */
  expiresIn?: number;
  audience?: string;
  tenantId?: string;
  issuer?: string;
}

/** A throw-away RS256 signer standing in for the local Entra authority. */
export interface TestIssuer {
  issuer: string;
  jwks: JSONWebKeySet;
  sign(
    claims: Record<string, unknown>,
    opts?: { expiresIn?: number; audience?: string; issuer?: string },
  ): Promise<string>;
}

export async function createTestIssuer(tenantId: string): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'graph-sim-test', alg: 'RS256', use: 'sig' };
  const issuer = `https://login.microsoftonline.com/${tenantId}/v2.0`;
  return {
    issuer,
    jwks: { keys: [jwk] },
    sign: (claims, opts = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const exp = now + (opts.expiresIn ?? 3600);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'graph-sim-test', typ: 'JWT' })
        .setIssuer(opts.issuer ?? issuer)
        .setAudience(opts.audience ?? 'https://graph.microsoft.com')
        .setIssuedAt(Math.min(now, exp - 60))
        .setNotBefore(Math.min(now, exp - 60))
        .setExpirationTime(exp)
        .sign(privateKey);
    },
  };
}

/** A token signed by a key the simulator does not trust, with otherwise valid claims. */
export async function forgedToken(tenantId: string, oid: string): Promise<string> {
  const rogue = await createTestIssuer(tenantId);
  return rogue.sign({ tid: tenantId, oid, idtyp: 'user', scp: BOT_SCOPES.join(' '), amr: ['pwd', 'mfa'] });
}

/** Graph's OData error envelope. */
export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: { date: string; 'request-id': string; 'client-request-id': string };
  };
}

/** A Graph collection page. */
export interface Collection<T> {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  '@odata.count'?: number;
  value: T[];
}

export interface GraphResult<T = unknown> {
  status: number;
  /** The parsed JSON body, typed as the success shape (check `status` or `error` first). */
  body: T;
  /** The error envelope's `error` when the body is one. */
  error: GraphErrorBody['error'] | undefined;
  headers: Headers;
}

export interface GraphCaller {
  token: string;
  get<T = unknown>(path: string): Promise<GraphResult<T>>;
  post<T = unknown>(path: string, body?: unknown): Promise<GraphResult<T>>;
  patch<T = unknown>(path: string, body?: unknown): Promise<GraphResult<T>>;
}

export interface Harness {
  sim: GraphSimulator;
  clock: ManualClock;
  issuer: TestIssuer;
  tenantId: string;
  /** A delegated token for `user` (full bot scopes and MFA unless overridden). */
  userToken(user: FixtureUser, opts?: TokenOptions): Promise<string>;
  /** An app-only token with application permissions (`roles`). */
  appToken(roles: string[], opts?: TokenOptions): Promise<string>;
  as(user: FixtureUser, opts?: TokenOptions): Promise<GraphCaller>;
  asApp(roles: string[]): Promise<GraphCaller>;
  request<T = unknown>(
    method: string,
    path: string,
    init?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<GraphResult<T>>;
  /** Resets the tenant (requests, activations, faults) and the call log. */
  reset(fixture?: TenantFixture): void;
  close(): Promise<void>;
}

export async function startHarness(
  fixture: TenantFixture = demoTenant,
  options: Pick<GraphSimulatorOptions, 'requireCp1ForAcrs' | 'clock'> = {},
): Promise<Harness> {
  const issuer = await createTestIssuer(fixture.tenantId);
  const sim = await startGraphSimulator({
    ca: testCertificateAuthority(),
    fixture,
    trust: { issuer: issuer.issuer, jwks: issuer.jwks },
    ...options,
  });

  const request = async <T = unknown>(
    method: string,
    path: string,
    init: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<GraphResult<T>> => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== undefined) headers.Authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path.startsWith('https://') ? path : `${sim.url}${path}`, {
      method,
      headers,
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
    const text = await res.text();
    const body = (text ? JSON.parse(text) : undefined) as T;
    const error = (body as Partial<GraphErrorBody> | undefined)?.error;
    return { status: res.status, body, error, headers: res.headers };
  };

  const userToken: Harness['userToken'] = (user, opts = {}) =>
    issuer.sign(
      {
        tid: opts.tenantId ?? fixture.tenantId,
        oid: user.id,
        idtyp: 'user',
        scp: (opts.scopes ?? BOT_SCOPES).join(' '),
        amr: opts.amr ?? ['pwd', 'mfa'],
        ...(opts.acrs ? { acrs: opts.acrs } : {}),
        ...(opts.xmsCc ? { xms_cc: opts.xmsCc } : {}),
        upn: user.userPrincipalName,
        name: user.displayName,
      },
      { expiresIn: opts.expiresIn, audience: opts.audience, issuer: opts.issuer },
    );

  const appToken: Harness['appToken'] = (roles, opts = {}) =>
    issuer.sign(
      {
        tid: opts.tenantId ?? fixture.tenantId,
        oid: '0b0b0b0b-0000-4000-8000-00000000a99a',
        idtyp: 'app',
        roles,
        appid: 'pim-bot',
      },
      { expiresIn: opts.expiresIn, audience: opts.audience },
    );

  const callerFor = (token: string): GraphCaller => ({
    token,
    get: <T>(path: string) => request<T>('GET', path, { token }),
    post: <T>(path: string, body?: unknown) => request<T>('POST', path, { token, body }),
    patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { token, body }),
  });

  return {
    sim,
    clock: sim.clock,
    issuer,
    tenantId: fixture.tenantId,
    userToken,
    appToken,
    as: async (user, opts) => callerFor(await userToken(user, opts)),
    asApp: async (roles) => callerFor(await appToken(roles)),
    request,
    reset: (f = fixture) => {
      sim.loadFixture(f);
      sim.resetCalls();
    },
    close: () => sim.close(),
  };
}

/** Body of a selfActivate request for an Entra role. */
export function activateRole(
  principalId: string,
  roleDefinitionId: string,
  extra: {
    duration?: string;
    justification?: string | null;
    ticketNumber?: string;
    isValidationOnly?: boolean;
    startDateTime?: string;
  } = {},
): Record<string, unknown> {
  return {
    action: 'selfActivate',
    principalId,
    roleDefinitionId,
    directoryScopeId: '/',
    ...(extra.justification === null
      ? {}
      : { justification: extra.justification ?? 'Investigating incident INC-1234' }),
    scheduleInfo: {
      ...(extra.startDateTime ? { startDateTime: extra.startDateTime } : {}),
      expiration: { type: 'afterDuration', duration: extra.duration ?? 'PT1H' },
    },
    ...(extra.ticketNumber ? { ticketInfo: { ticketNumber: extra.ticketNumber, ticketSystem: 'ServiceNow' } } : {}),
    ...(extra.isValidationOnly !== undefined ? { isValidationOnly: extra.isValidationOnly } : {}),
  };
}

export function deactivateRole(principalId: string, roleDefinitionId: string): Record<string, unknown> {
  return { action: 'selfDeactivate', principalId, roleDefinitionId, directoryScopeId: '/' };
}

export function activateGroup(
  principalId: string,
  groupId: string,
  extra: { duration?: string; justification?: string; accessId?: 'member' | 'owner' } = {},
): Record<string, unknown> {
  return {
    action: 'selfActivate',
    principalId,
    groupId,
    accessId: extra.accessId ?? 'member',
    justification: extra.justification ?? 'Helpdesk shift',
    scheduleInfo: { expiration: { type: 'afterDuration', duration: extra.duration ?? 'PT1H' } },
  };
}

export const ROLE_REQUESTS = '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests';
export const GROUP_REQUESTS = '/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests';
export const MINUTES = 60_000;
export const HOURS = 3_600_000;
