import { describe, expect, it } from 'vitest';
import { checkActivationForm } from '../../src/activation/activation-form-check';
import type { ActivationPolicy } from '../../src/pim/pim-types';

/**
 * The activation form's answers checked on the server (a client that skips the card's inline checks, or a
 * forged submission, lands here): a duration (a chosen one in minutes, or a typed one that wins), between
 * PIM's 5 minutes and the role's policy maximum; a justification and a ticket when the policy requires them,
 * or when one was given anyway.
 */

const policy = (fields: Partial<ActivationPolicy> = {}): ActivationPolicy => ({
  policyId: 'p1',
  maxDuration: 'PT8H',
  maxDurationMinutes: 480,
  requiresJustification: false,
  requiresTicket: false,
  requiresMfa: false,
  authContext: null,
  requiresApproval: false,
  approvers: [],
  approverJustificationRequired: false,
  ...fields,
});
const rules = { ticketPattern: /^INC-\d+$/ };
const NAME = 'Exchange Administrator';

describe('checkActivationForm', () => {
  it('a chosen duration (its minutes) is enough when the policy asks for nothing else', () => {
    expect(checkActivationForm({ duration: '60' }, policy(), rules, NAME)).toEqual({
      ok: true,
      minutes: 60,
      justification: undefined,
      ticket: undefined,
    });
    expect(checkActivationForm({ duration: ' 480 ' }, policy(), rules, NAME)).toMatchObject({ ok: true, minutes: 480 });
  });

  it('a typed duration wins over the chosen one, read as chat reads it', () => {
    expect(checkActivationForm({ duration: '60', durationCustom: ' 1.5h ' }, policy(), rules, NAME)).toMatchObject({
      ok: true,
      minutes: 90,
    });
  });

  it('no duration, a blank one, or a chosen value that is not whole minutes: durationMissing', () => {
    for (const answers of [{}, { duration: '  ' }, { duration: '1h' }, { duration: '60.5' }, { duration: '123456' }]) {
      expect(checkActivationForm(answers, policy(), rules, NAME)).toEqual({
        ok: false,
        errors: { duration: { code: 'durationMissing', values: {} } },
      });
    }
  });

  it('a typed duration that cannot be read says why', () => {
    expect(checkActivationForm({ durationCustom: 'soon' }, policy(), rules, NAME)).toEqual({
      ok: false,
      errors: { duration: { code: 'durationHint', values: {} } },
    });
    expect(checkActivationForm({ durationCustom: '-2h', duration: '60' }, policy(), rules, NAME)).toEqual({
      ok: false,
      errors: { duration: { code: 'durationNegative', values: {} } },
    });
  });

  it('under 5 minutes or over the role’s maximum is refused with the limit and the role’s name', () => {
    expect(checkActivationForm({ duration: '4' }, policy(), rules, NAME)).toEqual({
      ok: false,
      errors: { duration: { code: 'durationUnderMinimum', values: { min: 5 } } },
    });
    expect(checkActivationForm({ duration: '5' }, policy(), rules, NAME)).toMatchObject({ ok: true, minutes: 5 });
    expect(checkActivationForm({ duration: '481' }, policy(), rules, NAME)).toEqual({
      ok: false,
      errors: { duration: { code: 'durationOverMax', values: { maxMinutes: 480, name: NAME } } },
    });
    expect(checkActivationForm({ durationCustom: '9h' }, policy(), rules, NAME)).toMatchObject({
      ok: false,
      errors: { duration: { code: 'durationOverMax' } },
    });
  });

  it('a required justification and ticket must be given and valid; the values come back trimmed', () => {
    const strict = policy({ requiresJustification: true, requiresTicket: true });
    expect(checkActivationForm({ duration: '60' }, strict, rules, NAME)).toEqual({
      ok: false,
      errors: {
        justification: { code: 'justificationMissing', values: {} },
        ticket: { code: 'ticketInvalid', values: {} },
      },
    });
    expect(
      checkActivationForm({ duration: '60', justification: ' mail flow ', ticket: ' INC-42 ' }, strict, rules, NAME),
    ).toEqual({ ok: true, minutes: 60, justification: 'mail flow', ticket: 'INC-42' });
  });

  it('a justification or ticket given though not required is checked and kept all the same', () => {
    expect(
      checkActivationForm({ duration: '60', justification: 'why not', ticket: 'INC-7' }, policy(), rules, NAME),
    ).toEqual({ ok: true, minutes: 60, justification: 'why not', ticket: 'INC-7' });
    expect(checkActivationForm({ duration: '60', ticket: 'nope' }, policy(), rules, NAME)).toEqual({
      ok: false,
      errors: { ticket: { code: 'ticketInvalid', values: {} } },
    });
    expect(checkActivationForm({ duration: '60', justification: 'x'.repeat(501) }, policy(), rules, NAME)).toEqual({
      ok: false,
      errors: { justification: { code: 'justificationTooLong', values: { max: 500 } } },
    });
    // Blank optional answers are not given.
    expect(checkActivationForm({ duration: '60', justification: '  ', ticket: ' ' }, policy(), rules, NAME)).toEqual({
      ok: true,
      minutes: 60,
      justification: undefined,
      ticket: undefined,
    });
  });

  it('every problem at once: one error per field', () => {
    const strict = policy({ requiresJustification: true, requiresTicket: true });
    const checked = checkActivationForm({ duration: '2' }, strict, rules, NAME);
    expect(checked.ok).toBe(false);
    expect(Object.keys(checked.ok ? {} : checked.errors).sort()).toEqual(['duration', 'justification', 'ticket']);
  });
});
