import { describe, expect, it } from 'vitest';
import type { ApprovalCopies } from '../../src/approvals/approval-copies';
import { ApprovalDecisions, type Clicker } from '../../src/approvals/approval-decisions';
import { DECIDING_LEASE_MS } from '../../src/approvals/approval-rules';
import type { ApprovalTimers } from '../../src/approvals/approval-timers';
import { createLogger } from '../../src/observability/logger';
import type { PimClient } from '../../src/pim/pim-client';
import { PimError, type PimErrorKind } from '../../src/pim/pim-error';
import type { Approval, ApprovalDecision, PimTarget } from '../../src/pim/pim-types';
import { newRequest, type PimRequest } from '../../src/requests/pim-request';
import { PimRequestStore } from '../../src/requests/pim-request-store';
import { MemoryStore } from '../../src/store/memory-store';

/**
 * Approve or Deny from a card, end to end in the domain: the checks on the clicker (an approver, not the
 * requester; a reason for a denial), one winner however many clicks, the decision taken to PIM with the
 * clicker's own client, and the record and copies updated. PIM is a small stand-in recording what it was
 * asked (the Graph side of decide/getApproval is covered by test/pim and the bot's approval flow tests).
 */

const ADELE = '0f1e2d3c-0000-4000-8000-00000000ade1';
const MEGAN = '0f1e2d3c-0000-4000-8000-0000000a3e6a';
const NESTOR = '0f1e2d3c-0000-4000-8000-0000000e5704';
const STRANGER = '0f1e2d3c-0000-4000-8000-00000005a7a6';
const NOW = new Date('2026-03-02T10:00:00.000Z');
const target: PimTarget = {
  kind: 'role',
  roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10',
  directoryScopeId: '/',
  displayName: 'Global Administrator',
} as PimTarget;

function waiting(fields: Partial<PimRequest> = {}): PimRequest {
  return {
    ...newRequest({
      id: 'req-1',
      target,
      requester: { aadObjectId: ADELE, name: 'Adele Vance' },
      durationMinutes: 60,
      requestedAt: NOW.toISOString(),
      status: 'pendingApproval',
      approval: {
        approvalId: 'ap-1',
        approvers: [
          { aadObjectId: MEGAN, name: 'Megan Bowen' },
          { aadObjectId: NESTOR, name: 'Nestor Wilke' },
        ],
        hints: [],
        copies: [],
      },
    }),
    ...fields,
  };
}

/** PIM as the clicker's delegated client sees it: what it was asked, and what it answers. */
function pim(answer: { fails?: unknown; approval?: Approval } = {}) {
  const decided: unknown[][] = [];
  const read: unknown[][] = [];
  const client = {
    async decide(...args: [string, string, ApprovalDecision, string, unknown]) {
      decided.push(args);
      if (answer.fails) throw answer.fails;
    },
    async getApproval(...args: [string, string]) {
      read.push(args);
      return answer.approval;
    },
  };
  return { client: client as unknown as PimClient, decided, read };
}

const pimError = (kind: PimErrorKind) =>
  new PimError({ kind, graphCode: 'SomeCode', httpStatus: 409, message: 'PIM said no.', fix: 'Try again.' });

async function setup(request: PimRequest | null = waiting()) {
  const requests = new PimRequestStore(new MemoryStore());
  if (request) await requests.create(request);
  const published: { request: PimRequest; skip?: string }[] = [];
  const followedUp: string[] = [];
  const logLines: string[] = [];
  const decisions = new ApprovalDecisions({
    requests,
    copies: {
      publish: async (r: PimRequest, skip?: string) => void published.push({ request: r, skip }),
    } as unknown as ApprovalCopies,
    timers: { followUp: async (id: string) => void followedUp.push(id) } as unknown as ApprovalTimers,
    logger: createLogger('debug', { write: (line: string) => void logLines.push(line) }),
    now: () => NOW,
  });
  return { requests, decisions, published, followedUp, logLines };
}

const clicker = (aadObjectId: string, client: PimClient | undefined, name?: string): Clicker => ({
  aadObjectId,
  name,
  pim: client,
});

