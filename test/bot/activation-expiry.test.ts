import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { demoRoles, demoUsers } from '../../simulators/tenant/demo-tenant';
import { formatLocalTime } from '../../src/shared/local-time';
import { cardActions, visibleText } from '../support/bot-harness';
import { useBotHarness } from '../support/use-bot-harness';

/**
 * The end of an activation, through the real bot: a warning card before it ends (Deactivate now /
 * Activate again), and the requester's status card turned Expired (or Deactivated) in place. Both are
 * jobs scheduled when the activation starts, run on the simulated tenant's clock.
 */

const { requester: adele, approver: megan } = demoUsers;
const WARNING_MINUTES = 15;
// A bot per test: jobs one test queues for later (an activation queued to follow another) never reach the next.
const h = useBotHarness({ config: { EXPIRY_WARNING_MINUTES: String(WARNING_MINUTES) }, botPerTest: true });

function inAdeleChat() {
  return h.connector.calls.filter((c) => c.conversationId.startsWith(h.personalConversationId(adele)));
}
/** Activates Exchange Administrator for 2 hours; returns the request id, its end, and the status card's id. */
async function activateExchange(): Promise<{ requestId: string; end: Date; statusId: string }> {
  await h.say(adele, 'activate Exchange Administrator 2h INC-42 fix mailbox rules');
  const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
  expect(confirm).toBeDefined();
  await h.submit(adele, confirm!.data!);
  const request = h.stack.graph
    .snapshot()
    .requests.find((r) => r.principalId === adele.id && r.action === 'selfActivate' && r.status === 'Provisioned');
  const activation = h.stack.graph
    .snapshot()
    .activations.find((a) => a.principalId === adele.id && a.isActive === true);
  const statusUpdate = inAdeleChat()
    .filter((c) => c.operation === 'update')
    .at(-1);
  expect(visibleText(statusUpdate?.body)).toMatch(/Active/);
  return {
    requestId: request!.id as string,
    end: new Date(activation!.endDateTime as string),
    statusId: statusUpdate!.activityId!,
  };
}
const warnings = () => inAdeleChat().filter((c) => c.operation !== 'update' && /Ends in/.test(visibleText(c.body)));
const statusCardNow = (statusId: string) =>
  inAdeleChat()
    .filter((c) => c.operation === 'update' && c.activityId === statusId)
    .at(-1)?.body as Partial<Activity> | undefined;
const isActive = () =>
  h.stack.graph.snapshot().activations.some((a) => a.principalId === adele.id && a.isActive === true);

