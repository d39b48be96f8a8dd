import { describe, expect, it } from 'vitest';
import { demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { cardActions, visibleText } from '../support/bot-harness';
import { useBotHarness } from '../support/use-bot-harness';

/**
 * A queued "Activate again" that PIM refuses at the end, through the real bot: the record keeps PIM's reason
 * as a code and values (src/activation/queued-activation.ts), and the queued card, updated in place, words it
 * from the resources (errors:pim.notEligible; the German wording: test/i18n/queued-activation-problems.test.ts).
 * The refusal is the simulator's EligibilityRule failure (simulators/graph/FIDELITY.md,
 * RoleAssignmentRequestPolicyValidationFailed).
 */
const { requester: adele } = demoUsers;
const h = useBotHarness();

const inAdeleChat = () => h.connector.calls.filter((c) => c.conversationId.startsWith(h.personalConversationId(adele)));
/** Adele clicks a card button (Action.Submit). */
const click = (value: Record<string, unknown>) => h.submit(adele, value);

describe('a queued activation PIM refuses at the end', () => {
  it("the queued card says PIM's reason and what to do: Adele is no longer eligible", async () => {
    await h.say(adele, 'activate Exchange Administrator 2h INC-42 fix mailbox rules');
    const confirm = inAdeleChat()
      .flatMap((c) => cardActions(c.body))
      .find((a) => a.data?.pimbot === 'confirm');
    expect(confirm).toBeDefined();
    await click(confirm!.data!);
    const request = h.stack.graph
      .snapshot()
      .requests.find((r) => r.principalId === adele.id && r.status === 'Provisioned');
    const activation = h.stack.graph.snapshot().activations.find((a) => a.principalId === adele.id && a.isActive);
    expect(request && activation).toBeTruthy();

    h.connector.reset();
    await click({ pimbot: 'activateAgain', requestId: request!.id });
    const queuedCard = inAdeleChat().find((c) => /Activates again/.test(visibleText(c.body)));
    expect(queuedCard, h.connector.sentTexts().join('\n')).toBeDefined();

    // Meanwhile an administrator removes her eligibility: PIM refuses the new request (EligibilityRule).
    h.stack.graph.loadFixture({
      ...demoTenant,
      roleEligibilities: demoTenant.roleEligibilities.filter(
        (e) => !(e.principalId === adele.id && e.roleDefinitionId === demoRoles.exchangeAdministrator),
      ),
    });
    h.stack.clock.set(new Date(activation!.endDateTime as string));
    await h.jobs.runDue();

    const updated = inAdeleChat()
      .filter((c) => c.operation === 'update' && c.activityId === queuedCard!.answeredId)
      .at(-1);
    const text = visibleText(updated?.body);
    expect(text).toContain('Not activated again');
    expect(text).toContain(
      'Your Exchange Administrator was not activated again: ' +
        'You are not eligible for Exchange Administrator, or your eligibility has expired. ' +
        'Ask a PIM administrator to make you eligible.',
    );
    expect(cardActions(updated?.body).map((a) => a.title)).toEqual(['Activate now']);
  });
});
