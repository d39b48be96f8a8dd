import { describe, expect, it } from 'vitest';
import { type AdaptiveCard, activationFeedCard, approvalCard, pendingApprovalsCard, statusCard } from '../../cards';
import type { InboxEntry } from '../../src/approvals/approval-inbox';
import { invalidAction, signInNeeded, unknownRequest } from '../../src/bot/card-action-replies';
import { refusalText } from '../../src/bot/inbox-actions';
import { formatDuration, formatTime, translator } from '../../src/i18n';
import type { ScheduleRequest } from '../../src/pim/pim-types';
import { newRequest, type PimRequest } from '../../src/requests/pim-request';
import { agoText, spanText } from '../../src/shared/relative-time';
import { approvalCardModel, decidedNote } from '../../src/views/approval-view';
import { feedCardModel } from '../../src/views/feed-view';
import { inboxCardModel } from '../../src/views/inbox-view';
import { decidedText, reminderText } from '../../src/views/notice-text';
import { requestStatusModel } from '../../src/views/status-view';
import { CLOSE, glued, gluedTexts, OPEN, usePseudoEnglish } from '../support/pseudo-locale';

/**
 * The approval card, the inbox, the channel feed card, the status card, the proactive notices and the card
 * actions' replies in the ⟦…⟧ pseudo-locale (test/support/pseudo-locale.ts): every text is one translation, the
 * data (names, the requester's words, times and durations as Intl writes them) inside it. Built through the views,
 * as the bot builds them, in every state.
 */
usePseudoEnglish();

const LOCALE = 'en-GB';
const ZONE = 'Europe/Berlin';
const READER = { locale: LOCALE, timeZone: ZONE };
const NOW = new Date('2026-12-03T10:00:00Z');
const REQUESTED = '2026-12-03T09:00:00Z';
const ADELE = { aadObjectId: 'adele-id', name: 'Adele Vance', upn: 'adele@contoso.com' };
const MEGAN = { aadObjectId: 'megan-id', name: 'Megan Bowen', mri: '29:megan' };
const NESTOR = { aadObjectId: 'nestor-id', name: 'Nestor Wilke' };
const GA = {
  kind: 'role' as const,
  roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10',
  directoryScopeId: '/',
  displayName: 'Global Administrator',
};
const AU_ROLE = {
  kind: 'role' as const,
  roleDefinitionId: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  directoryScopeId: '/administrativeUnits/au-1',
  displayName: 'User Administrator',
  scopeName: 'Sales AU',
};

function request(status: PimRequest['status'], more: Partial<PimRequest> = {}): PimRequest {
  return newRequest({
    id: `req-${status}`,
    target: GA,
    requester: ADELE,
    durationMinutes: 150,
    justification: 'conditional access change',
    ticket: { ticketNumber: 'CHG-1042', ticketSystem: 'ServiceNow' },
    requestedAt: REQUESTED,
    status,
    approval: {
      approvalId: 'appr-1',
      approvers: [MEGAN, NESTOR],
      hints: [
        { kind: 'breakGlass' },
        { kind: 'highPrivilege' },
        { kind: 'outsideBusinessHours' },
        { kind: 'severalRoles', count: 2 },
        { kind: 'firstTime' },
      ],
      copies: [],
      ...(status === 'pendingApproval' || status === 'timedOut' || status === 'canceled'
        ? {}
        : { decision: { by: MEGAN, at: '2026-12-03T09:30:00Z', comment: 'ok for the change' } }),
    },
    ...more,
  });
}

const time = (iso: string, zone = ZONE) => formatTime(new Date(iso), LOCALE, zone, NOW);
/** The data a card may show verbatim: people's words and names, and times and durations as Intl writes them. */
const DATA = [
  'Adele Vance',
  'adele@contoso.com',
  'Megan Bowen',
  'Nestor Wilke',
  'Megan Bowen or Nestor Wilke',
  'Global Administrator',
  'User Administrator',
  'Sales AU',
  'conditional access change',
  'ok for the change',
  'CHG-1042',
  'ServiceNow',
  'Sign in on the card above.',
  formatDuration(150, LOCALE),
  formatDuration(60, LOCALE),
  formatDuration(120, LOCALE),
  time(REQUESTED),
  time('2026-12-04T09:00:00Z'),
  time('2026-12-03T09:30:00Z'),
  time('2026-12-03T11:00:00Z'),
  time('2026-12-03T09:45:00Z'),
  time(NOW.toISOString()),
  ...['2026-12-03T09:00:00Z', '2026-12-03T11:00:00Z', '2026-12-03T09:45:00Z'].map((iso) => time(iso, 'UTC')),
  spanText(3_600_000, LOCALE),
  agoText(new Date(REQUESTED), NOW, LOCALE),
  '2',
  '7',
  '1',
];

