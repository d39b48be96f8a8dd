import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { cardActions, visibleText } from '../support/bot-harness';
import { exchangeResourceId } from '../support/oauth-card';
import { OAUTH_CONNECTION, type ProductionStack, startProductionStack } from '../support/production-stack';
import type { TeamsUser } from '../support/teams-driver';

// An approval in production mode: the requester signs in with Teams SSO and asks for a role that needs
// approval; the approver, whom the bot has no token for, clicks Approve (Action.Execute), gets the 401
// loginRequest, Teams resends the click with her SSO token, and the bot decides with her delegated Graph
// token. The requester's status card is then updated to Active through the connector, with the bot token.
// https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/enable-sso-for-your-adaptive-cards-universal-actions
let stack: ProductionStack;

beforeAll(async () => {
  stack = await startProductionStack();
});

afterAll(async () => {
  await stack?.close();
});

function actionsIn(conversationId: string | undefined) {
  return stack.connector.calls
    .filter((c) => c.conversationId === conversationId)
    .flatMap((c) => cardActions(c.body as Partial<Activity>));
}

/** Adele asks for Global Administrator (approval and a ticket required), signs in by SSO and confirms. */
async function requestGlobalAdmin(adele: TeamsUser): Promise<{ conversationId: string; requestId: string }> {
  const message = stack.driver.personalMessage(
    adele,
    'activate Global Administrator 2h CHG-1042 conditional access change',
  );
  const conversationId = message.conversation?.id ?? '';
  await stack.driver.post(message);
  const oauth = await stack.connector.waitFor((c) => c.conversationId === conversationId && !!exchangeResourceId(c));
  await stack.driver.tokenExchange(adele, exchangeResourceId(oauth) ?? '', OAUTH_CONNECTION);
  await stack.connector.waitFor(
    (c) =>
      c.conversationId === conversationId &&
      cardActions(c.body as Partial<Activity>).some((a) => a.data?.pimbot === 'confirm'),
  );
  const confirm = actionsIn(conversationId).find((a) => a.data?.pimbot === 'confirm')?.data ?? {};
  await stack.driver.post(stack.driver.personalSubmit(adele, confirm));
  const request = stack.local.graph
    .snapshot()
    .requests.find((r) => r.principalId === adele.aadObjectId && r.status === 'PendingApproval');
  if (!request) throw new Error('no pending request for the requester');
  return { conversationId, requestId: String(request.id) };
}

describe('production mode: approval by Universal Action', () => {
  it("the approver's Approve, after the loginRequest round trip, makes the requester's card Active", async ({
    expect,
  }) => {
    const adele = stack.teamsUser(demoUsers.requester.id);
    const megan = stack.teamsUser(demoUsers.approver.id);
    // Megan has the bot: her 1:1 chat is known, so the approval card can reach her.
    await stack.driver.post(stack.driver.personalMessage(megan, 'help'));
    const { conversationId, requestId } = await requestGlobalAdmin(adele);
    const meganChat = `a:personal-${megan.aadObjectId}`;
    const approveOnCard = await stack.connector.waitFor(
      (c) =>
        c.conversationId === meganChat &&
        cardActions(c.body as Partial<Activity>).some((a) => a.verb === 'approve' && a.data?.requestId === requestId),
    );
    const approve = cardActions(approveOnCard.body as Partial<Activity>).find((a) => a.verb === 'approve');

    const graphBefore = stack.local.graph.calls().length;
    const click = await stack.driver.universalAction(megan, { ...approve?.data, comment: 'CAB approved' }, 'approve');
    const meganCalls = stack.local.graph
      .calls()
      .slice(graphBefore)
      .filter((c) => c.principalId === megan.aadObjectId);
    const activeCard = await stack.connector.waitFor(
      (c) =>
        c.conversationId === conversationId && c.operation === 'update' && /Active until/.test(visibleText(c.body)),
      10_000,
    );
    console.log(
      `approval by universal action: loginRequest then invoke ${click.status}; ${meganCalls.length} Graph call(s) with the approver's token ` +
        `(${meganCalls.map((c) => c.method).join(', ')}); request ${stack.local.graph.snapshot().requests.find((r) => r.id === requestId)?.status}`,
    );
    expect(click.loginRequest).toMatchObject({ connectionName: OAUTH_CONNECTION });
    expect(click.status).toBe(200);
    expect(JSON.stringify(click.body)).toMatch(/Approved/);
    // The decision went to Graph as Megan (delegated), which the Graph simulator judges as her approval.
    expect(meganCalls.some((c) => c.method === 'PATCH' && c.callerKind === 'user')).toBe(true);
    expect(stack.local.graph.snapshot().requests.find((r) => r.id === requestId)?.status).toBe('Provisioned');
    expect(visibleText(activeCard.body)).toMatch(/Approved by Megan Bowen/);
  });

  it('a click whose resent SSO token is expired is not run: the approver is asked to sign in again', async ({
    expect,
  }) => {
    const nestor = stack.teamsUser(demoUsers.secondApprover.id);
    const expired = await stack.local.authority.issueTeamsSsoToken({
      userId: nestor.aadObjectId,
      clientId: stack.botAppId,
      lifetimeSeconds: -60,
    });
    const graphBefore = stack.local.graph.calls().length;
    const click = await stack.driver.post({
      ...stack.driver.personalSubmit(nestor, {}),
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: {
        action: { type: 'Action.Execute', verb: 'approve', data: { pimbot: 'approve', requestId: 'any' } },
        trigger: 'manual',
        authentication: { token: expired },
      },
    });
    const body = click.body as { statusCode?: number; type?: string };
    const nestorCalls = stack.local.graph
      .calls()
      .slice(graphBefore)
      .filter((c) => c.principalId === nestor.aadObjectId);
    console.log(
      `approve with an expired SSO token: invoke ${click.status}, answer ${body.statusCode} ${body.type}, ${nestorCalls.length} Graph call(s)`,
    );
    expect(body).toMatchObject({ statusCode: 401, type: 'application/vnd.microsoft.activity.loginRequest' });
    expect(nestorCalls).toEqual([]);
  });
});
