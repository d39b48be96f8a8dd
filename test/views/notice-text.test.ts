import { describe, expect, it } from 'vitest';
import { newRequest, type PimRequest } from '../../src/requests/pim-request';
import { decidedText, reminderText } from '../../src/views/notice-text';

/**
 * What the requester is told once decided, and the approver's reminder, in the reader's language (issue 15). German
 * is src/i18n/locales/de/notices.json, written out here as the spec.
 */

const MEGAN = { aadObjectId: 'megan-id', name: 'Megan Bowen' };

function request(status: PimRequest['status'], more: Partial<PimRequest> = {}): PimRequest {
  return newRequest({
    id: 'req-1',
    target: { kind: 'role', roleDefinitionId: 'ga', directoryScopeId: '/', displayName: 'Global Administrator' },
    requester: { aadObjectId: 'adele-id', name: 'Adele Vance' },
    durationMinutes: 150,
    requestedAt: '2026-12-03T09:00:00Z',
    status,
    approval: { approvalId: 'a', approvers: [MEGAN], hints: [], copies: [] },
    ...more,
  });
}
const decided = (comment?: string) => ({ by: MEGAN, at: '2026-12-03T09:30:00Z', ...(comment ? { comment } : {}) });

describe('decision and reminder messages in the reader’s language', () => {
  it('approved, denied with a reason, expired; the reminder', () => {
    const approval = { approvalId: 'a', approvers: [MEGAN], hints: [], copies: [] };
    const approved = request('approved', { approval: { ...approval, decision: decided() } });
    const denied = request('denied', { approval: { ...approval, decision: decided('not this week') } });
    expect(decidedText(approved, 'en-GB')).toBe('Megan Bowen approved your request for Global Administrator.');
    expect(decidedText(approved, 'de-DE')).toBe('Megan Bowen hat Ihre Anforderung für Global Administrator genehmigt.');
    expect(decidedText(denied, 'de-DE')).toBe(
      'Megan Bowen hat Ihre Anforderung für Global Administrator abgelehnt: not this week',
    );
    expect(decidedText(request('timedOut'), 'de-DE')).toBe(
      'Niemand hat Ihre Anforderung für Global Administrator innerhalb von 24 Stunden genehmigt, daher ist sie abgelaufen. Fordern Sie sie erneut an, wenn Sie sie noch benötigen.',
    );
    expect(decidedText(request('pendingApproval'), 'de-DE')).toBeUndefined();
    expect(reminderText(request('pendingApproval'), 'de-DE')).toBe(
      'Erinnerung: Adele Vance wartet noch auf Ihre Entscheidung zu Global Administrator.',
    );
  });
});