function expectOneTranslation(text: string | undefined): void {
  expect(text).toBeDefined();
  expect(glued(text!, DATA)).toBeUndefined();
  expect(text!.startsWith(OPEN) && text!.endsWith(CLOSE)).toBe(true);
}

function expectCard(card: AdaptiveCard): void {
  expect(gluedTexts(card, DATA)).toEqual([]);
}

const APPROVER = { aadObjectId: MEGAN.aadObjectId, locale: LOCALE };

describe('pseudo-locale: the approval card in every state and view', () => {
  const statuses: PimRequest['status'][] = ['pendingApproval', 'approved', 'denied', 'timedOut', 'canceled', 'failed'];
  it.each(statuses)('%s, for the approver and for everyone else', (status) => {
    const model = approvalCardModel(request(status), { now: NOW, reader: READER });
    expectCard(approvalCard(model, APPROVER));
    expectCard(approvalCard(model, { locale: LOCALE }));
  });

  it('an administrative-unit scope, a group, the notes and the errors', () => {
    const t = translator(LOCALE);
    expectCard(
      approvalCard(
        approvalCardModel(request('pendingApproval', { target: AU_ROLE }), { now: NOW, reader: READER }),
        APPROVER,
      ),
    );
    const group = request('pendingApproval', {
      target: { kind: 'group', groupId: 'g', accessId: 'owner', displayName: 'Global Administrator' },
    });
    expectCard(approvalCard(approvalCardModel(group, { now: NOW, reader: READER }), APPROVER));
    for (const refusal of ['ownRequest', 'notApprover', 'reasonRequired'] as const) {
      const errorText = refusalText(refusal, t);
      expectOneTranslation(errorText);
      expectCard(
        approvalCard(approvalCardModel(request('pendingApproval'), { now: NOW, reader: READER, errorText }), APPROVER),
      );
    }
    for (const status of ['approved', 'denied', 'timedOut'] as const) {
      const note = decidedNote(request(status), READER, NOW);
      expectOneTranslation(note);
      expectCard(
        approvalCard(
          approvalCardModel(request(status), { now: NOW, reader: READER, alreadyDecidedNote: note }),
          APPROVER,
        ),
      );
    }
    expectOneTranslation(t('approval:signInNeeded', { help: 'Sign in on the card above.' }));
  });
});

