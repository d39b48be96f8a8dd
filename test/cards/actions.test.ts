import { describe, expect, it } from 'vitest';
import { ACTIVATION_FORM_INPUT_IDS, PIMBOT_VERBS, readPimbotAction } from '../../cards';

describe('readPimbotAction (reading action data back from activity.value / value.action.data)', () => {
  it('reads our verbs, with or without a target, ignoring the merged inputs; `key` from older cards still reads', () => {
    expect(readPimbotAction({ pimbot: 'cancel' })).toEqual({ pimbot: 'cancel' });
    expect(
      readPimbotAction({ pimbot: 'activationForm', key: 'k', duration: '2h', justification: 'x', ticketNumber: 'y' }),
    ).toEqual({ pimbot: 'activationForm', target: 'k' });
    for (const verb of PIMBOT_VERBS) {
      expect(readPimbotAction({ pimbot: verb, target: 'k' })).toEqual({ pimbot: verb, target: 'k' });
      expect(readPimbotAction({ pimbot: verb, key: 'k' })).toEqual({ pimbot: verb, target: 'k' });
    }
  });

  it.each([
    [null],
    ['activate'],
    [[]],
    [{}],
    [{ pimbot: 'approve' }],
    [{ pimbot: 'activate', key: 42 }],
    [{ action: 'x' }],
  ])('returns null for %j', (value) => {
    expect(readPimbotAction(value)).toBeNull();
  });

  it('names the form inputs', () => {
    expect(ACTIVATION_FORM_INPUT_IDS).toEqual({
      duration: 'duration',
      justification: 'justification',
      ticketNumber: 'ticketNumber',
    });
  });
});
