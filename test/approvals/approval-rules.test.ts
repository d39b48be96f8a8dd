import { describe, expect, it } from 'vitest';
import {
  claimDecision,
  DECIDING_LEASE_MS,
  isApprover,
  isConcerned,
  isDecided,
  refusalOf,
  statusAfter,
  statusFromReview,
} from '../../src/approvals/approval-rules';
import { newRequest, type PimRequest, type RequestStatus } from '../../src/requests/pim-request';

/**
 * Who may decide an approval, and what a decision leads to. Object ids are GUIDs, compared without regard to
 * case (Entra returns them lower case; Teams' aadObjectId may differ). The requester never decides their own
 * request (PIM: "approvers can't approve their own request").
 */

const ADELE = '0f1e2d3c-0000-4000-8000-00000000ade1';
const MEGAN = '0f1e2d3c-0000-4000-8000-0000000a3e6a';
const NESTOR = '0f1e2d3c-0000-4000-8000-0000000e5704';
const STRANGER = '0f1e2d3c-0000-4000-8000-00000005a7a6';

function request(fields: Partial<PimRequest> = {}): PimRequest {
  return {
    ...newRequest({
      id: 'req-1',
      target: { kind: 'role', roleDefinitionId: 'r1', directoryScopeId: '/', displayName: 'Global Administrator' },
      requester: { aadObjectId: ADELE, name: 'Adele Vance' },
      durationMinutes: 60,
      requestedAt: '2026-03-02T09:00:00.000Z',
      status: 'pendingApproval',
      approval: {
        approvalId: 'ap-1',
        approvers: [
          { aadObjectId: MEGAN, name: 'Megan Bowen' },
          { aadObjectId: NESTOR.toUpperCase(), name: 'Nestor Wilke' },
        ],
        hints: [],
        copies: [],
      },
    }),
    ...fields,
  };
}

describe('isApprover / isConcerned', () => {
  it('an approver is one of the request’s approvers, in any letter case', () => {
    expect(isApprover(request(), MEGAN)).toBe(true);
    expect(isApprover(request(), MEGAN.toUpperCase())).toBe(true);
    expect(isApprover(request(), NESTOR)).toBe(true);
  });

  it('nobody else is: the requester, a stranger, no one, or anyone when the request has no approval part', () => {
    expect(isApprover(request(), ADELE)).toBe(false);
    expect(isApprover(request(), STRANGER)).toBe(false);
    expect(isApprover(request(), undefined)).toBe(false);
    expect(isApprover(request(), '')).toBe(false);
    expect(isApprover(request({ approval: undefined }), MEGAN)).toBe(false);
  });

  it('a request concerns its requester and its approvers only', () => {
    expect(isConcerned(request(), ADELE)).toBe(true);
    expect(isConcerned(request(), ADELE.toUpperCase())).toBe(true);
    expect(isConcerned(request(), MEGAN)).toBe(true);
    expect(isConcerned(request(), STRANGER)).toBe(false);
    expect(isConcerned(request(), undefined)).toBe(false);
    expect(isConcerned(request({ approval: undefined }), ADELE)).toBe(true);
  });
});

describe('refusalOf', () => {
  it('the requester may not decide their own request, even if listed as an approver', () => {
    const listed = request();
    listed.approval!.approvers.push({ aadObjectId: ADELE, name: 'Adele Vance' });
    expect(refusalOf(listed, ADELE, 'Approve', 'fine')).toBe('ownRequest');
    expect(refusalOf(request(), ADELE.toUpperCase(), 'Approve', 'fine')).toBe('ownRequest');
  });

  it('someone who is not an approver may not decide', () => {
    expect(refusalOf(request(), STRANGER, 'Approve', 'fine')).toBe('notApprover');
    expect(refusalOf(request(), STRANGER, 'Deny', '')).toBe('notApprover');
  });

  it('a denial needs a reason; an approval does not', () => {
    expect(refusalOf(request(), MEGAN, 'Deny', '')).toBe('reasonRequired');
    expect(refusalOf(request(), MEGAN, 'Deny', '  \n ')).toBe('reasonRequired');
    expect(refusalOf(request(), MEGAN, 'Deny', 'not on call')).toBeUndefined();
    expect(refusalOf(request(), MEGAN, 'Approve', '')).toBeUndefined();
  });
});

describe('claimDecision', () => {
  const now = new Date('2026-03-02T10:00:00.000Z');
  const at = (ms: number) => new Date(now.getTime() + ms);

  it('an undecided request is claimed by the clicker, at the time of the click', () => {
    const claimed = claimDecision(request(), MEGAN, now);
    expect(claimed?.steps.decide).toEqual({ claimedAt: now.toISOString(), by: MEGAN });
    expect(claimed?.status).toBe('pendingApproval');
    expect(claimed?.id).toBe('req-1');
  });

  it('keeps the other steps of the request', () => {
    const withSteps = request({ steps: { remind: { claimedAt: now.toISOString(), doneAt: now.toISOString() } } });
    expect(claimDecision(withSteps, MEGAN, now)?.steps.remind).toEqual(withSteps.steps.remind);
  });

  it('one claim at a time: a second click within the 2-minute lease gets nothing', () => {
    expect(DECIDING_LEASE_MS).toBe(2 * 60 * 1000);
    const claimed = claimDecision(request(), MEGAN, now)!;
    expect(claimDecision(claimed, NESTOR, now)).toBeUndefined();
    expect(claimDecision(claimed, NESTOR, at(DECIDING_LEASE_MS - 1))).toBeUndefined();
  });

  it('a claim whose instance died is taken over once the lease has run out', () => {
    const claimed = claimDecision(request(), MEGAN, now)!;
    const taken = claimDecision(claimed, NESTOR, at(DECIDING_LEASE_MS));
    expect(taken?.steps.decide).toEqual({ claimedAt: at(DECIDING_LEASE_MS).toISOString(), by: NESTOR });
  });

  it.each<RequestStatus>(['approved', 'denied', 'timedOut', 'canceled', 'active', 'failed'])(
    'a request that is %s cannot be claimed',
    (status) => {
      expect(claimDecision(request({ status }), MEGAN, now)).toBeUndefined();
    },
  );
});

describe('what a decision leads to', () => {
  it('Approve → approved, Deny → denied', () => {
    expect(statusAfter('Approve')).toBe('approved');
    expect(statusAfter('Deny')).toBe('denied');
  });

  // approvalstep.md lists NotReviewed/Approved/Denied; the service and the samples answer Approve/Deny.
  it.each([
    ['Approve', 'approved'],
    ['Approved', 'approved'],
    ['APPROVE', 'approved'],
    ['Deny', 'denied'],
    ['Denied', 'denied'],
    ['deny', 'denied'],
    ['NotReviewed', 'timedOut'],
    ['Expired', 'timedOut'],
    ['', 'timedOut'],
    [undefined, 'timedOut'],
  ])('a review result %j read back from PIM settles the request as %s', (result, status) => {
    expect(statusFromReview(result)).toBe(status);
  });

  it.each<[RequestStatus, boolean]>([
    ['approved', true],
    ['denied', true],
    ['timedOut', true],
    ['pendingApproval', false],
    ['canceled', false],
    ['active', false],
    ['failed', false],
  ])('a %s request is decided: %s', (status, decided) => {
    expect(isDecided(request({ status }))).toBe(decided);
  });
});
