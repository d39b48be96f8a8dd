import { describe, expect, it } from 'vitest';
import { QUEUED_ACTIVATION_NOTE, type QueuedActivationCardModel, queuedActivationCard } from '../../cards';
import { assertValidCard, collectActions, findById, hasId } from './card-validation';

/** An activation queued to follow a running one: in the requester's language (the stored chat locale). */
const MODEL: QueuedActivationCardModel = {
  state: 'queued',
  targetName: 'Exchange Administrator',
  startsAtText: '14:30 (UTC+1)',
  durationText: '2 hours',
  requestId: '8a2f6c1e-3b7d-4e9a-a1c5-0f6d2e8b9c47',
  targetKey: 'role:29232cdf-9323-42fd-ade2-1d097af3e4de:/',
};

const titles = (model: QueuedActivationCardModel, locale?: string) =>
  collectActions(queuedActivationCard(model, { locale })).map(({ action }) => action.title);

describe('queuedActivationCard', () => {
  it('queued, in English as before: title, text, note, Cancel', () => {
    const card = queuedActivationCard(MODEL, { locale: 'en-US' });
    assertValidCard(card);
    expect(findById(card, 'queued-title').text).toBe('Activates again at 14:30 (UTC+1)');
    expect(findById(card, 'queued-text').text).toBe(
      'Your Exchange Administrator will be activated again at 14:30 (UTC+1) for 2 hours.',
    );
    expect(findById(card, 'queued-note').text).toBe(QUEUED_ACTIVATION_NOTE);
    expect(QUEUED_ACTIVATION_NOTE).toBe(
      'PIM cannot extend a running activation, so I request the new one, with the same justification and ticket, as this one ends.',
    );
    expect(titles(MODEL)).toEqual(['Cancel']);
  });

  it('queued, in German for de-DE', () => {
    const card = queuedActivationCard(MODEL, { locale: 'de-DE' });
    assertValidCard(card);
    expect(findById(card, 'queued-title').text).toBe('Wird um 14:30 (UTC+1) erneut aktiviert');
    expect(findById(card, 'queued-text').text).toBe(
      'Exchange Administrator wird um 14:30 (UTC+1) für 2 hours erneut aktiviert.',
    );
    expect(findById(card, 'queued-note').text).toBe(
      'PIM kann eine laufende Aktivierung nicht verlängern. Daher fordere ich die neue mit derselben Begründung und Ticketnummer an, sobald diese endet.',
    );
    expect(titles(MODEL, 'de-DE')).toEqual(['Abbrechen']);
  });

  it('offered: English and German buttons name the start time', () => {
    const offered = { ...MODEL, state: 'offered' as const };
    expect(titles(offered)).toEqual(['Activate again at 14:30 (UTC+1)', 'Deactivate now']);
    expect(titles(offered, 'de-DE')).toEqual(['Um 14:30 (UTC+1) erneut aktivieren', 'Jetzt deaktivieren']);
    expect(findById(queuedActivationCard(offered, { locale: 'de-DE' }), 'queued-title').text).toBe(
      'Noch aktiv bis 14:30 (UTC+1)',
    );
  });

  it('failed: PIM\'s problem inside the sentence, or "PIM refused it." in the reader\'s language; Activate now', () => {
    const failed = { ...MODEL, state: 'failed' as const };
    expect(findById(queuedActivationCard({ ...failed, problem: 'Quota reached.' }), 'queued-text').text).toBe(
      'Your Exchange Administrator was not activated again: Quota reached.',
    );
    const german = queuedActivationCard(failed, { locale: 'de-DE' });
    expect(findById(german, 'queued-title').text).toBe('Nicht erneut aktiviert');
    expect(findById(german, 'queued-text').text).toBe(
      'Exchange Administrator wurde nicht erneut aktiviert: PIM hat sie abgelehnt.',
    );
    expect(hasId(german, 'queued-note')).toBe(false);
    expect(titles(failed, 'de-DE')).toEqual(['Jetzt aktivieren']);
  });
});
