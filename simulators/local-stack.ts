import type { Logger } from 'pino';
import { ManualClock } from './clock';
import { demoBotApplication } from './demo-app';
import {
  type ApplicationRegistration,
  type EntraAuthority,
  type ManagedIdentity,
  type RegisteredApplication,
  startEntraAuthority,
} from './entra';
import { type GraphSimulator, startGraphSimulator } from './graph';
import { demoTenant } from './tenant/demo-tenant';
import type { TenantFixture } from './tenant/tenant-fixture';
import type { CertificateAuthority } from './tls/certificate-authority';

export interface LocalStackOptions<App extends ApplicationRegistration = RegisteredApplication> {
  ca: CertificateAuthority;
  fixture?: TenantFixture;
  /** Default: the PIM Bot demo app with a fresh secret. */
  botApp?: App;
  /** Extra registrations (e.g. a second app for audience tests). */
  otherApps?: ApplicationRegistration[];
  /**
   * Managed identities of the bot's host: when given, the authority serves an App Service-style managed
   * identity endpoint (authority.managedIdentityEndpoint.environment has IDENTITY_ENDPOINT/IDENTITY_HEADER).
   */
  managedIdentities?: ManagedIdentity[];
  clock?: ManualClock;
  authorityPort?: number;
  graphPort?: number;
  logger?: Logger;
}

/** The two stand-ins for Microsoft's cloud, built from one tenant fixture and trusting each other. */
export interface LocalStack<App extends ApplicationRegistration = RegisteredApplication> {
  fixture: TenantFixture;
  authority: EntraAuthority;
  graph: GraphSimulator;
  botApp: App;
  clock: ManualClock;
  close(): Promise<void>;
}

export async function startLocalStack<App extends ApplicationRegistration = RegisteredApplication>(
  options: LocalStackOptions<App>,
): Promise<LocalStack<App>> {
  const fixture = options.fixture ?? demoTenant;
  // Without botApp, App is its default (RegisteredApplication), which the demo app is.
  const botApp = options.botApp ?? (demoBotApplication() as unknown as App);
  const clock = options.clock ?? new ManualClock();
  const authority = await startEntraAuthority({
    ca: options.ca,
    port: options.authorityPort,
    logger: options.logger,
    directory: {
      tenantId: fixture.tenantId,
      users: fixture.users.map((u) => ({
        id: u.id,
        userPrincipalName: u.userPrincipalName,
        displayName: u.displayName,
      })),
      applications: [botApp, ...(options.otherApps ?? [])],
      ...(options.managedIdentities ? { managedIdentities: options.managedIdentities } : {}),
    },
  });
  try {
    const graph = await startGraphSimulator({
      ca: options.ca,
      fixture,
      clock,
      port: options.graphPort,
      logger: options.logger,
      trust: { issuer: authority.issuer, jwks: authority.jwks() },
    });
    return {
      fixture,
      authority,
      graph,
      botApp,
      clock,
      async close() {
        await Promise.allSettled([graph.close(), authority.close()]);
      },
    };
  } catch (err) {
    await authority.close();
    throw err;
  }
}