describe('expiry warning', () => {
  it(`${WARNING_MINUTES} minutes before the end, one warning card with Deactivate now and Activate again`, async () => {
    const { requestId, end } = await activateExchange();
    const warnAt = new Date(end.getTime() - WARNING_MINUTES * 60_000);
    expect(h.jobs.scheduled().filter((j) => j.id === requestId)).toEqual([
      { type: 'activation.warn', id: requestId, dueAt: warnAt },
      { type: 'activation.end', id: requestId, dueAt: end },
    ]);

    h.stack.clock.set(new Date(warnAt.getTime() - 60_000));
    await h.jobs.runDue();
    expect(warnings()).toHaveLength(0);

    h.stack.clock.set(warnAt);
    await h.jobs.runDue();
    expect(warnings()).toHaveLength(1);
    const warning = warnings()[0]!.body;
    const text = visibleText(warning);
    expect(text).toMatch(new RegExp(`Ends in ${WARNING_MINUTES} minutes`));
    expect(text).toMatch(/Exchange Administrator/);
    expect(text).toContain(formatLocalTime(end, 'Europe/Berlin', 'en-GB', warnAt));
    expect(text).toMatch(/fix mailbox rules/);
    const key = `role:${demoRoles.exchangeAdministrator}:/`;
    expect(cardActions(warning)).toEqual([
      expect.objectContaining({
        type: 'Action.Execute',
        title: 'Deactivate now',
        verb: 'deactivate',
        data: { pimbot: 'deactivate', target: key },
      }),
      expect.objectContaining({
        type: 'Action.Submit',
        title: 'Activate again',
        data: { pimbot: 'activateAgain', requestId },
      }),
    ]);

    // A second run of the same job (at-least-once delivery) sends nothing more.
    await h.bot.lifecycle.jobHandlers()['activation.warn']!({
      type: 'activation.warn',
      id: requestId,
      payload: { end: end.toISOString() },
      attempt: 2,
    });
    expect(warnings()).toHaveLength(1);
  });

  it('"Deactivate now" on the warning deactivates, and the status card says Deactivated at once', async () => {
    const { end, statusId } = await activateExchange();
    h.stack.clock.set(new Date(end.getTime() - WARNING_MINUTES * 60_000));
    await h.jobs.runDue();
    const deactivate = cardActions(warnings()[0]?.body).find((a) => a.verb === 'deactivate');
    const { status, body } = await h.invoke(adele, 'deactivate', deactivate!.data!);
    expect(status).toBe(200);
    expect(JSON.stringify(body)).toMatch(/Deactivated/);
    expect(isActive()).toBe(false);
    const statusText = visibleText(statusCardNow(statusId));
    expect(statusText).toMatch(/Deactivated/);
    expect(cardActions(statusCardNow(statusId)).map((a) => a.title)).toEqual(['Activate again']);

    // At the planned end nothing changes any more.
    const updates = inAdeleChat().length;
    h.stack.clock.set(new Date(end.getTime() + 60_000));
    await h.jobs.runDue();
    expect(inAdeleChat().length - updates).toBeLessThanOrEqual(1); // at most the same card re-sent in place
    expect(visibleText(statusCardNow(statusId))).toMatch(/Deactivated/);
  });

  it('typing "deactivate" turns the status card Deactivated, and no warning follows', async () => {
    const { end, statusId } = await activateExchange();
    h.stack.clock.advance(6 * 60_000);
    await h.say(adele, 'deactivate exchange');
    expect(visibleText(statusCardNow(statusId))).toMatch(/Deactivated/);
    h.stack.clock.set(new Date(end.getTime() + 60_000));
    await h.jobs.runDue();
    expect(warnings()).toHaveLength(0);
  });
});

