import type { TokenCredential } from '@azure/identity';
import type { EntraAppConfig } from '../../src/config';
import { appCredential, onBehalfOfCredential } from '../../src/identity/graph-credentials';
import { DirectoryClient } from '../../src/pim/directory-client';
import type { GraphExchangeRecord, RetryPolicy } from '../../src/pim/graph-middleware';
import { GraphTransport } from '../../src/pim/graph-transport';
import { PimClient } from '../../src/pim/pim-client';
import { type LocalStack, startLocalStack } from '../../simulators/local-stack';
import type { FixtureUser, TenantFixture } from '../../simulators/tenant/tenant-fixture';
import { type ContractViolation, formatViolations } from '../contract/graph-contract';
import { contractObserver } from './contract-observer';
import { testCertificateAuthority } from './local-ca';

/** Fast retries for tests: the Retry-After the simulator sends is still honoured. */
export const TEST_RETRY: RetryPolicy = { maxRetries: 3, maxTotalWaitMs: 5_000, baseDelayMs: 50 };

export interface PimTestStack {
  stack: LocalStack;
  entra: EntraAppConfig;
  /** Every Graph exchange the clients made, with bodies. */
  exchanges: GraphExchangeRecord[];
  /** Contract violations seen so far (requests and responses). */
  violations: ContractViolation[];
  /** A delegated PIM client for the user, through a Teams-SSO-like token and a real OBO exchange. */
  clientFor(user: FixtureUser, options?: ClientOptions): Promise<PimClient>;
  /** The SSO token's OBO credential, for tests that wrap it (step-up). */
  credentialFor(user: FixtureUser, options?: Pick<ClientOptions, 'amr' | 'acrs'>): Promise<TokenCredential>;
  clientWith(credential: TokenCredential, principalId?: string, retry?: RetryPolicy): PimClient;
  /** The bot's app-only directory reader (client credentials). */
  directory(): DirectoryClient;
  /** PimClient on the app-only credential (which Graph must refuse for self* actions). */
  appOnlyPimClient(principalId: string): PimClient;
  contractReport(): string;
  close(): Promise<void>;
}

export interface ClientOptions {
  /** Authentication methods of the user's sign-in; default ['pwd', 'mfa']. */
  amr?: string[];
  acrs?: string[];
  /** Pass the user's object id (as Teams does); default true. False makes the client read /me. */
  knowsPrincipalId?: boolean;
  retry?: RetryPolicy;
}

export async function startPimTestStack(fixture?: TenantFixture): Promise<PimTestStack> {
  const stack = await startLocalStack({ ca: testCertificateAuthority(), fixture });
  const exchanges: GraphExchangeRecord[] = [];
  const violations: ContractViolation[] = [];
  const observer = contractObserver(exchanges, violations);
  const entra: EntraAppConfig = {
    tenantId: stack.fixture.tenantId,
    clientId: stack.botApp.clientId,
    clientSecret: stack.botApp.clientSecret,
    authorityHost: stack.authority.url,
  };
  const transport = (credential: TokenCredential, retry?: RetryPolicy) =>
    new GraphTransport({ credential, graphBaseUrl: stack.graph.url, observer, retry: retry ?? TEST_RETRY });

  const credentialFor = async (user: FixtureUser, options: Pick<ClientOptions, 'amr' | 'acrs'> = {}) => {
    const sso = await stack.authority.issueTeamsSsoToken({
      userId: user.id,
      clientId: stack.botApp.clientId,
      amr: options.amr ?? ['pwd', 'mfa'],
      acrs: options.acrs,
    });
    return onBehalfOfCredential(entra, sso);
  };

  return {
    stack,
    entra,
    exchanges,
    violations,
    credentialFor,
    async clientFor(user, options = {}) {
      const credential = await credentialFor(user, options);
      return new PimClient(
        transport(credential, options.retry),
        options.knowsPrincipalId === false ? undefined : user.id,
      );
    },
    clientWith(credential, principalId, retry) {
      return new PimClient(transport(credential, retry), principalId);
    },
    directory() {
      return new DirectoryClient(transport(appCredential(entra)));
    },
    appOnlyPimClient(principalId) {
      return new PimClient(transport(appCredential(entra)), principalId);
    },
    contractReport() {
      return formatViolations(violations);
    },
    close: () => stack.close(),
  };
}
