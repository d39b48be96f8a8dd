import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { demoGroups, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { PimRequest } from '../../src/requests/pim-request';
import { cardActions, visibleText } from '../support/bot-harness';
import { useBotHarness } from '../support/use-bot-harness';
import { submitPendingRequest } from '../support/pending-request';

/**
 * PIM is the source of truth: what happens to a request outside Teams (an approver decides in the portal,
 * the requester cancels there, PIM's own 24 h expiry) reaches every Teams copy through the reconciliation
 * job, reading PIM app-only every 15 s while requests wait, and the reminders stop. The Graph simulator's
 * portal controls (/_sim/requests/{id}/decision|cancel) stand for the portal.
 */

const { requester: adele, approver: megan, secondApprover: nestor } = demoUsers;
const APPROVALS_CHANNEL = '19:approvals@thread.tacv2';
/** The bot reads PIM every 15 s while requests wait (approval-reconciler.ts). */
const RECONCILE_MS = 15_000;
const h = useBotHarness({
  config: { APPROVALS_CHANNELS: JSON.stringify({ 'Global Administrator': APPROVALS_CHANNEL }) },
  knownUsers: [megan, nestor],
});

async function portal(path: string, body?: unknown): Promise<number> {
  const res = await fetch(`${h.stack.graph.url}${path}`, {
    method: 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await res.text();
  return res.status;
}

const requestGlobalAdmin = () =>
  submitPendingRequest(h, adele, 'activate Global Administrator 2h CHG-1042 conditional access change');

async function tracked(requestId: string): Promise<PimRequest> {
  const request = await h.bot.requests.get(requestId);
  expect(request).toBeDefined();
  return request!;
}

/** The last content each Teams copy of the request was updated to, by copy. */
async function copiesText(requestId: string): Promise<Record<string, { text: string; buttons: string[] }>> {
  const request = await tracked(requestId);
  const copies = [
    ...(request.approval?.copies ?? []).map((c) => ({
      name: c.audience === 'channel' ? `channel ${c.channelId}` : `approver ${c.userAadObjectId}`,
      activityId: c.message.activityId,
    })),
    { name: 'requester', activityId: request.chat?.statusMessageId ?? '' },
  ];
  const out: Record<string, { text: string; buttons: string[] }> = {};
  for (const copy of copies) {
    const update = h.connector.calls.filter((c) => c.operation === 'update' && c.activityId === copy.activityId).at(-1);
    const body = update?.body as Partial<Activity> | undefined;
    out[copy.name] = { text: update ? visibleText(body) : '(never updated)', buttons: decisionButtons(body) };
  }
  return out;
}

/** Approve / Deny (and Cancel request) buttons on a card; the approval card's refresh is not a button. */
function decisionButtons(body: Partial<Activity> | undefined): string[] {
  return cardActions(body)
    .map((a) => String(a.verb ?? a.data?.pimbot ?? ''))
    .filter((v) => v !== 'refreshApproval');
}

const reminders = () => h.connector.sentTexts().filter((t) => /Reminder: .* is still waiting/.test(t));

/** Moves the tenant's clock and runs what became due (the reconciliation among it). */
async function elapse(ms: number): Promise<void> {
  h.stack.clock.advance(ms);
  await h.jobs.runDue();
}

describe('a decision made in the portal', () => {
  it('approved in the portal: every copy says Approved within one reconciliation, the requester card turns Active, no reminder follows', async () => {
    const requestId = await requestGlobalAdmin();
    const requestedAt = Date.parse((await tracked(requestId)).requestedAt);
    expect(
      await portal(`/_sim/requests/${requestId}/decision`, {
        approverId: nestor.id,
        reviewResult: 'Approve',
        justification: 'CAB approved',
      }),
    ).toBe(204);
    const decidedAt = h.stack.clock.now().getTime();
    await elapse(RECONCILE_MS + 1000);
    const record = await tracked(requestId);
    expect(['approved', 'active']).toContain(record.status);
    const copies = await copiesText(requestId);
    // Two approvers' 1:1 chats, the approvals channel, the requester's status card.
    expect(Object.keys(copies)).toHaveLength(4);
    for (const [name, copy] of Object.entries(copies)) {
      if (name === 'requester') continue;
      expect(copy.text, name).toMatch(/Approved/);
      expect(copy.buttons, name).not.toContain('approve');
      expect(copy.buttons, name).not.toContain('deny');
    }
    // The follow-up saw PIM provision it: the requester's card says until when.
    await elapse(5_000);
    expect((await copiesText(requestId)).requester.text).toMatch(/Active until/);
    const latencyS = (h.stack.clock.now().getTime() - decidedAt) / 1000;
    console.log(
      `portal approval → every Teams copy updated within ${RECONCILE_MS / 1000 + 1} s of tenant time (requester Active after ${latencyS} s)`,
    );
    // The reminder time passes: nobody is reminded of a request PIM already approved.
    h.stack.clock.set(new Date(requestedAt + 61 * 60_000));
    await h.jobs.runDue();
    expect(reminders()).toEqual([]);
    // Nor does PIM's 24 h turn the approval into "Expired" (the requester's card may say the 2 h
    // activation itself ended by then; that is its own end, not the approval's).
    h.stack.clock.set(new Date(requestedAt + 24 * 3_600_000 + 60_000));
    await h.jobs.runDue();
    for (const [name, copy] of Object.entries(await copiesText(requestId))) {
      if (name !== 'requester') expect(copy.text, name).not.toMatch(/Expired/);
      expect(copy.text, name).not.toMatch(/Nobody decided/);
    }
    expect(h.connector.sentTexts().join('\n')).not.toMatch(/so it expired/);
  });

  it('denied in the portal: every copy says Denied, the requester is told, no buttons left', async () => {
    const requestId = await requestGlobalAdmin();
    const body = { approverId: megan.id, reviewResult: 'Deny', justification: 'not in the change window' };
    expect(await portal(`/_sim/requests/${requestId}/decision`, body)).toBe(204);
    await elapse(RECONCILE_MS + 1000);
    expect((await tracked(requestId)).status).toBe('denied');
    for (const [name, copy] of Object.entries(await copiesText(requestId))) {
      expect(copy.text, name).toMatch(/Denied/);
      expect(copy.buttons, name).toEqual([]);
    }
    // App-only reads cannot see who decided in the portal: the sentence names the place, with a capital.
    expect(h.connector.sentTexts().join('\n')).toMatch(
      /^An approver outside Teams denied your request for Global Administrator/m,
    );
  });

  it('approved in the portal just before the bot would let it expire: it shows Approved, never Expired', async () => {
    const requestId = await requestGlobalAdmin();
    const requestedAt = Date.parse((await tracked(requestId)).requestedAt);
    // The approval lands a minute before the deadline and nothing ran in between (instances down):
    // the expiry job comes due with the reconciliation, and asks PIM first.
    h.stack.clock.set(new Date(requestedAt + 24 * 3_600_000 - 60_000));
    expect(
      await portal(`/_sim/requests/${requestId}/decision`, {
        approverId: nestor.id,
        reviewResult: 'Approve',
        justification: 'CAB approved',
      }),
    ).toBe(204);
    await elapse(2 * 60_000);
    expect(['approved', 'active']).toContain((await tracked(requestId)).status);
    for (const [name, copy] of Object.entries(await copiesText(requestId))) {
      expect(copy.text, name).not.toMatch(/Expired/);
      if (name !== 'requester') expect(copy.text, name).toMatch(/Approved/);
    }
    expect(h.connector.sentTexts().join('\n')).not.toMatch(/so it expired/);
  });
});

describe('PIM for Groups', () => {
  it('a group membership approved in the portal: its copies say Approved (read per group, as Graph requires)', async () => {
    await h.say(adele, 'activate security operators 1h INC-5 incident triage');
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    await h.submit(adele, confirm!.data!);
    const request = h.stack.graph
      .snapshot()
      .requests.find((r) => r.principalId === adele.id && r.status === 'PendingApproval');
    expect(request?.groupId).toBe(demoGroups.securityOperators.id);
    const requestId = request!.id as string;
    const body = { approverId: megan.id, reviewResult: 'Approve', justification: 'triage ok' };
    expect(await portal(`/_sim/requests/${requestId}/decision`, body)).toBe(204);
    h.stack.graph.resetCalls();
    await elapse(RECONCILE_MS + 1000);
    expect(['approved', 'active']).toContain((await tracked(requestId)).status);
    for (const [name, copy] of Object.entries(await copiesText(requestId))) {
      if (name !== 'requester') expect(copy.text, name).toMatch(/Approved/);
    }
    const groupReads = h.stack.graph
      .calls()
      .filter((c) => c.callerKind === 'app' && decodeURIComponent(c.path).includes('group/assignmentScheduleRequests'));
    expect(groupReads.length).toBeGreaterThan(0);
    expect(
      groupReads.every((c) => decodeURIComponent(c.path).includes(`groupId eq '${demoGroups.securityOperators.id}'`)),
    ).toBe(true);
  });
});

describe('cancelled by the requester in the portal, and PIM expiry', () => {
  it('cancelled in the portal: every approver copy says Cancelled by the requester, buttons gone, no reminder', async () => {
    const requestId = await requestGlobalAdmin();
    const requestedAt = Date.parse((await tracked(requestId)).requestedAt);
    expect(await portal(`/_sim/requests/${requestId}/cancel`)).toBe(204);
    await elapse(RECONCILE_MS + 1000);
    expect((await tracked(requestId)).status).toBe('canceled');
    const copies = await copiesText(requestId);
    for (const [name, copy] of Object.entries(copies)) {
      if (name !== 'requester') expect(copy.text, name).toMatch(/Cancelled by the requester/);
      expect(copy.buttons, name).toEqual([]);
    }
    expect(copies.requester.text).toMatch(/cancel/i);
    h.stack.clock.set(new Date(requestedAt + 61 * 60_000));
    await h.jobs.runDue();
    expect(reminders()).toEqual([]);
  });

  it("PIM's own 24 h expiry: the copies say Expired once PIM does", async () => {
    const requestId = await requestGlobalAdmin();
    const requestedAt = Date.parse((await tracked(requestId)).requestedAt);
    h.stack.clock.set(new Date(requestedAt + 24 * 3_600_000 + 1000));
    await h.jobs.runDue();
    expect((await tracked(requestId)).status).toBe('timedOut');
    for (const [name, copy] of Object.entries(await copiesText(requestId))) expect(copy.text, name).toMatch(/Expired/);
  });
});