describe('ApprovalDecisions.decide: who may decide', () => {
  it('an unknown request id is said to be unknown, and PIM is not asked', async () => {
    const { decisions } = await setup(null);
    const graph = pim();
    expect(await decisions.decide(clicker(MEGAN, graph.client), 'req-1', 'Approve', '')).toEqual({
      outcome: 'unknownRequest',
    });
    expect(graph.decided).toEqual([]);
  });

  it('the requester may not decide their own request (any letter case)', async () => {
    const { decisions, requests } = await setup();
    const graph = pim();
    const result = await decisions.decide(clicker(ADELE.toUpperCase(), graph.client), 'req-1', 'Approve', '');
    expect(result).toMatchObject({ outcome: 'refused', refusal: 'ownRequest' });
    expect(graph.decided).toEqual([]);
    expect((await requests.get('req-1'))?.steps.decide).toBeUndefined();
  });

  it('someone who is not an approver is refused, and the attempt is logged with ids only', async () => {
    const { decisions, logLines } = await setup();
    const graph = pim();
    const result = await decisions.decide(clicker(STRANGER, graph.client), 'req-1', 'Approve', '');
    expect(result).toMatchObject({ outcome: 'refused', refusal: 'notApprover', request: { id: 'req-1' } });
    expect(graph.decided).toEqual([]);
    const warned = logLines.map((l) => JSON.parse(l)).find((l) => l.msg.includes('non-approver'));
    expect(warned).toMatchObject({ requestId: 'req-1', clicker: STRANGER });
  });

  it('an approver’s id is matched without regard to case', async () => {
    const { decisions } = await setup();
    const graph = pim();
    const result = await decisions.decide(clicker(MEGAN.toUpperCase(), graph.client), 'req-1', 'Approve', '');
    expect(result.outcome).toBe('decided');
    expect(graph.decided).toHaveLength(1);
  });

  it('a denial without a reason (blank counts as none) is refused before PIM is asked', async () => {
    const { decisions, requests } = await setup();
    const graph = pim();
    const result = await decisions.decide(clicker(MEGAN, graph.client), 'req-1', 'Deny', '   ');
    expect(result).toMatchObject({ outcome: 'refused', refusal: 'reasonRequired' });
    expect(graph.decided).toEqual([]);
    expect((await requests.get('req-1'))?.steps.decide).toBeUndefined();
  });

  it('a request decided before is shown as it is, without asking PIM again', async () => {
    const { decisions } = await setup(waiting({ status: 'denied' }));
    const graph = pim();
    const result = await decisions.decide(clicker(MEGAN, graph.client), 'req-1', 'Approve', '');
    expect(result).toMatchObject({ outcome: 'alreadyDecided', request: { status: 'denied' } });
    expect(graph.decided).toEqual([]);
  });
});

