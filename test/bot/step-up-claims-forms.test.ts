import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import type { AcrsForm } from '../../simulators/graph';
import { demoRoles, demoUsers } from '../../simulators/tenant/demo-tenant';
import { cardActions, visibleText } from '../support/bot-harness';
import { useBotHarness } from '../support/use-bot-harness';
import { browse } from '../support/browser';

/**
 * Issue 12: real authentication-context refusals come in several wordings (simulators/graph/FIDELITY.md).
 * Whatever the wording, the user gets the sign-in card and, once signed in, the activation continues;
 * never "step-up failed".
 */

const { requester: adele } = demoUsers;
const h = useBotHarness();

function outbound(): Partial<Activity>[] {
  return h.connector.calls
    .filter((c) => c.operation !== 'delete' && c.operation !== 'createConversation')
    .map((c) => c.body);
}
function allText(): string {
  return outbound().map(visibleText).join('\n---\n');
}
function statusText(): string {
  const updates = h.connector.calls.filter((c) => c.operation === 'update');
  return visibleText((updates[updates.length - 1] ?? h.connector.calls[h.connector.calls.length - 1])?.body);
}

describe('step-up whatever the wording of the authentication-context refusal', () => {
  const forms: AcrsForm[] = ['wrapped', 'noClaims'];
  for (const form of forms) {
    it(`${form}: sign-in card, then the activation continues`, async () => {
      h.stack.graph.setAcrsForm(form);
      await h.say(adele, 'activate Privileged Role Administrator 1h INC-9 delegate PIM settings');
      const confirm = outbound()
        .flatMap((a) => cardActions(a))
        .find((a) => a.data?.pimbot === 'confirm');
      expect(confirm, allText()).toBeDefined();
      h.connector.reset();
      expect(await h.submit(adele, confirm!.data!)).toBe(200);
      const signIn = outbound()
        .flatMap((a) => cardActions(a))
        .find((a) => a.type === 'Action.OpenUrl');
      console.log(`step-up (${form}): sign-in card sent = ${Boolean(signIn)}`);
      expect(signIn?.url, allText()).toMatch(/\/auth\/start\?state=/);

      // The user's browser: bot → authority /authorize → form post to the bot's /auth/callback (front door).
      const page = await browse(signIn!.url!, { rewriteUrl: h.viaFrontDoor });
      expect(page.status).toBe(200);
      await h.connector.waitFor(() => /Waiting for approval/.test(statusText()), 10_000);
      const request = h.stack.graph.snapshot().requests.find((r) => r.principalId === adele.id);
      expect(request).toMatchObject({
        status: 'PendingApproval',
        roleDefinitionId: demoRoles.privilegedRoleAdministrator,
      });
    });
  }
});
