import { describe, expect, it } from 'vitest';
import { type AdaptiveCard, statusCard } from '../../cards';
import { newRequest, type PimRequest } from '../../src/requests/pim-request';
import { requestStatusModel } from '../../src/views/status-view';
import { collectCardTexts } from '../cards/card-validation';

/**
 * The requester's status card, worded by the view in the reader's language (issue 15). English is the text the bot
 * has always sent; German is src/i18n/locales/de/requestStatus.json, written out here as the spec. Times:
 * Europe/Berlin, as Intl writes them in each language.
 */

const NOW = new Date('2026-12-03T10:00:00Z');
const MEGAN = { aadObjectId: 'megan-id', name: 'Megan Bowen' };
const NESTOR = { aadObjectId: 'nestor-id', name: 'Nestor Wilke' };

function request(status: PimRequest['status'], more: Partial<PimRequest> = {}): PimRequest {
  return newRequest({
    id: 'req-1',
    target: { kind: 'role', roleDefinitionId: 'ga', directoryScopeId: '/', displayName: 'Global Administrator' },
    requester: { aadObjectId: 'adele-id', name: 'Adele Vance' },
    durationMinutes: 150,
    requestedAt: '2026-12-03T09:00:00Z',
    status,
    approval: { approvalId: 'a', approvers: [MEGAN, NESTOR], hints: [], copies: [] },
    ...more,
  });
}
const decided = (comment?: string) => ({ by: MEGAN, at: '2026-12-03T09:30:00Z', ...(comment ? { comment } : {}) });

function texts(status: PimRequest['status'], locale: string, more: Partial<PimRequest> = {}): string[] {
  const reader = { locale, timeZone: 'Europe/Berlin' };
  const card: AdaptiveCard = statusCard(requestStatusModel(request(status, more), { now: NOW, reader }), {
    aadObjectId: 'adele-id',
    locale,
  });
  return collectCardTexts(card).map((t) => t.text);
}

describe('the status card in the requester’s language', () => {
  it('waiting: English as before, German with a German list of approvers', () => {
    expect(texts('pendingApproval', 'en-GB')).toEqual(
      expect.arrayContaining([
        'Waiting for approval',
        'Duration',
        '2 hours 30 minutes',
        'Approvers',
        'Waiting for Megan Bowen or Nestor Wilke.',
        'Cancel request',
      ]),
    );
    expect(texts('pendingApproval', 'de-DE')).toEqual(
      expect.arrayContaining([
        'Wartet auf Genehmigung',
        'Dauer',
        '2 Stunden 30 Minuten',
        'Genehmigende Personen',
        'Wartet auf Megan Bowen oder Nestor Wilke.',
        'Anforderung abbrechen',
      ]),
    );
  });

  it('active, denied and deactivated in German', () => {
    const approval = { approvalId: 'a', approvers: [MEGAN], hints: [], copies: [] };
    expect(
      texts('active', 'de-DE', {
        approval: { ...approval, decision: decided() },
        activeUntil: '2026-12-03T12:30:00Z',
      }),
    ).toEqual(
      expect.arrayContaining(['Aktiv', 'Genehmigt von Megan Bowen.', 'Aktiv bis', '13:30 MEZ', 'Jetzt deaktivieren']),
    );
    expect(texts('denied', 'de-DE', { approval: { ...approval, decision: decided('not this week') } })).toEqual(
      expect.arrayContaining(['Anforderung abgelehnt', 'Abgelehnt von Megan Bowen.', 'Begründung: not this week']),
    );
    expect(texts('deactivated', 'de-DE', { endedAt: '2026-12-03T09:45:00Z' })).toEqual(
      expect.arrayContaining(['Deaktiviert', 'Deaktiviert 10:45 MEZ.', 'Erneut aktivieren']),
    );
    expect(texts('deactivated', 'en-GB', { endedAt: '2026-12-03T09:45:00Z' })).toEqual(
      expect.arrayContaining(['Deactivated', 'Deactivated 10:45 CET.', 'Activate again']),
    );
  });
});
