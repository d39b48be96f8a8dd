import { describe, expect, it } from 'vitest';
import { toApprovalSteps } from '../../src/pim/graph-wire';

// Docs (approvalstep.md) list NotReviewed/Approved/Denied and step status Expired; samples show Approve/Deny.
describe('approval step review results read in either spelling', () => {
  const cases: Array<[string | null, string]> = [
    ['Approved', 'Approve'],
    ['Approve', 'Approve'],
    ['Denied', 'Deny'],
    ['deny', 'Deny'],
    ['NotReviewed', 'NotReviewed'],
    [null, 'NotReviewed'],
    ['Expired', 'Expired'],
  ];
  for (const [wire, read] of cases) {
    it(`${wire ?? 'absent'} reads as ${read}`, () => {
      const [step] = toApprovalSteps({ steps: [{ id: 's', status: 'Completed', reviewResult: wire }] });
      expect(step?.reviewResult).toBe(read);
    });
  }
});
