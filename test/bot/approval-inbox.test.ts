import { describe, expect, it } from 'vitest';
import { demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { assertValidCard } from '../cards/card-validation';
import { cardActions, visibleText } from '../support/bot-harness';
import { portalClient } from '../support/portal-client';
import { useBotHarness } from '../support/use-bot-harness';
import { submitPendingRequest } from '../support/pending-request';
import { tenantWhereMeganApproves } from '../support/approval-tenant';

/**
 * The approver's inbox over HTTP (issue 15): at most 5 requests per card with Next / Previous, requests made
 * outside the bot (straight to Graph, as in the Entra portal) shown with names and decided from the inbox with
 * the approver's own token, and a decision that updates its item in place and keeps the rest of the inbox.
 */

const { requester: adele, approver: megan } = demoUsers;
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Seven roles Adele is eligible for, each needing Megan's approval (justification only, no MFA). */
const INBOX_ROLES: string[] = [
  demoRoles.exchangeAdministrator,
  demoRoles.sharePointAdministrator,
  demoRoles.userAdministrator,
  demoRoles.helpdeskAdministrator,
  demoRoles.teamsAdministrator,
  demoRoles.globalReader,
  demoRoles.reportsReader,
];
const inboxTenant = tenantWhereMeganApproves(INBOX_ROLES);
const roleName = (id: string) => demoTenant.roleDefinitions.find((r) => r.id === id)?.displayName ?? '';

const h = useBotHarness({ tenant: inboxTenant, knownUsers: [megan] });

/** Adele asks for `count` of the inbox roles outside the bot, a minute apart (oldest first in the inbox). */
async function outsideRequests(count: number): Promise<string[]> {
  const pim = await portalClient(h, adele);
  const ids: string[] = [];
  for (const roleDefinitionId of INBOX_ROLES.slice(0, count)) {
    const request = await pim.activate({
      target: { kind: 'role', roleDefinitionId, directoryScopeId: '/' },
      durationMinutes: 60,
      justification: 'quarterly audit',
    });
    ids.push(request.id);
    h.stack.clock.advance(60_000);
  }
  return ids;
}

type Card = Record<string, unknown>;
const invokeCard = (body: unknown) => (body as { value: Card }).value;
const asActivity = (card: Card) => ({
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
});
const actionsOf = (card: Card) => cardActions(asActivity(card));
const textOf = (card: Card) => visibleText(asActivity(card));

async function openInbox(): Promise<Card> {
  await h.say(megan, 'pending');
  const content = h.connector.calls.at(-1)?.body.attachments?.[0]?.content as Card;
  expect(content).toBeDefined();
  assertValidCard(content);
  return content;
}

describe('paging', () => {
  it('7 waiting → page 1 lists 5 with Next, page 2 lists 2 with Previous; names, never ids', async () => {
    const ids = await outsideRequests(7);
    const first = await openInbox();
    expect(actionsOf(first).filter((a) => a.verb === 'inboxApprove')).toHaveLength(5);
    expect(actionsOf(first).filter((a) => a.verb === 'inboxDeny')).toHaveLength(5);
    expect(textOf(first)).toContain('7 waiting · page 1 of 2');
    for (const role of INBOX_ROLES.slice(0, 5)) expect(textOf(first)).toContain(roleName(role));
    expect(textOf(first)).toContain('Requested by Adele Vance');
    expect(textOf(first)).not.toMatch(GUID);
    expect(actionsOf(first).map((a) => a.title)).not.toContain('Previous');
    // Oldest first: the first five Adele asked for.
    expect(
      actionsOf(first)
        .filter((a) => a.verb === 'inboxApprove')
        .map((a) => a.data?.requestId),
    ).toEqual(ids.slice(0, 5));

    const next = actionsOf(first).find((a) => a.title === 'Next');
    expect(next?.verb).toBe('inboxPage');
    const { status, body } = await h.invoke(megan, 'inboxPage', next!.data!);
    expect(status).toBe(200);
    const second = invokeCard(body);
    assertValidCard(second);
    expect(textOf(second)).toContain('7 waiting · page 2 of 2');
    expect(
      actionsOf(second)
        .filter((a) => a.verb === 'inboxApprove')
        .map((a) => a.data?.requestId),
    ).toEqual(ids.slice(5));
    expect(actionsOf(second).map((a) => a.title)).toContain('Previous');
    expect(actionsOf(second).map((a) => a.title)).not.toContain('Next');
    expect(textOf(second)).not.toMatch(GUID);
  });

  it('a forged page number past the end shows the last page', async () => {
    await outsideRequests(2);
    const { body } = await h.invoke(megan, 'inboxPage', { pimbot: 'inboxPage', page: '9' });
    expect(textOf(invokeCard(body))).toContain('2 waiting');
    expect(actionsOf(invokeCard(body)).filter((a) => a.verb === 'inboxApprove')).toHaveLength(2);
  });
});

describe('deciding from the inbox', () => {
  it('approving a request made outside the bot reaches PIM with the approver token; the item shows decided in place and the rest stay', async () => {
    const ids = await outsideRequests(7);
    const first = await openInbox();
    const approve = actionsOf(first).filter((a) => a.verb === 'inboxApprove')[1]!;
    expect(approve.data?.requestId).toBe(ids[1]);
    h.stack.graph.resetCalls();
    const decidedAt = h.stack.clock.now();

    const { status, body } = await h.invoke(megan, 'inboxApprove', approve.data!);
    expect(status).toBe(200);
    const card = invokeCard(body);
    assertValidCard(card);

    // PIM has Megan's decision, made with her delegated token (the approval step PATCH).
    const patches = h.stack.graph.calls().filter((c) => c.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]).toMatchObject({ principalId: megan.id, callerKind: 'user', status: 204 });
    const decided = h.stack.graph.snapshot().requests.find((r) => r.id === ids[1]);
    expect(decided?.status).not.toBe('PendingApproval');

    // In place: the second item says decided (time in Megan's zone, Europe/Berlin as her client sends),
    // the other four of the page still have their buttons, and the inbox counts one less.
    const berlin = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
      timeZoneName: 'short',
    }).format(decidedAt);
    const items = (card.body as Card[]).filter((e) => typeof e.id === 'string' && /^pending-\d+$/.test(e.id));
    expect(items).toHaveLength(5);
    expect(visibleText(asActivity({ body: [items[1]] }))).toContain(`Approved by you at ${berlin}.`);
    expect(visibleText(asActivity({ body: [items[1]] }))).toContain(roleName(INBOX_ROLES[1]!));
    expect(
      actionsOf(card)
        .filter((a) => a.verb === 'inboxApprove')
        .map((a) => a.data?.requestId),
    ).toEqual([ids[0], ids[2], ids[3], ids[4]]);
    expect(textOf(card)).toContain('6 waiting · page 1 of 2');
    expect(textOf(card)).not.toMatch(GUID);
  });

  it('deny without a reason keeps the item open with the reason asked for; nothing reaches PIM', async () => {
    await outsideRequests(2);
    const first = await openInbox();
    const deny = actionsOf(first).find((a) => a.verb === 'inboxDeny')!;
    h.stack.graph.resetCalls();
    const { body } = await h.invoke(megan, 'inboxDeny', deny.data!);
    const card = invokeCard(body);
    expect(textOf(card)).toMatch(/reason/i);
    expect(actionsOf(card).filter((a) => a.verb === 'inboxDeny')).toHaveLength(2);
    expect(h.stack.graph.calls().filter((c) => c.method === 'PATCH')).toEqual([]);
  });

  it('someone who is not an approver cannot decide a request by its id', async () => {
    const [id] = await outsideRequests(1);
    const lee = demoUsers.noAccess;
    await h.say(lee, 'help');
    h.stack.graph.resetCalls();
    const { body } = await h.invoke(lee, 'inboxApprove', {
      pimbot: 'inboxApprove',
      requestId: id!,
      page: '0',
      pageIds: id!,
    });
    expect(textOf(invokeCard(body))).toMatch(/No longer waiting for your decision/);
    expect(h.stack.graph.calls().filter((c) => c.method === 'PATCH')).toEqual([]);
    expect(h.stack.graph.snapshot().requests.find((r) => r.id === id)?.status).toBe('PendingApproval');
  });

  it('a request the bot tracks, decided from the inbox: its approval card copies are updated too, the inbox keeps the rest', async () => {
    const tracked = await submitPendingRequest(
      h,
      adele,
      'activate Global Administrator 2h CHG-1042 conditional access change',
    );
    const outside = await outsideRequests(2);
    const first = await openInbox();
    const approves = actionsOf(first).filter((a) => a.verb === 'inboxApprove');
    expect(approves.map((a) => a.data?.requestId).sort()).toEqual([tracked, ...outside].sort());
    const approve = approves.find((a) => a.data?.requestId === tracked)!;
    h.connector.reset();

    const { body } = await h.invoke(megan, 'inboxApprove', approve.data!);
    const card = invokeCard(body);
    expect(textOf(card)).toMatch(/Approved by you at/);
    expect(
      actionsOf(card)
        .filter((a) => a.verb === 'inboxApprove')
        .map((a) => a.data?.requestId),
    ).toEqual(outside);
    expect(textOf(card)).toContain('2 waiting');
    // The approval card in Megan's chat (posted when Adele asked) now says approved: the same decision path.
    const updates = h.connector.calls.filter(
      (c) => c.operation === 'update' && c.conversationId === h.personalConversationId(megan),
    );
    expect(updates.map((c) => visibleText(c.body)).join('\n')).toMatch(/Approved/);
    expect(h.stack.graph.snapshot().requests.find((r) => r.id === tracked)?.status).not.toBe('PendingApproval');
  });
});