describe('ApprovalDecisions.decide: the decision', () => {
  it('Approve: PIM is asked with the clicker’s client, the record says who and when, every copy is updated, provisioning followed', async () => {
    const { decisions, requests, published, followedUp } = await setup();
    const graph = pim();
    const result = await decisions.decide(clicker(MEGAN.toUpperCase(), graph.client), 'req-1', 'Approve', '', 'act-9');
    expect(graph.decided).toEqual([['role', 'ap-1', 'Approve', 'Approved in Microsoft Teams', target]]);
    expect(result.outcome).toBe('decided');
    const stored = await requests.get('req-1');
    expect(stored?.status).toBe('approved');
    expect(stored?.approval?.decision).toEqual({
      by: { aadObjectId: MEGAN, name: 'Megan Bowen' },
      at: NOW.toISOString(),
      comment: undefined,
    });
    // The claim is released once decided.
    expect(stored?.steps.decide).toBeUndefined();
    expect(result).toMatchObject({ request: { status: 'approved' } });
    expect(published).toEqual([{ request: stored, skip: 'act-9' }]);
    expect(followedUp).toEqual(['req-1']);
  });

  it('Deny: the trimmed reason goes to PIM and onto the record; the clicker’s own name wins; nothing to follow up', async () => {
    const { decisions, requests, published, followedUp } = await setup();
    const graph = pim();
    const result = await decisions.decide(
      clicker(NESTOR, graph.client, 'Nestor W.'),
      'req-1',
      'Deny',
      '  not on call  ',
    );
    expect(graph.decided).toEqual([['role', 'ap-1', 'Deny', 'not on call', target]]);
    expect(result.outcome).toBe('decided');
    const stored = await requests.get('req-1');
    expect(stored?.status).toBe('denied');
    expect(stored?.approval?.decision).toEqual({
      by: { aadObjectId: NESTOR, name: 'Nestor W.' },
      at: NOW.toISOString(),
      comment: 'not on call',
    });
    expect(published).toHaveLength(1);
    expect(followedUp).toEqual([]);
  });

  it('not signed in: nothing is decided and the claim is let go, so the next click can take it', async () => {
    const { decisions, requests, published } = await setup();
    const result = await decisions.decide(clicker(MEGAN, undefined), 'req-1', 'Approve', '');
    expect(result).toMatchObject({ outcome: 'signInNeeded', request: { id: 'req-1' } });
    const stored = await requests.get('req-1');
    expect(stored?.status).toBe('pendingApproval');
    expect(stored?.steps.decide).toBeUndefined();
    expect(published).toEqual([]);
    const graph = pim();
    expect((await decisions.decide(clicker(NESTOR, graph.client), 'req-1', 'Approve', '')).outcome).toBe('decided');
  });

  it('PIM refuses (not a 409): nothing is decided, the claim is let go, the refusal and comment come back', async () => {
    const { decisions, requests, published, followedUp } = await setup();
    const refusal = pimError('Forbidden');
    const result = await decisions.decide(clicker(MEGAN, pim({ fails: refusal }).client), 'req-1', 'Deny', ' no ');
    expect(result).toEqual({
      outcome: 'failed',
      request: expect.objectContaining({ id: 'req-1' }),
      error: refusal,
      comment: 'no',
    });
    const stored = await requests.get('req-1');
    expect(stored?.status).toBe('pendingApproval');
    expect(stored?.steps.decide).toBeUndefined();
    expect(published).toEqual([]);
    expect(followedUp).toEqual([]);
  });

  it('something else goes wrong: failed without a PIM error, logged, the claim let go', async () => {
    const { decisions, requests, logLines } = await setup();
    const result = await decisions.decide(
      clicker(MEGAN, pim({ fails: new TypeError('socket hang up') }).client),
      'req-1',
      'Approve',
      '',
    );
    expect(result).toEqual({ outcome: 'failed', request: expect.objectContaining({ id: 'req-1' }), comment: '' });
    expect((await requests.get('req-1'))?.steps.decide).toBeUndefined();
    const logged = logLines.map((l) => JSON.parse(l)).find((l) => l.level === 50 && l.msg === 'approval failed');
    expect(logged?.err).toMatchObject({ message: 'socket hang up' });
  });

  it('PIM says it was already decided (409): the decision is read back from PIM and recorded as PIM has it', async () => {
    const reviewedAt = new Date('2026-03-02T09:45:00.000Z');
    const approval: Approval = {
      id: 'ap-1',
      kind: 'role',
      steps: [
        {
          id: 's1',
          status: 'Completed',
          reviewResult: 'Deny',
          assignedToMe: false,
          reviewedById: NESTOR,
          reviewedByName: null,
          reviewedDateTime: reviewedAt,
          justification: 'decided in the portal',
        },
      ],
    };
    const { decisions, requests, published, followedUp } = await setup();
    const graph = pim({ fails: pimError('AlreadyDecided'), approval });
    const result = await decisions.decide(clicker(MEGAN, graph.client), 'req-1', 'Approve', '');
    expect(graph.read).toEqual([['role', 'ap-1']]);
    expect(result).toMatchObject({ outcome: 'alreadyDecided', request: { status: 'denied' } });
    const stored = await requests.get('req-1');
    expect(stored?.status).toBe('denied');
    // Named as the request's approvers list names them (PIM gave no name).
    expect(stored?.approval?.decision).toEqual({
      by: { aadObjectId: NESTOR, name: 'Nestor Wilke' },
      at: reviewedAt.toISOString(),
      comment: 'decided in the portal',
    });
    expect(published).toHaveLength(1);
    expect(followedUp).toEqual([]);
  });

  it('read back from a multi-stage approval: the stage someone reviewed is the one recorded, with PIM’s name and now as time', async () => {
    const notReviewed = {
      id: 's1',
      status: 'Completed',
      reviewResult: 'NotReviewed',
      assignedToMe: false,
      reviewedById: null,
      reviewedByName: null,
      reviewedDateTime: null,
      justification: null,
    };
    const approval: Approval = {
      id: 'ap-1',
      kind: 'role',
      steps: [
        notReviewed,
        {
          ...notReviewed,
          id: 's2',
          reviewResult: 'Approve',
          reviewedById: MEGAN,
          reviewedByName: 'Megan B. (Graph)',
        },
      ],
    };
    const { decisions, requests } = await setup();
    await decisions.decide(
      clicker(NESTOR, pim({ fails: pimError('AlreadyDecided'), approval }).client),
      'req-1',
      'Deny',
      'x',
    );
    const stored = await requests.get('req-1');
    expect(stored?.status).toBe('approved');
    expect(stored?.approval?.decision).toEqual({
      by: { aadObjectId: MEGAN, name: 'Megan B. (Graph)' },
      at: NOW.toISOString(),
      comment: undefined,
    });
  });

  it('read back from PIM with nobody reviewed: recorded as timed out, without a decider', async () => {
    const approval: Approval = {
      id: 'ap-1',
      kind: 'role',
      steps: [
        {
          id: 's1',
          status: 'Completed',
          reviewResult: 'NotReviewed',
          assignedToMe: false,
          reviewedById: null,
          reviewedByName: null,
          reviewedDateTime: null,
          justification: null,
        },
      ],
    };
    const { decisions, requests } = await setup();
    await decisions.decide(
      clicker(MEGAN, pim({ fails: pimError('AlreadyDecided'), approval }).client),
      'req-1',
      'Approve',
      '',
    );
    const stored = await requests.get('req-1');
    expect(stored?.status).toBe('timedOut');
    expect(stored?.approval?.decision).toBeUndefined();
  });
});

