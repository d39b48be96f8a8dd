import { describe, expect, it } from 'vitest';
import { type PendingApprovalItem, pendingApprovalsCard } from '../../cards';
import { assertValidCard } from './card-validation';
import { VIEWER } from './fixtures';

/**
 * The inbox card's automatic refresh (Universal Actions' refresh model: `refresh.action` is an Action.Execute the
 * Teams client invokes by itself when the card is viewed, for the users in `refresh.userIds`, at most 60 —
 * learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/
 * work-with-universal-actions-for-adaptive-cards and …/user-specific-views).
 */

const item: PendingApprovalItem = {
  requestId: 'req-1',
  requesterName: 'Adele Vance',
  targetName: 'Exchange Administrator',
  durationText: '2 hours',
  requestedAtText: 'today 14:00',
  expiresAtText: 'tomorrow 14:00',
};
const page = { index: 1, count: 2, total: 7 };

describe('inbox card refresh', () => {
  it('a paged inbox card for an approver refreshes its own page for them', () => {
    const card = pendingApprovalsCard({ items: [item], page, refreshUserIds: ['29:megan'] }, VIEWER);
    assertValidCard(card);
    expect(card.refresh).toEqual({
      action: { type: 'Action.Execute', title: 'Refresh', verb: 'inboxPage', data: { pimbot: 'inboxPage', page: '1' } },
      userIds: ['29:megan'],
    });
  });

  it('keeps the first 60 users, the most Teams refreshes automatically for', () => {
    const ids = Array.from({ length: 75 }, (_, i) => `29:user-${i}`);
    const card = pendingApprovalsCard({ items: [item], page, refreshUserIds: ids }, VIEWER);
    expect((card.refresh as { userIds: string[] }).userIds).toEqual(ids.slice(0, 60));
  });

  it('no refresh without a page (the inbox verbs need one) or without anyone to refresh for', () => {
    expect(pendingApprovalsCard({ items: [item], refreshUserIds: ['29:megan'] }, VIEWER).refresh).toBeUndefined();
    expect(pendingApprovalsCard({ items: [item], page }, VIEWER).refresh).toBeUndefined();
  });

  it('a user id with control characters is refused, never put on the card', () => {
    expect(() => pendingApprovalsCard({ items: [item], page, refreshUserIds: ['29:a\u0000b'] }, VIEWER)).toThrow(
      /refreshUserIds/,
    );
  });
});
