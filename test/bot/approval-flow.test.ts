import { type Activity, MemoryStorage } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { demoGroups, demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { newRequest } from '../../src/requests/pim-request';
import { PimRequestStore } from '../../src/requests/pim-request-store';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { type BotHarness, cardActions, startBotHarness, visibleText } from '../support/bot-harness';
import { portalClient } from '../support/portal-client';
import { freshBot, useBotHarness } from '../support/use-bot-harness';

/**
 * Inline approvals, end to end over HTTP: the requester asks in chat, approvers get the card in their
 * 1:1 chats and in the Approvals channel, decide with Action.Execute (their own delegated token, via
 * the dev identity), and every copy of the card is updated. The Graph simulator is the judge of what
 * was decided.
 */

const { requester: adele, approver: megan, secondApprover: nestor, noAccess: lee } = demoUsers;
const APPROVALS_CHANNEL = '19:approvals@thread.tacv2';
let h: BotHarness = useBotHarness({
  config: { APPROVALS_CHANNELS: JSON.stringify({ 'Global Administrator': APPROVALS_CHANNEL }) },
  knownUsers: [megan, nestor],
});

const graphRequests = () => h.stack.graph.snapshot().requests;
const isActive = (userId: string) =>
  h.stack.graph.snapshot().activations.some((a) => a.principalId === userId && a.isActive === true);

/** Adele asks for Global Administrator (approval needed) and confirms; returns the PIM request id. */
async function requestGlobalAdmin(): Promise<string> {
  await h.say(adele, 'activate Global Administrator 2h CHG-1042 conditional access change');
  const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
  expect(confirm).toBeDefined();
  await h.submit(adele, confirm!.data!);
  const request = graphRequests().find((r) => r.principalId === adele.id && r.status === 'PendingApproval');
  expect(request).toBeDefined();
  return request!.id as string;
}

function callsIn(conversationId: string) {
  return h.connector.calls.filter(
    (c) => c.conversationId === conversationId || c.conversationId.startsWith(`${conversationId};`),
  );
}
function approvalCardFor(user: FixtureUser): Partial<Activity> | undefined {
  return callsIn(h.personalConversationId(user)).find((c) => cardActions(c.body).some((a) => a.verb === 'approve'))
    ?.body;
}
/** The latest version of each card copy (last update wins), by conversation. */
function latestCardText(conversationId: string): string {
  const calls = callsIn(conversationId).filter((c) => !c.failedWith);
  const updates = calls.filter((c) => c.operation === 'update');
  return visibleText((updates.at(-1) ?? calls.at(-1))?.body);
}

async function decide(user: FixtureUser, verb: 'approve' | 'deny', requestId: string, comment?: string) {
  return h.invoke(user, verb, { pimbot: verb, requestId, ...(comment !== undefined ? { comment } : {}) });
}

describe('routing', () => {
  it('each approver gets the card in their 1:1 chat, and the Approvals channel gets one that refreshes for them', async () => {
    // A bot of its own: this is Adele's first Global Administrator request through it.
    await freshBot(h);
    const requestId = await requestGlobalAdmin();
    for (const approver of [megan, nestor]) {
      const card = approvalCardFor(approver);
      expect(card, `card for ${approver.displayName}`).toBeDefined();
      const text = visibleText(card);
      expect(text).toMatch(/Adele Vance/);
      expect(text).toMatch(/Global Administrator/);
      expect(text).toMatch(/2 hours/);
      expect(text).toMatch(/conditional access change/);
      expect(text).toMatch(/CHG-1042/);
      expect(cardActions(card).find((a) => a.verb === 'approve')?.data?.requestId).toBe(requestId);
    }
    const channelPost = h.connector.calls.find(
      (c) =>
        c.operation === 'createConversation' &&
        (c.body.channelData as { channel?: { id?: string } })?.channel?.id === APPROVALS_CHANNEL,
    );
    expect(channelPost).toBeDefined();
    const channelCard = (channelPost!.body.activity as Partial<Activity>).attachments![0]!.content as {
      refresh?: { userIds?: string[] };
    };
    expect(channelCard.refresh?.userIds?.sort()).toEqual([`29:${megan.id}`, `29:${nestor.id}`].sort());
    // The shared channel copy offers no buttons to just anyone; approvers get theirs on refresh.
    expect(cardActions(channelPost!.body.activity as Partial<Activity>).some((a) => a.verb === 'approve')).toBe(false);
    // The requester is not asked to approve her own request.
    expect(approvalCardFor(adele)).toBeUndefined();
    expect(visibleText(approvalCardFor(megan))).toMatch(/First time this user asks for Global Administrator/);
  });

  it('hints flag what a reviewer should notice; "first time" only the first time', async () => {
    // A bot of its own, to which Adele asked for Global Administrator once before (the request PIM then
    // forgot, as between tests, while the bot still counts it waiting).
    await freshBot(h);
    await requestGlobalAdmin();
    h.stack.graph.loadFixture(demoTenant);
    h.connector.reset();
    await requestGlobalAdmin();
    const text = visibleText(approvalCardFor(megan));
    expect(text).toMatch(/most privileged roles/);
    expect(text).not.toMatch(/First time this user asks/);
    expect(text).toMatch(/other request(s)? waiting/);
  });

  it('"pending" shows an approver what waits for them', async () => {
    await requestGlobalAdmin();
    h.connector.reset();
    await h.say(megan, 'pending');
    const inbox = visibleText(h.connector.calls.at(-1)?.body);
    expect(inbox).toMatch(/Adele Vance/);
    expect(inbox).toMatch(/Global Administrator/);
  });
});

describe('delivery', () => {
  it('an approver the connector cannot reach gets the card when the delivery job retries; nobody gets it twice', async () => {
    // The first card into an approver's chat fails with an error botbuilder does not retry (not a 403/404,
    // which say the chat is gone for good: test/bot/removed-bot.test.ts).
    const approverChats = [megan, nestor].map((u) => h.personalConversationId(u));
    h.connector.failNext(400, 'BadArgument', (c) => approverChats.includes(c.conversationId));
    const requestId = await requestGlobalAdmin();
    const cardsFor = (u: FixtureUser) =>
      callsIn(h.personalConversationId(u)).filter(
        (c) => !c.failedWith && cardActions(c.body).some((a) => a.verb === 'approve'),
      );
    const counts = () => [megan, nestor].map((u) => cardsFor(u).length);
    expect(counts().sort()).toEqual([0, 1]);
    const channelPosts = () =>
      h.connector.calls.filter((c) => c.operation === 'createConversation' && c.body.channelData).length;
    expect(channelPosts()).toBe(1);
    // The delivery job failed and waits for its retry (on the tenant's clock).
    expect(
      h.jobs
        .scheduled()
        .filter((j) => j.id === requestId)
        .map((j) => j.type),
    ).toContain('approval.deliver');

    h.stack.clock.advance(31_000);
    await h.jobs.runDue();
    expect(counts()).toEqual([1, 1]);
    expect(channelPosts()).toBe(1);
    expect(h.jobs.scheduled().filter((j) => j.type === 'approval.deliver')).toEqual([]);
  });
});

describe('deciding', () => {
  it('approve: one decision in Graph, the requester is active, every copy shows Approved', async () => {
    const requestId = await requestGlobalAdmin();
    h.stack.graph.resetCalls();
    const { status, body } = await decide(megan, 'approve', requestId, 'CAB approved');
    // Graph calls of the approver's click, with her token: read the approval (which step is hers), decide.
    const clicks = h.stack.graph.calls().filter((c) => c.principalId === megan.id);
    expect(clicks.map((c) => c.method).sort()).toEqual(['GET', 'PATCH']);
    expect(clicks.every((c) => c.callerKind === 'user')).toBe(true);
    expect(status).toBe(200);
    // The follow-up until provisioned is a job: one app-only read of the assignment, outside her turn.
    await h.jobs.runDue();
    const followUp = h.stack.graph.calls().filter((c) => c.principalId !== megan.id);
    expect(followUp.every((c) => c.callerKind === 'app')).toBe(true);
    expect(followUp.map((c) => `${c.method} ${c.path.split('?')[0]}`)).toEqual([
      'GET /v1.0/roleManagement/directory/roleAssignmentScheduleInstances',
    ]);
    expect(JSON.stringify(body)).toMatch(/Approved/);
    expect(graphRequests().find((r) => r.id === requestId)?.status).toBe('Provisioned');
    expect(isActive(adele.id)).toBe(true);

    await h.connector.waitFor(() => /Active/.test(latestCardText(h.personalConversationId(adele))), 5_000);
    expect(latestCardText(h.personalConversationId(adele))).toMatch(/Approved by Megan Bowen/);
    expect(latestCardText(h.personalConversationId(nestor))).toMatch(/Approved/);
    expect(latestCardText(APPROVALS_CHANNEL)).toMatch(/Approved/);
    expect(h.connector.sentTexts().join('\n')).toMatch(/Megan Bowen approved your request for Global Administrator/);
    // Nestor's updated copy no longer offers the buttons.
    const nestorUpdate = callsIn(h.personalConversationId(nestor))
      .filter((c) => c.operation === 'update')
      .at(-1);
    expect(cardActions(nestorUpdate?.body).some((a) => a.verb === 'approve')).toBe(false);
  });

  it('a requester card the connector could not update after approval is updated by the retried follow-up', async () => {
    const requestId = await requestGlobalAdmin();
    const adeleChat = h.personalConversationId(adele);
    h.connector.failNext(
      404,
      'NotFound',
      (c) => c.operation === 'update' && c.conversationId === adeleChat && /Active until/.test(visibleText(c.body)),
    );
    await decide(megan, 'approve', requestId, 'CAB approved');
    expect(latestCardText(adeleChat)).not.toMatch(/Active until/);
    expect(h.jobs.scheduled().map((j) => j.type)).toContain('approval.follow');
    h.stack.clock.advance(31_000);
    await h.jobs.runDue();
    expect(latestCardText(adeleChat)).toMatch(/Active until/);
    const announced = await h.bot.requests.get(requestId);
    expect(announced === undefined || announced.status === 'active').toBe(true);
    expect(
      h.jobs
        .scheduled()
        .filter((j) => j.id === requestId)
        .map((j) => j.type),
    ).toEqual(expect.arrayContaining(['activation.end']));
    // The retry finished the card only: the expiry jobs were queued once, by the first run.
    expect(h.jobs.scheduled().filter((j) => j.id === requestId && j.type === 'activation.end')).toHaveLength(1);
  });

  it('deny needs a reason: asked again on the card, then denied with it', async () => {
    const requestId = await requestGlobalAdmin();
    const empty = await decide(nestor, 'deny', requestId, '  ');
    expect(JSON.stringify(empty.body)).toMatch(/A reason is required to deny/);
    expect(graphRequests().find((r) => r.id === requestId)?.status).toBe('PendingApproval');

    const denied = await decide(nestor, 'deny', requestId, 'no change window today');
    expect(JSON.stringify(denied.body)).toMatch(/Denied/);
    expect(graphRequests().find((r) => r.id === requestId)?.status).toBe('Denied');
    expect(isActive(adele.id)).toBe(false);
    expect(latestCardText(h.personalConversationId(adele))).toMatch(/Denied by Nestor Wilke/);
    expect(h.connector.sentTexts().join('\n')).toMatch(
      /denied your request for Global Administrator: no change window today/,
    );
  });

  it('decided elsewhere first (in the portal): the card says by whom, and nothing is sent twice', async () => {
    const requestId = await requestGlobalAdmin();
    // Nestor approves in the Entra portal (straight to Graph, not through the bot).
    const portal = await portalClient(h, nestor);
    await portal.decide('role', requestId, 'Approve', 'approved in the portal');

    const { body } = await decide(megan, 'approve', requestId);
    expect(JSON.stringify(body)).toMatch(/Already approved by Nestor Wilke/);
    // The bot read the approval first and saw it decided: only the portal's PATCH reached Graph.
    expect(h.stack.graph.calls().filter((c) => c.method === 'PATCH')).toHaveLength(1);
    expect(latestCardText(h.personalConversationId(adele))).toMatch(/Approved by Nestor Wilke/);
  });

  it('the requester cannot approve her own request', async () => {
    const requestId = await requestGlobalAdmin();
    const { body } = await decide(adele, 'approve', requestId, 'me');
    expect(JSON.stringify(body)).toMatch(/cannot approve or deny your own request/);
    expect(graphRequests().find((r) => r.id === requestId)?.status).toBe('PendingApproval');
    expect(h.stack.graph.calls().filter((c) => c.method === 'PATCH')).toEqual([]);
  });

  it('a non-approver is refused, whatever the card data claims', async () => {
    const requestId = await requestGlobalAdmin();
    const forged = await h.invoke(lee, 'approve', {
      pimbot: 'approve',
      requestId,
      approverId: megan.id,
      from: megan.id,
    });
    expect(JSON.stringify(forged.body)).toMatch(/Only the approvers of this request can decide it/);
    const unknown = await h.invoke(megan, 'approve', { pimbot: 'approve', requestId: 'not-a-request' });
    expect(JSON.stringify(unknown.body)).toMatch(/unknown to PIM Bot/);
    expect(graphRequests().find((r) => r.id === requestId)?.status).toBe('PendingApproval');
    expect(h.stack.graph.calls().filter((c) => c.method === 'PATCH')).toEqual([]);
  });

  it("tampered invokes: another request's id, a swapped requester id, are refused and change nothing", async () => {
    const gaRequest = await requestGlobalAdmin();
    await h.say(adele, 'activate security operators 1h INC-5 incident triage');
    const confirm = h.connector.calls
      .flatMap((c) => cardActions(c.body))
      .filter((a) => a.data?.pimbot === 'confirm')
      .at(-1);
    await h.submit(adele, confirm!.data!);
    const groupRequest = graphRequests().find((r) => r.groupId === demoGroups.securityOperators.id)!.id as string;
    // Nestor approves Global Administrator requests, but not this group: its id in his click is refused.
    const other = await decide(nestor, 'approve', groupRequest, 'sneaky');
    expect(JSON.stringify(other.body)).toMatch(/Only the approvers of this request can decide it/);
    // The requester swaps ids in the data: identity comes from the activity, not the data.
    const swapped = await h.invoke(adele, 'approve', {
      pimbot: 'approve',
      requestId: gaRequest,
      requesterId: lee.id,
      approverId: megan.id,
    });
    expect(JSON.stringify(swapped.body)).toMatch(/cannot approve or deny your own request/);
    expect(graphRequests().filter((r) => r.status === 'PendingApproval')).toHaveLength(2);
    expect(h.stack.graph.calls().filter((c) => c.method === 'PATCH')).toEqual([]);
  });

  it('PIM for Groups: membership approved through the group approval stage', async () => {
    await h.say(adele, 'activate security operators 1h INC-5 incident triage');
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    await h.submit(adele, confirm!.data!);
    const request = graphRequests().find((r) => r.principalId === adele.id && r.status === 'PendingApproval');
    expect(request?.groupId).toBe(demoGroups.securityOperators.id);
    expect(approvalCardFor(nestor)).toBeUndefined(); // only Megan approves this group
    const { body } = await decide(megan, 'approve', request!.id as string, 'ok');
    expect(JSON.stringify(body)).toMatch(/Approved/);
    expect(graphRequests().find((r) => r.id === request!.id)?.status).toBe('Provisioned');
  });
});

describe('replays and races', () => {
  it('repeated clicks and replays after the decision change nothing', async () => {
    const requestId = await requestGlobalAdmin();
    await decide(megan, 'approve', requestId, 'ok');
    for (let i = 0; i < 5; i++) {
      const { body } = await decide(i % 2 ? megan : nestor, i % 2 ? 'approve' : 'deny', requestId, 'late');
      expect(JSON.stringify(body)).toMatch(/Already approved by Megan Bowen/);
    }
    expect(h.stack.graph.calls().filter((c) => c.method === 'PATCH')).toHaveLength(1);
  });

  it('50 concurrent Approve clicks from two approvers: exactly one decision reaches Graph, every copy ends identical', async () => {
    const requestId = await requestGlobalAdmin();
    const sendsBefore = h.connector.calls.filter((c) => c.operation !== 'update').length;
    h.stack.graph.resetCalls();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => decide(i % 2 ? megan : nestor, 'approve', requestId, `click ${i}`)),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const patches = h.stack.graph.calls().filter((c) => c.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(graphRequests().find((r) => r.id === requestId)?.status).toBe('Provisioned');

    // Every invoke answered with the final card, and it names the one winner.
    const winners = new Set(responses.map((r) => /Approved by ([A-Za-z ]+)/.exec(JSON.stringify(r.body))?.[1]));
    expect(winners.size).toBe(1);
    // Each approver copy's last update is the same final card.
    const finals = [megan, nestor].map((u) =>
      JSON.stringify(
        callsIn(h.personalConversationId(u))
          .filter((c) => c.operation === 'update')
          .at(-1)?.body.attachments,
      ),
    );
    expect(finals[0]).toBe(finals[1]);
    // No card was posted twice: only the requester's "approved" message was sent, updates did the rest.
    const newSends = h.connector.calls.filter((c) => c.operation !== 'update').length - sendsBefore;
    expect(newSends).toBe(1);
  });
});

describe('reminders and expiry (injected clock)', () => {
  it('reminds approvers once, and at 24 hours every card shows Expired and the requester is told', async () => {
    // A bot of its own: nothing pending from the other tests.
    const main = h;
    h = await startBotHarness();
    try {
      await h.say(megan, 'help');
      await h.say(nestor, 'help');
      const requestId = await requestGlobalAdmin();
      const requestedAt = new Date(graphRequests().find((r) => r.id === requestId)!.createdDateTime as string);
      h.connector.reset();
      const at = (minutes: number) => new Date(requestedAt.getTime() + minutes * 60_000);

      const reminders = () => h.connector.sentTexts().filter((t) => /Reminder: Adele Vance is still waiting/.test(t));
      // The jobs were queued when the request was routed: reminder at 60 min, expiry at 24 h.
      expect(h.jobs.scheduled().filter((j) => j.id === requestId)).toEqual([
        { type: 'approval.remind', id: requestId, dueAt: at(60) },
        { type: 'approval.expire', id: requestId, dueAt: at(24 * 60) },
      ]);
      h.stack.clock.set(at(30));
      await h.jobs.runDue();
      expect(reminders()).toHaveLength(0);
      h.stack.clock.set(at(61));
      await h.jobs.runDue();
      expect(reminders()).toHaveLength(2); // one per approver
      h.stack.clock.set(at(62));
      await h.jobs.runDue();
      expect(reminders()).toHaveLength(2); // once

      h.stack.clock.set(at(24 * 60 + 1));
      await h.jobs.runDue();
      expect(latestCardText(h.personalConversationId(megan))).toMatch(/Expired/);
      expect(latestCardText(h.personalConversationId(adele))).toMatch(/Expired/);
      expect(h.connector.sentTexts().join('\n')).toMatch(/within 24 hours, so it expired/);
      const late = await decide(megan, 'approve', requestId, 'too late');
      expect(JSON.stringify(late.body)).toMatch(/expired/i);
      expect(h.stack.graph.calls().filter((c) => c.method === 'PATCH')).toEqual([]);
      expect(h.violations, h.contractReport()).toEqual([]);
    } finally {
      await h.close();
      h = main;
    }
  });
});

describe('escalation and timers after an upgrade', () => {
  const FALLBACK = '19:fallback@thread.tacv2';

  it('escalates once to the fallback channel; a post that fails is retried by the job', async () => {
    const main = h;
    h = await startBotHarness({ FALLBACK_APPROVALS_CHANNEL_ID: FALLBACK, APPROVAL_ESCALATION_MINUTES: '120' });
    try {
      await h.say(megan, 'help');
      const requestId = await requestGlobalAdmin();
      const requestedAt = new Date(graphRequests().find((r) => r.id === requestId)!.createdDateTime as string);
      const toFallback = () =>
        h.connector.calls.filter(
          (c) =>
            c.operation === 'createConversation' &&
            !c.failedWith &&
            (c.body.channelData as { channel?: { id?: string } })?.channel?.id === FALLBACK,
        );
      h.connector.failNext(
        404,
        'ChannelNotFound',
        (c) =>
          c.operation === 'createConversation' &&
          (c.body.channelData as { channel?: { id?: string } })?.channel?.id === FALLBACK,
      );
      h.stack.clock.set(new Date(requestedAt.getTime() + 121 * 60_000));
      await h.jobs.runDue();
      expect(toFallback()).toHaveLength(0);
      h.stack.clock.advance(31_000);
      await h.jobs.runDue();
      expect(toFallback()).toHaveLength(1);
      expect(visibleText(toFallback()[0]!.body.activity as Partial<Activity>)).toMatch(/Global Administrator/);
      h.stack.clock.advance(31_000);
      await h.jobs.runDue();
      expect(toFallback()).toHaveLength(1);
    } finally {
      await h.close();
      h = main;
    }
  });

  it('at start-up, pending requests whose timers were never queued (the instance stopped first) get them, once', async () => {
    const storage = new MemoryStorage();
    const legacy = new PimRequestStore(storage);
    const requestedAt = new Date();
    await legacy.create(
      newRequest({
        id: 'legacy-request-1',
        target: {
          kind: 'role',
          roleDefinitionId: demoRoles.globalAdministrator,
          directoryScopeId: '/',
          displayName: 'Global Administrator',
        },
        requester: { aadObjectId: adele.id, name: adele.displayName },
        durationMinutes: 60,
        requestedAt: requestedAt.toISOString(),
        status: 'pendingApproval',
        approval: {
          approvalId: 'legacy-request-1',
          approvers: [{ aadObjectId: megan.id, name: megan.displayName }],
          hints: [],
          copies: [],
        },
      }),
    );
    // One PIM answered PendingApproval for, but whose routing failed (no approvers known): no timers for it,
    // so nobody is told at 24 hours that "nobody approved" a request its approvers may well have decided.
    await legacy.create(
      newRequest({
        id: 'unrouted-request-1',
        target: {
          kind: 'role',
          roleDefinitionId: demoRoles.globalAdministrator,
          directoryScopeId: '/',
          displayName: 'Global Administrator',
        },
        requester: { aadObjectId: adele.id, name: adele.displayName },
        durationMinutes: 60,
        requestedAt: requestedAt.toISOString(),
        status: 'pendingApproval',
      }),
    );
    const main = h;
    h = await startBotHarness({}, { storage });
    try {
      await expect.poll(() => h.jobs.scheduled().filter((j) => j.id === 'legacy-request-1').length).toBe(2);
      expect(h.jobs.scheduled().filter((j) => j.id === 'unrouted-request-1')).toEqual([]);
      expect(
        h.jobs
          .scheduled()
          .filter((j) => j.id === 'legacy-request-1')
          .map((j) => j.type)
          .sort(),
      ).toEqual(['approval.expire', 'approval.remind']);
      expect(await h.bot.approvals.resume()).toBe(0);
    } finally {
      await h.close();
      h = main;
    }
  });
});