describe('the inbox card keeps itself current', () => {
  it("carries Teams' automatic refresh for the approver; viewed again after decisions elsewhere, it lists only what still waits", async () => {
    const ids = await outsideRequests(3);
    const first = await openInbox();
    // Universal Actions' refresh model: an Action.Execute the client invokes by itself when the card is viewed,
    // for the users in userIds (Teams MRIs, learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/
    // cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards).
    const refresh = first.refresh as {
      action: { type: string; verb: string; data: Record<string, string> };
      userIds: string[];
    };
    expect(refresh.userIds).toEqual([`29:${megan.id}`]);
    expect(refresh.action.type).toBe('Action.Execute');
    expect(refresh.action.verb).toBe('inboxPage');

    // Outside the bot: Adele withdraws her first request in PIM.
    const adelesPim = await portalClient(h, adele);
    await adelesPim.cancel('role', ids[0]!);
    h.stack.graph.resetCalls();

    const { status, body } = await h.invoke(megan, refresh.action.verb, refresh.action.data, {
      value: { action: refresh.action, trigger: 'automatic' },
    });
    expect(status).toBe(200);
    const card = invokeCard(body);
    assertValidCard(card);
    expect(textOf(card)).toContain('2 waiting');
    expect(
      actionsOf(card)
        .filter((a) => a.verb === 'inboxApprove')
        .map((a) => a.data?.requestId),
    ).toEqual(ids.slice(1));
    expect((card.refresh as { userIds: string[] }).userIds).toEqual([`29:${megan.id}`]);
    // A refresh reads; it never decides.
    expect(h.stack.graph.calls().filter((c) => c.method !== 'GET')).toEqual([]);
  });

  it('a refresh from someone the card was not for shows their own inbox, never the approver’s', async () => {
    await outsideRequests(2);
    const first = await openInbox();
    const refresh = first.refresh as { action: { verb: string; data: Record<string, string> } };
    const lee = demoUsers.noAccess;
    await h.say(lee, 'help');
    const { body } = await h.invoke(lee, refresh.action.verb, refresh.action.data, {
      value: { action: { type: 'Action.Execute', ...refresh.action }, trigger: 'automatic' },
    });
    const card = invokeCard(body);
    expect(actionsOf(card).filter((a) => a.verb === 'inboxApprove')).toEqual([]);
    expect(textOf(card)).not.toContain('Requested by Adele Vance');
  });
});
