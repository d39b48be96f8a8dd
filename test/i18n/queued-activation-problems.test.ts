import { describe, expect, it } from 'vitest';
import { type QueuedActivationCardModel, queuedActivationCard } from '../../cards';
import { assertValidCard, findById } from '../cards/card-validation';

/**
 * Why a queued "Activate again" failed, worded by the card from the code the domain keeps
 * (src/activation/queued-activation.ts): in German for a de-DE reader, from the German resources
 * (src/i18n/locales/de/queued.json, errors.json), and in English as before.
 */
const FAILED: QueuedActivationCardModel = {
  state: 'failed',
  targetName: 'Exchange Administrator',
  startsAtText: '14:30 (UTC+1)',
  durationText: '2 Stunden',
  requestId: '8a2f6c1e-3b7d-4e9a-a1c5-0f6d2e8b9c47',
  targetKey: 'role:29232cdf-9323-42fd-ade2-1d097af3e4de:/',
};

const text = (problem: QueuedActivationCardModel['problem'], locale: string) => {
  const card = queuedActivationCard({ ...FAILED, problem }, { locale });
  assertValidCard(card);
  return findById(card, 'queued-text').text;
};

describe('a failed queued activation, in the reader’s language', () => {
  it('no sign-in to submit it with', () => {
    expect(text({ code: 'noSignIn' }, 'de-DE')).toBe(
      'Exchange Administrator wurde nicht erneut aktiviert: Ich konnte Ihre Anmeldung nicht verwenden. ' +
        'Aktivieren Sie die Rolle jetzt und melden Sie sich an, falls Sie dazu aufgefordert werden.',
    );
    expect(text({ code: 'noSignIn' }, 'en-GB')).toBe(
      'Your Exchange Administrator was not activated again: I could not use your sign-in. Activate it now, and sign in if asked.',
    );
  });

  it("PIM's refusal: each reason's what happened and what to do, with the role's name and the policy's maximum", () => {
    const refused = {
      code: 'refused',
      message: 'You are not eligible for Exchange Administrator. Ask a PIM administrator to make you eligible.',
      reasons: [
        { code: 'notEligible', values: { name: 'Exchange Administrator' } },
        { code: 'durationOverMax', values: { maxMinutes: 120 } },
      ],
    } as const;
    expect(text(refused, 'de-DE')).toBe(
      'Exchange Administrator wurde nicht erneut aktiviert: ' +
        'Sie sind für Exchange Administrator nicht berechtigt, oder Ihre Berechtigung ist abgelaufen. ' +
        'Exchange Administrator erlaubt höchstens 2 Stunden. ' +
        'Bitten Sie einen PIM-Administrator, Sie berechtigt zu machen. ' +
        'Fordern Sie 2 Stunden oder weniger an.',
    );
    expect(text(refused, 'en-GB')).toMatch(
      /^Your Exchange Administrator was not activated again: You are not eligible for Exchange Administrator, or your eligibility has expired\./,
    );
  });

  it('a refusal without reasons shows its English words; a status PIM should not give is named', () => {
    expect(text({ code: 'refused', reasons: [], message: 'Quota reached.' }, 'de-DE')).toBe(
      'Exchange Administrator wurde nicht erneut aktiviert: Quota reached.',
    );
    expect(text({ code: 'unexpectedStatus', status: 'Failed' }, 'de-DE')).toBe(
      'Exchange Administrator wurde nicht erneut aktiviert: PIM hat mit Failed geantwortet.',
    );
    expect(text({ code: 'unexpectedStatus', status: 'Failed' }, 'en-US')).toBe(
      'Your Exchange Administrator was not activated again: PIM answered Failed.',
    );
  });
});