describe('pseudo-locale: the inbox card', () => {
  const schedule = (id: string): ScheduleRequest => ({
    id,
    kind: 'role',
    status: 'PendingApproval',
    action: 'selfActivate',
    principalId: ADELE.aadObjectId,
    roleDefinitionId: GA.roleDefinitionId,
    directoryScopeId: '/',
    groupId: null,
    accessId: null,
    approvalId: id,
    justification: 'conditional access change',
    ticket: { ticketNumber: 'CHG-1042' },
    createdDateTime: new Date(REQUESTED),
    completedDateTime: null,
    startDateTime: null,
    endDateTime: null,
    duration: id === 'r-3' ? null : 'PT1H',
    isValidationOnly: false,
    targetScheduleId: null,
  });
  const entry = (id: string): InboxEntry => ({
    request: schedule(id),
    tracked: id === 'r-1' ? request('pendingApproval', { id }) : undefined,
    requesterName: 'Adele Vance',
    targetName: 'Global Administrator',
  });
  const all = ['r-1', 'r-2', 'r-3', 'r-4', 'r-5', 'r-6', 'r-7'].map(entry);
  const page = { entries: all.slice(0, 5), index: 0, count: 2, total: 7 };

  it('a page, a decided item, an item with an error, one page, empty and "more"', () => {
    const t = translator(LOCALE);
    const viewer = { locale: LOCALE };
    expectCard(pendingApprovalsCard(inboxCardModel(page, { now: NOW, reader: READER, all }), viewer));
    const decided = {
      requestId: 'r-2',
      position: 1,
      targetName: 'Global Administrator',
      requesterName: 'Adele Vance',
      text: t('inbox:decided.approvedByYou', { time: time(NOW.toISOString()) }),
      denied: false,
    };
    const error = { requestId: 'r-1', text: t('approval:denyReasonRequired') };
    const shownIds = ['r-1', 'r-2', 'r-3'];
    expectCard(
      pendingApprovalsCard(inboxCardModel(page, { now: NOW, reader: READER, all, decided, error, shownIds }), viewer),
    );
    expectCard(
      pendingApprovalsCard(
        inboxCardModel({ entries: all.slice(0, 1), index: 0, count: 1, total: 1 }, { now: NOW, reader: READER }),
        viewer,
      ),
    );
    expectCard(
      pendingApprovalsCard(
        inboxCardModel({ entries: [], index: 0, count: 1, total: 0 }, { now: NOW, reader: READER }),
        viewer,
      ),
    );
    expectCard(
      pendingApprovalsCard({ ...inboxCardModel(page, { now: NOW, reader: READER }), page: null, maxItems: 2 }, viewer),
    );
    // Names Graph and the directory did not give, and a group's ownership.
    const unnamed = { ...entry('r-6'), requesterName: '', targetName: '' };
    const owner: InboxEntry = {
      ...entry('r-7'),
      request: { ...schedule('r-7'), kind: 'group', groupId: 'g', accessId: 'owner', roleDefinitionId: null },
      owner: true,
    };
    const unnamedGroup = { ...owner, targetName: '' };
    expectCard(
      pendingApprovalsCard(
        inboxCardModel(
          { entries: [unnamed, owner, unnamedGroup], index: 0, count: 1, total: 3 },
          { now: NOW, reader: READER },
        ),
        viewer,
      ),
    );
    for (const key of ['byAnother', 'already', 'gone', 'stillDeciding'] as const)
      expectOneTranslation(t(`inbox:decided.${key}`));
  });
});

describe('pseudo-locale: the channel feed card', () => {
  const active = request('active', { activeFrom: REQUESTED, activeUntil: '2026-12-03T11:00:00Z' });
  const cases: Array<[string, PimRequest, boolean]> = [
    ['active, approved, with details', active, true],
    [
      'active, urgent, no details',
      { ...active, feed: { urgent: true, copies: [], posting: {}, announcedAt: REQUESTED } },
      false,
    ],
    ['deactivated', { ...active, status: 'deactivated', endedAt: '2026-12-03T09:45:00Z' }, true],
    ['expired', { ...active, status: 'expired' }, false],
    ['made outside the bot, no end', { ...active, source: 'external', approval: undefined, activeUntil: null }, false],
    ['through the bot, no approval', { ...active, approval: undefined, target: AU_ROLE }, false],
  ];
  it.each(cases)('%s', (_name, req, details) => {
    expectCard(activationFeedCard(feedCardModel(req, { now: NOW, details, locale: LOCALE }), { locale: LOCALE }));
  });
});

describe('pseudo-locale: the status card for every state', () => {
  const statuses: PimRequest['status'][] = [
    'pendingApproval',
    'approved',
    'active',
    'denied',
    'timedOut',
    'canceled',
    'failed',
    'expired',
    'deactivated',
  ];
  it.each(statuses)('%s', (status) => {
    const req = request(status, { activeUntil: '2026-12-03T11:00:00Z', endedAt: '2026-12-03T09:45:00Z' });
    const viewer = { aadObjectId: ADELE.aadObjectId, locale: LOCALE };
    expectCard(statusCard(requestStatusModel(req, { now: NOW, reader: READER }), viewer));
  });
});

describe('pseudo-locale: notices and card-action replies are one translation each', () => {
  it('reminder and decision notices', () => {
    expectOneTranslation(reminderText(request('pendingApproval'), LOCALE));
    for (const status of ['approved', 'denied', 'timedOut'] as const)
      expectOneTranslation(decidedText(request(status), LOCALE));
  });

  it('error cards of the card actions', () => {
    const cards = [
      unknownRequest(LOCALE),
      signInNeeded('Sign in on the card above.', LOCALE),
      ...['deactivate', 'approve', 'inboxPage', 'refreshApproval', 'somethingElse'].map((verb) =>
        invalidAction(verb, LOCALE),
      ),
    ];
    for (const card of cards) expectCard(card);
  });
});
