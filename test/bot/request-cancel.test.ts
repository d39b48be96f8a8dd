import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { cardActions, visibleText } from '../support/bot-harness';
import { useBotHarness } from '../support/use-bot-harness';
import { submitPendingRequest } from '../support/pending-request';

/**
 * The requester withdraws a request waiting for approval from Teams: "Cancel request" on their waiting
 * card (Action.Execute) or typed ("cancel request", "cancel <role>"). PIM's cancel action runs with the
 * requester's own token; every approver copy then says "Cancelled by the requester" without buttons.
 * Nobody else may cancel it. The Graph simulator is the judge of what PIM did.
 */

const { requester: adele, approver: megan, secondApprover: nestor, noAccess: lee } = demoUsers;
const APPROVALS_CHANNEL = '19:approvals@thread.tacv2';
const h = useBotHarness({
  config: { APPROVALS_CHANNELS: JSON.stringify({ 'Global Administrator': APPROVALS_CHANNEL }) },
  knownUsers: [megan, nestor],
});

const pimStatus = (id: string) => h.stack.graph.snapshot().requests.find((r) => r.id === id)?.status;
const cancelCalls = () => h.stack.graph.calls().filter((c) => c.method === 'POST' && /\/cancel$/.test(c.path));

const requestGlobalAdmin = () =>
  submitPendingRequest(h, adele, 'activate Global Administrator 2h CHG-1042 conditional access change');

/** The requester's waiting status card (the last card sent to her chat) and its Cancel request button. */
function waitingCard(): { text: string; cancel: Record<string, unknown> | undefined } {
  const chat = h.personalConversationId(adele);
  const card = h.connector.calls.filter((c) => c.conversationId === chat && c.body.attachments?.length).at(-1)?.body;
  return { text: visibleText(card), cancel: cardActions(card).find((a) => a.verb === 'cancelRequest')?.data };
}

/** Each approver copy as last updated (or as posted): its text and its Approve/Deny buttons. */
async function approverCopies(requestId: string): Promise<Array<{ text: string; buttons: string[] }>> {
  const request = await h.bot.requests.get(requestId);
  return (request?.approval?.copies ?? []).map((copy) => {
    const update = h.connector.calls
      .filter((c) => c.operation === 'update' && c.activityId === copy.message.activityId)
      .at(-1);
    const body = update?.body as Partial<Activity> | undefined;
    return {
      text: update ? visibleText(body) : '(never updated)',
      buttons: cardActions(body)
        .map((a) => String(a.verb ?? ''))
        .filter((v) => v === 'approve' || v === 'deny'),
    };
  });
}

async function clickCancel(user: FixtureUser, data: Record<string, unknown>) {
  const res = await h.invoke(user, 'cancelRequest', data);
  expect(res.status).toBe(200);
  return visibleText({
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', content: (res.body as { value: unknown }).value },
    ],
  });
}

describe('cancel from the waiting card', () => {
  it('the requester clicks Cancel request: PIM cancels, every approver copy says so without buttons, no reminder', async () => {
    const requestId = await requestGlobalAdmin();
    const { text, cancel } = waitingCard();
    expect(text).toMatch(/Waiting for approval|Waiting for/);
    expect(cancel).toEqual({ pimbot: 'cancelRequest', requestId });

    const answer = await clickCancel(adele, cancel!);
    expect(answer).toMatch(/Request cancelled/);
    expect(pimStatus(requestId)).toBe('Canceled');
    expect(cancelCalls()).toHaveLength(1);
    expect(cancelCalls()[0]!.principalId).toBe(adele.id); // her own delegated token
    const copies = await approverCopies(requestId);
    expect(copies).toHaveLength(3); // Megan, Nestor, the approvals channel
    for (const copy of copies) {
      expect(copy.text).toMatch(/Cancelled by the requester/);
      expect(copy.buttons).toEqual([]);
    }
    // Reminder time: nobody is reminded of a cancelled request.
    const requestedAt = Date.parse((await h.bot.requests.get(requestId))!.requestedAt);
    h.stack.clock.set(new Date(requestedAt + 61 * 60_000));
    await h.jobs.runDue();
    expect(h.connector.sentTexts().filter((t) => /Reminder:/.test(t))).toEqual([]);
  });

  it('a second click is idempotent: the same card, and PIM is asked once', async () => {
    const requestId = await requestGlobalAdmin();
    const { cancel } = waitingCard();
    await clickCancel(adele, cancel!);
    const again = await clickCancel(adele, cancel!);
    expect(again).toMatch(/Request cancelled/);
    expect(cancelCalls()).toHaveLength(1);
    expect(pimStatus(requestId)).toBe('Canceled');
  });

  it('refused for anyone else (an approver, a stranger): nothing reaches PIM and the request still waits', async () => {
    const requestId = await requestGlobalAdmin();
    const { cancel } = waitingCard();
    for (const someone of [megan, lee]) {
      const answer = await clickCancel(someone, cancel!);
      expect(answer, someone.displayName).toMatch(/Only the person who asked for this request can cancel it/);
    }
    console.log(
      `cancel by someone other than the requester: 2 clicks (an approver, a stranger), ${cancelCalls().length} reached PIM, request ${pimStatus(requestId)}`,
    );
    expect(cancelCalls()).toEqual([]);
    expect(pimStatus(requestId)).toBe('PendingApproval');
    expect((await h.bot.requests.get(requestId))?.status).toBe('pendingApproval');
    // Cleanup for the next test: Adele withdraws it.
    await clickCancel(adele, cancel!);
  });

  it('already decided in PIM before the click: the card shows the decision, not a cancel', async () => {
    const requestId = await requestGlobalAdmin();
    const { cancel } = waitingCard();
    const res = await fetch(`${h.stack.graph.url}/_sim/requests/${requestId}/decision`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ approverId: nestor.id, reviewResult: 'Deny', justification: 'no change window' }),
    });
    expect(res.status).toBe(204);
    const answer = await clickCancel(adele, cancel!);
    expect(answer).toMatch(/Denied/);
    expect(pimStatus(requestId)).toBe('Denied');
  });
});

describe('cancel typed in chat', () => {
  it('"cancel request" cancels the one waiting request', async () => {
    const requestId = await requestGlobalAdmin();
    h.connector.reset();
    await h.say(adele, 'cancel request');
    expect(pimStatus(requestId)).toBe('Canceled');
    expect(visibleText(h.connector.calls.at(-1)?.body)).toMatch(/Request cancelled/);
    for (const copy of await approverCopies(requestId)) expect(copy.text).toMatch(/Cancelled by the requester/);
  });

  it('"cancel Global Administrator" names it; with nothing waiting the bot says so', async () => {
    const requestId = await requestGlobalAdmin();
    await h.say(adele, 'cancel Exchange Administrator');
    expect(h.connector.sentTexts().at(-1)).toMatch(/no request for that role or group waiting/);
    expect(pimStatus(requestId)).toBe('PendingApproval');
    await h.say(adele, 'cancel my request for Global Administrator');
    expect(pimStatus(requestId)).toBe('Canceled');
    await h.say(adele, 'cancel request');
    expect(h.connector.sentTexts().at(-1)).toMatch(/no request waiting for approval/);
  });

  it('someone else typing "cancel request" cancels nothing of the requester', async () => {
    const requestId = await requestGlobalAdmin();
    await h.say(megan, 'cancel request');
    expect(h.connector.sentTexts().at(-1)).toMatch(/no request waiting for approval/);
    expect(pimStatus(requestId)).toBe('PendingApproval');
    await h.say(adele, 'cancel request');
    expect(pimStatus(requestId)).toBe('Canceled');
  });
});
