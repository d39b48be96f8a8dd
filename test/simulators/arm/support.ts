import { type ArmFixture, type ArmSimulator, startArmSimulator } from '../../../simulators/arm';
import { demoArm } from '../../../simulators/arm/demo-arm';
import { demoUsers } from '../../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../../simulators/tenant/tenant-fixture';
import { ArmContract, type ArmExchange, armRecordingFetch, type ContractViolation } from '../../contract/arm-contract';
import { testCertificateAuthority } from '../../support/local-ca';
import { createTestIssuer, type TestIssuer } from '../graph/support';

/** ARM's resource URI as the audience of tokens minted for `https://management.azure.com/user_impersonation`. */
export const ARM_AUDIENCE = 'https://management.azure.com/';
export const PIM_API = 'api-version=2020-10-01';
export const APPROVALS_API = 'api-version=2021-01-01-preview';
export const AUTHZ = '/providers/Microsoft.Authorization';

export interface ArmTokenOptions {
  /** Default ['pwd', 'mfa']. */
  amr?: string[];
  acrs?: string[];
  audience?: string;
  expiresIn?: number;
  appOnly?: boolean;
}

export interface ArmResult<T = Record<string, unknown>> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface CallInit {
  token?: string;
  body?: unknown;
  unchecked?: boolean;
}

export interface ArmHarness {
  sim: ArmSimulator;
  issuer: TestIssuer;
  contract: ArmContract;
  /** Contract violations of every exchange made through `fetch` since the last reset. */
  violations: ContractViolation[];
  /** Every Microsoft.Authorization exchange made through `fetch` since the last reset, oldest first. */
  exchanges: ArmExchange[];
  /** Global fetch, every Microsoft.Authorization exchange held to the contract. */
  fetch: typeof fetch;
  token(user: FixtureUser, opts?: ArmTokenOptions): Promise<string>;
  /** One call; `unchecked` bypasses the contract (calls malformed on purpose, or outside the subset). */
  call<T = Record<string, unknown>>(method: string, path: string, init?: CallInit): Promise<ArmResult<T>>;
  reset(fixture?: ArmFixture): void;
  close(): Promise<void>;
}

/** The ARM simulator over HTTPS (local CA), trusting a throw-away issuer that stands in for the Entra authority. */
export async function startArmHarness(fixture: ArmFixture = demoArm): Promise<ArmHarness> {
  const issuer = await createTestIssuer(fixture.tenantId);
  const sim = await startArmSimulator({
    fixture,
    trust: { issuer: issuer.issuer, jwks: issuer.jwks },
    ca: testCertificateAuthority(),
  });
  const contract = ArmContract.load();
  const violations: ContractViolation[] = [];
  const exchanges: ArmExchange[] = [];
  const checked = armRecordingFetch(contract, violations, exchanges);
  const token = (user: FixtureUser, o: ArmTokenOptions = {}): Promise<string> =>
    issuer.sign(
      o.appOnly
        ? { tid: fixture.tenantId, oid: user.id, idtyp: 'app', roles: [] }
        : {
            tid: fixture.tenantId,
            oid: user.id,
            idtyp: 'user',
            scp: 'user_impersonation',
            amr: o.amr ?? ['pwd', 'mfa'],
            ...(o.acrs ? { acrs: o.acrs } : {}),
          },
      { audience: o.audience ?? ARM_AUDIENCE, ...(o.expiresIn !== undefined ? { expiresIn: o.expiresIn } : {}) },
    );
  return {
    sim,
    issuer,
    contract,
    violations,
    exchanges,
    fetch: checked,
    token,
    async call<T>(method: string, path: string, init: CallInit = {}): Promise<ArmResult<T>> {
      const headers: Record<string, string> = {};
      if (init.token) headers.Authorization = `Bearer ${init.token}`;
      if (init.body !== undefined) headers['Content-Type'] = 'application/json';
      const send = init.unchecked ? globalThis.fetch : checked;
      const res = await send(path.startsWith('http') ? path : `${sim.url}${path}`, {
        method,
        headers,
        body:
          init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, text, headers: res.headers };
    },
    reset(next?: ArmFixture) {
      if (next) sim.loadFixture(next);
      else sim.reset();
      violations.length = 0;
      exchanges.length = 0;
    },
    close: () => sim.close(),
  };
}

export type Obj = Record<string, unknown> & { properties: Record<string, unknown> };
export type List = { value: Obj[]; nextLink?: string };
export type Cloud = { error: { code: string; message: string } };

/** Request names for tests: GUIDs numbered so a test can name several. */
export const guid = (n: number) => `7a1b2c3d-4e5f-4a6b-8c7d-${String(n).padStart(12, '0')}`;

/** A role definition's id as ARM-PIM.md §3.1 writes it: subscription-scoped below a subscription. */
export const roleId = (scope: string, role: string) =>
  `${scope.match(/^\/subscriptions\/[^/]+/)?.[0] ?? ''}${AUTHZ}/roleDefinitions/${role}`;

/** Adele's SelfActivate body of ARM-PIM.md §3.3, one hour, with a justification. */
export function activation(scope: string, role: string, extra: Record<string, unknown> = {}) {
  return {
    properties: {
      principalId: demoUsers.requester.id,
      roleDefinitionId: roleId(scope, role),
      requestType: 'SelfActivate',
      scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'PT1H' } },
      justification: 'Release',
      ...extra,
    },
  };
}
