import type { Logger } from 'pino';
import { ManualClock } from './clock';
import { demoBotApplication } from './demo-app';
import { type EntraAuthority, type RegisteredApplication, startEntraAuthority } from './entra';
import { type GraphSimulator, startGraphSimulator } from './graph';
import { demoTenant } from './tenant/demo-tenant';
import type { TenantFixture } from './tenant/tenant-fixture';
import type { CertificateAuthority } from './tls/certificate-authority';

export interface LocalStackOptions {
  ca: CertificateAuthority;
  fixture?: TenantFixture;
  /** Default: the PIM Bot demo app with a fresh secret. */
  botApp?: RegisteredApplication;
  /** Extra registrations (e.g. a second app for audience tests). */
  otherApps?: RegisteredApplication[];
  clock?: ManualClock;
  authorityPort?: number;
  graphPort?: number;
  logger?: Logger;
}

/** The two stand-ins for Microsoft's cloud, built from one tenant fixture and trusting each other. */
export interface LocalStack {
  fixture: TenantFixture;
  authority: EntraAuthority;
  graph: GraphSimulator;
  botApp: RegisteredApplication;
  clock: ManualClock;
  close(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const fixture = options.fixture ?? demoTenant;
  const botApp = options.botApp ?? demoBotApplication();
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
