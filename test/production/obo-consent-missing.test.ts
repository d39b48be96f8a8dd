import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ConnectorCall } from '../../simulators/botframework/bot-connector';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { visibleText } from '../support/bot-harness';
import { exchangeResourceId, oauthCardIn } from '../support/oauth-card';
import { OAUTH_CONNECTION, type ProductionStack, startProductionStack } from '../support/production-stack';
import type { TeamsUser } from '../support/teams-driver';

// Admin consent never granted: the bot's app has no Microsoft Graph delegated permission consented, so Entra refuses
// its on-behalf-of exchange for Graph with invalid_grant AADSTS65001 consent_required
// (learn.microsoft.com/entra/identity-platform/reference-error-codes; v2-oauth2-on-behalf-of-flow, "Gaining consent for
// the middle-tier application": "A tenant admin can guarantee that applications have permission to call their required
// APIs by providing admin consent for the middle tier application"). Who may grant it: Privileged Role Administrator or
// Global Administrator (learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent, "Prerequisites" for
// Microsoft Graph permissions; docs/deploy-to-your-tenant.md section 6). Signing in again cannot fix it, so the user is
// told who can, in their language, and the operator's log says it once with the fix.
const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line));
    done();
  },
});
let stack: ProductionStack;

beforeAll(async () => {
  stack = await startProductionStack({ graphDelegatedScopes: [], logger: pino({ level: 'info' }, sink) });
});

afterAll(async () => {
  await stack?.close();
});

const callsIn = (conversationId: string | undefined): ConnectorCall[] =>
  stack.connector.calls.filter((c) => c.conversationId === conversationId);
const consentLines = () => lines.filter((l) => /AADSTS65001/.test(String(l.msg)));

/** Types `text` in the user's language, signs in by Teams SSO; returns the bot's first message after the sign-in. */
async function ask(user: TeamsUser, text: string, locale: string): Promise<string> {
  const message = { ...stack.driver.personalMessage(user, text), locale };
  const conversationId = message.conversation?.id;
  await stack.driver.post(message);
  const card = await stack.connector.waitFor((c) => c.conversationId === conversationId && !!exchangeResourceId(c));
  const cardAt = callsIn(conversationId).indexOf(card);
  const exchanged = await stack.driver.tokenExchange(
    user,
    exchangeResourceId(card) ?? '',
    OAUTH_CONNECTION,
    undefined,
    locale,
  );
  if (exchanged.status !== 200) throw new Error(`the exchange was refused: ${exchanged.status}`);
  const answer = await stack.connector.waitFor(
    (c) => c.conversationId === conversationId && callsIn(conversationId).indexOf(c) > cardAt,
  );
  return visibleText(answer.body);
}

describe('production mode: admin consent missing for Microsoft Graph', () => {
  it('tells the user an administrator must grant consent (English, German), logs it once without tokens, and reaches no Graph', async ({
    expect,
  }) => {
    const graphBefore = stack.local.graph.calls().length;
    const adele = stack.teamsUser(demoUsers.requester.id);
    const english = await ask(adele, 'roles', 'en-US');
    const nestor = stack.teamsUser(demoUsers.secondApprover.id);
    const german = await ask(nestor, 'roles', 'de-DE');
    console.log(`consent missing: en "${english}" / de "${german}" / ${consentLines().length} log line(s)`);

    expect(english).toMatch(/admin consent/);
    expect(english).toMatch(/Privileged Role Administrator or Global Administrator/);
    expect(english).toMatch(/Signing in again won't help/);
    expect(german).toMatch(/Administratorzustimmung/);
    expect(german).toMatch(/Administrator für privilegierte Rollen oder einen globalen Administrator/);
    // Neither is the Teams sign-in card again.
    expect(stack.connector.calls.filter((c) => !!oauthCardIn(c))).toHaveLength(2);

    const logged = consentLines();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, aadsts: 65001 });
    expect(String(logged[0]?.msg)).toMatch(/Grant admin consent \(docs\/deploy-to-your-tenant\.md section 6\)/);
    // No token of any kind in any line: no JWT (three base64url parts starting eyJ).
    expect(lines.map((l) => JSON.stringify(l)).filter((l) => /eyJ[\w-]+\.[\w-]+\.[\w-]*/.test(l))).toEqual([]);
    expect(
      stack.local.graph
        .calls()
        .slice(graphBefore)
        .filter((c) => c.principalId === adele.aadObjectId || c.principalId === nestor.aadObjectId),
    ).toEqual([]);
  });
});