describe('activating again before the end', () => {
  /** Warns, then clicks Activate again on the warning while the role is still active. */
  async function activateAgainWhileActive() {
    const activated = await activateExchange();
    const warnAt = new Date(activated.end.getTime() - WARNING_MINUTES * 60_000);
    h.stack.clock.set(warnAt);
    await h.jobs.runDue();
    const again = cardActions(warnings()[0]?.body).find((a) => a.title === 'Activate again');
    expect(again?.data).toEqual({ pimbot: 'activateAgain', requestId: activated.requestId });
    h.connector.reset();
    await h.submit(adele, again!.data!);
    const queuedCard = inAdeleChat().find((c) => /Activates again/.test(visibleText(c.body)));
    expect(queuedCard).toBeDefined();
    return { ...activated, warnAt, queuedCard: queuedCard! };
  }
  const adeleRequests = () =>
    h.stack.graph.snapshot().requests.filter((r) => r.principalId === adele.id && r.action === 'selfActivate');

  it('"Activate again" while active queues the same request for when it ends, and says when', async () => {
    const { end, warnAt, queuedCard, requestId } = await activateAgainWhileActive();
    const text = visibleText(queuedCard.body);
    const endsAt = formatLocalTime(end, 'Europe/Berlin', 'en-GB', warnAt);
    expect(text).toContain(`Your Exchange Administrator will be activated again at ${endsAt} for 2 hours.`);
    expect(text).toMatch(/PIM cannot extend a running activation/);
    expect(text).not.toMatch(/How long/);
    expect(cardActions(queuedCard.body)).toEqual([
      expect.objectContaining({ type: 'Action.Execute', title: 'Cancel', data: { pimbot: 'cancelQueued', requestId } }),
    ]);
    // Nothing goes to PIM before the end (PIM would answer RoleAssignmentExists).
    expect(adeleRequests()).toHaveLength(1);
    expect(h.jobs.scheduled().filter((j) => j.type === 'activation.again')).toEqual([
      { type: 'activation.again', id: requestId, dueAt: new Date(end) },
    ]);
    await h.invoke(adele, 'cancelQueued', { pimbot: 'cancelQueued', requestId }); // leaves nothing queued
  });

  it('at the end, a new selfActivate starting at the old end, with the same justification and ticket, and a new status card', async () => {
    const { end, queuedCard } = await activateAgainWhileActive();
    h.stack.clock.set(end);
    await h.jobs.runDue();
    const requests = adeleRequests();
    expect(requests).toHaveLength(2);
    const next = requests.find((r) => r.id !== requests[0]!.id)!;
    const scheduleInfo = next.scheduleInfo as { startDateTime: string; expiration: { duration: string } };
    expect(new Date(scheduleInfo.startDateTime).getTime()).toBe(end.getTime());
    expect(scheduleInfo.expiration.duration).toBe('PT2H');
    expect(next.justification).toBe('fix mailbox rules');
    expect((next.ticketInfo as { ticketNumber: string }).ticketNumber).toBe('INC-42');
    expect(isActive()).toBe(true);
    // The queued card says it was requested; the new request has its own status card, Active.
    const queuedNow = inAdeleChat()
      .filter((c) => c.operation === 'update' && c.activityId === queuedCard.answeredId)
      .at(-1);
    expect(visibleText(queuedNow?.body)).toMatch(/Requested again/);
    expect(cardActions(queuedNow?.body)).toEqual([]);
    const statusCards = inAdeleChat().filter((c) => c.operation !== 'update' && /Active/.test(visibleText(c.body)));
    expect(statusCards.map((c) => visibleText(c.body)).join('\n')).toMatch(/Exchange Administrator/);

    // At least once delivery: running the job again submits nothing more.
    await h.jobs.at(end, { type: 'activation.again', id: requests[0]!.id as string, payload: {} });
    await h.jobs.runDue();
    expect(adeleRequests()).toHaveLength(2);
  });

  it('Cancel on the queued card: nothing is requested at the end', async () => {
    const { end, requestId } = await activateAgainWhileActive();
    const { status, body } = await h.invoke(adele, 'cancelQueued', { pimbot: 'cancelQueued', requestId });
    expect(status).toBe(200);
    expect(JSON.stringify(body)).toMatch(/Canceled: your Exchange Administrator ends at/);
    h.stack.clock.set(new Date(end.getTime() + 1_000));
    await h.jobs.runDue();
    expect(adeleRequests()).toHaveLength(1);
    expect(isActive()).toBe(false);
  });

  it("someone else cannot queue or cancel another person's activation", async () => {
    const { requestId } = await activateAgainWhileActive();
    h.connector.reset();
    await h.submit(megan, { pimbot: 'activateAgain', requestId });
    expect(h.connector.calls.map((c) => visibleText(c.body)).join('\n')).toMatch(
      /unknown to PIM Bot, or it is not yours/,
    );
    const { body } = await h.invoke(megan, 'cancelQueued', { pimbot: 'cancelQueued', requestId });
    expect(JSON.stringify(body)).toMatch(/not yours/);
    const { body: own } = await h.invoke(adele, 'cancelQueued', { pimbot: 'cancelQueued', requestId });
    expect(JSON.stringify(own)).toMatch(/Canceled/); // still queued after Megan's clicks; now canceled
  });

  it('Activate on the roles list while it is active: no dead end, Activate again at its end or Deactivate now', async () => {
    const { end, requestId } = await activateExchange();
    const key = `role:${demoRoles.exchangeAdministrator}:/`;
    h.connector.reset();
    await h.submit(adele, { pimbot: 'activate', target: key });
    const offer = inAdeleChat().find((c) => /Still active until/.test(visibleText(c.body)));
    const endsAt = formatLocalTime(end, 'Europe/Berlin', 'en-GB', h.stack.clock.now());
    expect(visibleText(offer?.body)).toContain(`Your Exchange Administrator is active until ${endsAt}.`);
    expect(visibleText(offer?.body)).not.toMatch(/How long/);
    expect(cardActions(offer?.body)).toEqual([
      expect.objectContaining({
        type: 'Action.Submit',
        title: `Activate again at ${endsAt}`,
        data: { pimbot: 'activateAgain', requestId },
      }),
      expect.objectContaining({
        type: 'Action.Execute',
        verb: 'deactivate',
        data: { pimbot: 'deactivate', target: key },
      }),
    ]);
    await h.submit(adele, cardActions(offer?.body)[0]!.data!);
    expect(inAdeleChat().some((c) => /Activates again at/.test(visibleText(c.body)))).toBe(true);
    await h.invoke(adele, 'cancelQueued', { pimbot: 'cancelQueued', requestId }); // leaves nothing queued
  });

  it('PIM cannot extend a running activation: the bot says so and what to do instead', async () => {
    await activateExchange();
    h.connector.reset();
    await h.say(adele, 'activate Exchange Administrator 1h INC-43 more mailbox work');
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    await h.submit(adele, confirm!.data!);
    const text = h.connector.calls.map((c) => visibleText(c.body)).join('\n');
    expect(text).toMatch(/Exchange Administrator is already active for you/);
    expect(text).toMatch(/PIM cannot extend a running activation: ask again once it ends, or deactivate it first/);
  });
});

