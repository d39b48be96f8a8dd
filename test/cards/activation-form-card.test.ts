import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { type ActivationFormCardModel, activationFormCard } from '../../cards';
import { assertValidCard, collectActions, findById, hasId } from './card-validation';
import { normalForm } from './fixtures';

const require = createRequire(import.meta.url);
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

const form = (overrides: Partial<ActivationFormCardModel> = {}) => activationFormCard({ ...normalForm, ...overrides });

/** How the SDK (and Teams web/desktop) applies an input's `regex`: unanchored `new RegExp(regex, 'g').test`. */
const clientAccepts = (regex: string, value: string) => new RegExp(regex, 'g').test(value);

describe('activationFormCard', () => {
  it('asks for duration, justification and ticket, prefilled from what the user already typed', () => {
    const card = form();
    assertValidCard(card);
    expect(findById(card, 'form-title').text).toBe('Activate Exchange Administrator');
    expect(findById(card, 'form-approval-note')).toMatchObject({
      text: 'This role needs approval from Security Admins.',
      color: 'warning',
    });
    expect(findById(card, 'duration')).toMatchObject({
      type: 'Input.Text',
      label: 'Duration (up to 8 hours)',
      isRequired: true,
      value: '2h',
      errorMessage: 'Enter a duration of up to 8 hours, for example 2h.',
    });
    expect(findById(card, 'justification')).toMatchObject({
      type: 'Input.Text',
      isMultiline: true,
      value: 'fix mailbox rules',
    });
    expect(findById(card, 'ticketNumber')).toMatchObject({
      type: 'Input.Text',
      label: 'Ticket number (ServiceNow)',
      placeholder: 'INC-12345',
      value: 'INC-42',
    });
  });

  it('duration defaults to defaultDurationText when nothing was typed', () => {
    expect(findById(form({ prefill: {} }), 'duration').value).toBe('1h');
  });

  describe('inputs follow the policy', () => {
    it('justification required: isRequired, non-blank regex, maxLength and an error message', () => {
      const justification = findById(form({ justificationMaxLength: 300 }), 'justification');
      expect(justification).toMatchObject({
        isRequired: true,
        maxLength: 300,
        label: 'Justification',
        errorMessage: 'Tell the approvers why you need it (at most 300 characters).',
      });
      const regex = justification.regex as string;
      expect(clientAccepts(regex, 'fix mailbox rules')).toBe(true);
      expect(clientAccepts(regex, '  \n  ')).toBe(false);
      expect(clientAccepts(regex, 'line one\nline two')).toBe(true);
    });

    it('justification optional: not required, no regex, still capped', () => {
      const justification = findById(form({ requiresJustification: false }), 'justification');
      expect(justification).toMatchObject({ isRequired: false, maxLength: 500, label: 'Justification (optional)' });
      expect(justification).not.toHaveProperty('regex');
    });

    it('a prefilled justification longer than the limit is cut to fit', () => {
      const value = findById(form({ prefill: { justification: 'y'.repeat(900) } }), 'justification').value as string;
      expect(value).toHaveLength(500);
      expect(value.endsWith('…')).toBe(true);
    });

    it('ticket required: isRequired, maxLength and the pattern anchored to the whole value', () => {
      const ticket = findById(form(), 'ticketNumber');
      expect(ticket).toMatchObject({
        isRequired: true,
        maxLength: 100,
        regex: '^(?:INC-\\d+)$',
        errorMessage: 'Enter the ticket number in the expected format for ServiceNow.',
      });
      const regex = ticket.regex as string;
      expect(clientAccepts(regex, 'INC-42')).toBe(true);
      expect(clientAccepts(regex, 'see INC-42 please')).toBe(false);
      expect(clientAccepts(regex, 'INC-')).toBe(false);
    });

    it('ticket required without a pattern: no regex, plain error message', () => {
      const ticket = findById(
        form({ ticketPattern: null, ticketSystem: null, ticketPlaceholder: null }),
        'ticketNumber',
      );
      expect(ticket).toMatchObject({
        isRequired: true,
        label: 'Ticket number',
        errorMessage: 'Enter the ticket number.',
      });
      expect(ticket).not.toHaveProperty('regex');
      expect(ticket).not.toHaveProperty('placeholder');
    });

    it('ticket not required: hidden, unless the user already typed one (then optional)', () => {
      expect(hasId(form({ requiresTicket: false, prefill: {} }), 'ticketNumber')).toBe(false);
      expect(findById(form({ requiresTicket: false }), 'ticketNumber')).toMatchObject({
        isRequired: false,
        label: 'Ticket number (ServiceNow) (optional)',
        value: 'INC-42',
      });
    });

    it('an invalid ticket pattern is a configuration error', () => {
      expect(() => form({ ticketPattern: 'INC-(' })).toThrow(/ticketPattern/);
    });
  });

  describe('duration choices', () => {
    const choices = [
      { title: '30 minutes', value: '30m', minutes: 30 },
      { title: '2 hours', value: '2h', minutes: 120 },
      { title: '8 hours', value: '8h', minutes: 480 },
      { title: '1 day', value: '1d', minutes: 1440 },
    ];

    it('become a required drop-down without the choices over the policy maximum', () => {
      const card = form({ durationChoices: choices });
      assertValidCard(card);
      expect(findById(card, 'duration')).toMatchObject({
        type: 'Input.ChoiceSet',
        style: 'compact',
        isRequired: true,
        value: '2h',
        choices: [
          { title: '30 minutes', value: '30m' },
          { title: '2 hours', value: '2h' },
          { title: '8 hours', value: '8h' },
        ],
      });
    });

    it('preselect the typed duration (by value or title), else the default, else nothing', () => {
      expect(findById(form({ durationChoices: choices, prefill: { duration: '8 Hours' } }), 'duration').value).toBe(
        '8h',
      );
      expect(
        findById(form({ durationChoices: choices, prefill: {}, defaultDurationText: '30m' }), 'duration').value,
      ).toBe('30m');
      expect(findById(form({ durationChoices: choices, prefill: { duration: '5h' } }), 'duration')).not.toHaveProperty(
        'value',
      );
    });

    it('fall back to the text input when none is allowed', () => {
      expect(findById(form({ durationChoices: choices, maxDurationMinutes: 10 }), 'duration').type).toBe('Input.Text');
    });
  });

  it('shows the error of a rejected submission at the top', () => {
    expect(findById(form({ errorText: 'Maximum is 8 hours.' }), 'form-error')).toMatchObject({
      text: 'Maximum is 8 hours.',
      color: 'attention',
    });
    expect(hasId(form(), 'form-error')).toBe(false);
  });

  it('Continue submits {pimbot:"activationForm", key}; Cancel submits {pimbot:"cancel"} without validating', () => {
    const actions = collectActions(form()).map(({ action }) => action);
    expect(actions).toEqual([
      expect.objectContaining({
        type: 'Action.Submit',
        title: 'Continue',
        data: { pimbot: 'activationForm', target: 'elig-exchange' },
      }),
      expect.objectContaining({
        type: 'Action.Submit',
        title: 'Cancel',
        associatedInputs: 'none',
        data: { pimbot: 'cancel' },
      }),
    ]);
    expect(actions[0]).not.toHaveProperty('associatedInputs');
  });

  it('in the SDK, Continue gathers and validates the three inputs; Cancel gathers and validates none', () => {
    const sdkCard = new AC.AdaptiveCard();
    sdkCard.parse(form({ prefill: {} }), new AC.SerializationContext(AC.Versions.v1_5));
    const submit = sdkCard.getActionById('form-submit') as InstanceType<typeof AC.SubmitAction>;
    const cancel = sdkCard.getActionById('form-cancel') as InstanceType<typeof AC.SubmitAction>;
    expect(Object.keys(submit.getReferencedInputs() ?? {}).sort()).toEqual([
      'duration',
      'justification',
      'ticketNumber',
    ]);
    // Unrendered inputs are empty: every required one fails validation.
    expect(submit.validateInputs().map((input) => input.id)).toEqual(['duration', 'justification', 'ticketNumber']);
    expect(Object.keys(cancel.getReferencedInputs() ?? {})).toEqual([]);
    expect(cancel.validateInputs()).toEqual([]);
  });
});
