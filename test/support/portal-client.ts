import { onBehalfOfCredential } from '../../src/identity/graph-credentials';
import { GraphTransport } from '../../src/pim/graph-transport';
import { PimClient } from '../../src/pim/pim-client';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import type { BotHarness } from './bot-harness';

/**
 * The user working in PIM outside Teams (the Entra portal, PowerShell): a PIM client straight to the
 * harness's Graph with the user's own delegated token (signed in with MFA), never through the bot. For
 * requests and decisions the bot must learn of from Graph.
 */
export async function portalClient(h: BotHarness, user: FixtureUser): Promise<PimClient> {
  const sso = await h.stack.authority.issueTeamsSsoToken({
    userId: user.id,
    clientId: h.stack.botApp.clientId,
    amr: ['pwd', 'mfa'],
  });
  const entra = {
    tenantId: h.stack.fixture.tenantId,
    clientId: h.stack.botApp.clientId,
    clientSecret: h.stack.botApp.clientSecret,
    authorityHost: h.stack.authority.url,
  };
  return new PimClient(
    new GraphTransport({ credential: onBehalfOfCredential(entra, sso), graphBaseUrl: h.stack.graph.url }),
    user.id,
  );
}