describe('expired', () => {
  it('at the end the status card turns Expired in place, with Activate again that starts a new request', async () => {
    const { end, statusId } = await activateExchange();
    h.stack.clock.set(new Date(end.getTime() + 1_000));
    await h.jobs.runDue();
    expect(isActive()).toBe(false);
    const card = statusCardNow(statusId);
    expect(visibleText(card)).toMatch(/Expired/);
    expect(visibleText(card)).toMatch(/Ended/);
    expect(visibleText(card)).not.toMatch(/Deactivate now/);
    const again = cardActions(card).find((a) => a.title === 'Activate again');
    expect(again?.data).toEqual({ pimbot: 'activateAgain', requestId: expect.any(String) });

    // Prefilled: the same role, duration, justification and ticket, straight to the confirmation.
    h.connector.reset();
    await h.submit(adele, again!.data!);
    const asked = h.connector.calls.map((c) => visibleText(c.body)).join('\n');
    expect(asked).not.toMatch(/how long/i);
    expect(asked).toMatch(/Exchange Administrator/);
    expect(asked).toMatch(/2 hours/);
    expect(asked).toMatch(/INC-42/);
    expect(asked).toMatch(/fix mailbox rules/);
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    expect(confirm).toBeDefined();
    // Nothing reaches PIM until the user confirms.
    expect(
      h.stack.graph.snapshot().requests.filter((r) => r.principalId === adele.id && r.action === 'selfActivate'),
    ).toHaveLength(1);
    await h.submit(adele, confirm!.data!);
    expect(isActive()).toBe(true);
  });

  it('an approved activation gets the warning and the Expired card too', async () => {
    await h.say(megan, 'help');
    await h.say(adele, 'activate Global Administrator 2h CHG-1042 conditional access change');
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    await h.submit(adele, confirm!.data!);
    const requestId = h.stack.graph
      .snapshot()
      .requests.find((r) => r.principalId === adele.id && r.status === 'PendingApproval')!.id as string;
    const statusId = inAdeleChat().find((c) => /Waiting for approval/.test(visibleText(c.body)))?.answeredId;
    expect(statusId).toBeDefined();
    await h.invoke(megan, 'approve', { pimbot: 'approve', requestId, comment: 'ok' });
    await h.jobs.runDue(); // the follow-up until provisioned
    expect(visibleText(statusCardNow(statusId!))).toMatch(/Active/);
    const jobs = h.jobs.scheduled().filter((j) => j.id === requestId && j.type.startsWith('activation.'));
    expect(jobs.map((j) => j.type)).toEqual(['activation.warn', 'activation.end']);

    h.stack.clock.set(jobs[0]!.dueAt);
    await h.jobs.runDue();
    expect(warnings().map((w) => visibleText(w.body))).toEqual([expect.stringMatching(/Global Administrator/)]);
    h.stack.clock.set(new Date(jobs[1]!.dueAt.getTime() + 1_000));
    await h.jobs.runDue();
    expect(visibleText(statusCardNow(statusId!))).toMatch(/Expired/);
  });
});