describe('ApprovalDecisions.decide: two clicks at once', () => {
  it('one winner: the second click waits for the first one’s outcome and reports it as already decided', async () => {
    const { decisions, requests } = await setup();
    // Nestor's click holds the claim (taken just now); it settles a moment later.
    await requests.update('req-1', (r) => ({ ...r, steps: { decide: { claimedAt: NOW.toISOString(), by: NESTOR } } }));
    const graph = pim();
    const second = decisions.decide(clicker(MEGAN, graph.client), 'req-1', 'Approve', '');
    setTimeout(() => {
      void requests.update('req-1', (r) => ({ ...r, status: 'denied', steps: {} }));
    }, 60);
    expect(await second).toMatchObject({ outcome: 'alreadyDecided', request: { status: 'denied' } });
    expect(graph.decided).toEqual([]);
  });

  it('the first click let go without deciding (not signed in): the second is told it is still being decided', async () => {
    const { decisions, requests } = await setup();
    await requests.update('req-1', (r) => ({ ...r, steps: { decide: { claimedAt: NOW.toISOString(), by: NESTOR } } }));
    const second = decisions.decide(clicker(MEGAN, pim().client), 'req-1', 'Approve', '');
    setTimeout(() => {
      void requests.update('req-1', (r) => ({ ...r, steps: {} }));
    }, 60);
    expect(await second).toMatchObject({ outcome: 'stillDeciding', request: { status: 'pendingApproval' } });
  });

  it('a claim older than the lease (its instance died) is taken over', async () => {
    const { decisions, requests } = await setup();
    const old = new Date(NOW.getTime() - DECIDING_LEASE_MS).toISOString();
    await requests.update('req-1', (r) => ({ ...r, steps: { decide: { claimedAt: old, by: NESTOR } } }));
    const graph = pim();
    expect((await decisions.decide(clicker(MEGAN, graph.client), 'req-1', 'Approve', '')).outcome).toBe('decided');
    expect(graph.decided).toHaveLength(1);
  });
});

describe('ApprovalDecisions.view', () => {
  it('shows the request to its requester and approvers only', async () => {
    const { decisions } = await setup();
    expect((await decisions.view('req-1', ADELE))?.id).toBe('req-1');
    expect((await decisions.view('req-1', NESTOR.toUpperCase()))?.id).toBe('req-1');
    expect(await decisions.view('req-1', STRANGER)).toBeUndefined();
    expect(await decisions.view('req-1', undefined)).toBeUndefined();
    expect(await decisions.view('req-2', ADELE)).toBeUndefined();
  });
});
