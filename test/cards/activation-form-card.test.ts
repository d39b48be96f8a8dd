// biome-ignore-all lint/suspicious/noTemplateCurlyInString: '${' here is a ticket pattern under test.
import { describe, expect, it } from 'vitest';
import { activationFormCard, CARD_BYTE_BUDGET, cardBytes, readSubmitAction } from '../../cards';
import { assertValidCard } from './card-validation';
import { normalActivationForm } from './fixtures';

type Json = Record<string, unknown>;
function element(card: unknown, id: string): Json | undefined {
  if (!card || typeof card !== 'object') return undefined;
  if (Array.isArray(card)) {
    for (const c of card) {
      const found = element(c, id);
      if (found) return found;
    }
    return undefined;
  }
  const o = card as Json;
  if (o.id === id) return o;
  for (const v of Object.values(o)) {
    const found = element(v, id);
    if (found) return found;
  }
  return undefined;
}

describe('activationFormCard', () => {
  it('asks for the role first: a required choice and Next, no policy fields yet', () => {
    const card = activationFormCard({ ...normalActivationForm, details: null, roleValue: null, errors: null });
    assertValidCard(card);
    expect(element(card, 'role')).toMatchObject({ type: 'Input.ChoiceSet', isRequired: true, value: '' });
    expect(element(card, 'duration')).toBeUndefined();
    expect(element(card, 'form-next')?.data).toEqual({
      pimbot: 'activationFormRole',
      requester: normalActivationForm.requester,
    });
    expect(element(card, 'form-activate')).toBeUndefined();
  });

  it('with a role: its fields with inline checks, the server errors under them, Activate naming the role shaped for', () => {
    const card = activationFormCard(normalActivationForm);
    assertValidCard(card);
    expect(element(card, 'justification')).toMatchObject({
      isRequired: true,
      isMultiline: true,
      maxLength: 500,
      value: 'rotate the break-glass credentials',
    });
    expect(element(card, 'ticket')).toMatchObject({ isRequired: true, maxLength: 100, value: 'not a ticket!' });
    expect(element(card, 'form-duration-error')?.text).toBe('Authentication Administrator allows at most 4 hours.');
    expect(element(card, 'form-justification-error')).toBeUndefined();
    expect(element(card, 'form-activate')?.data).toEqual({
      pimbot: 'activationForm',
      requester: normalActivationForm.requester,
      shapedFor: normalActivationForm.roleValue,
    });
  });

  it('sets the operator ticket pattern verbatim, even with template syntax in it', () => {
    const pattern = '^INC\\d{3}$|^${x}$';
    const details = { ...normalActivationForm.details!, ticket: { systemText: 'ServiceNow', pattern } };
    const card = activationFormCard({ ...normalActivationForm, details });
    expect(element(card, 'ticket')?.regex).toBe(pattern);
  });

  it('a role the choices do not offer is not preselected', () => {
    const card = activationFormCard({ ...normalActivationForm, roleValue: 'role:unknown:/' });
    expect(element(card, 'role')?.value).toBe('');
  });

  it('very many roles: the card stays within the Teams message budget, keeps the chosen one and says how many more', () => {
    const roles = Array.from({ length: 300 }, (_, i) => ({
      title: `Role ${i} \u2014 Administrative unit ${i}`,
      value: `role:c4e39bd9-1100-46d3-8c65-fb160da0071f:/administrativeUnits/c7d8e9f0-1a2b-4c3d-8e4f-000000000${String(i).padStart(3, '0')}`,
    }));
    const card = activationFormCard({ ...normalActivationForm, roles, roleValue: roles[299]!.value });
    assertValidCard(card);
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
    const offered = ((element(card, 'role')?.choices ?? []) as Array<{ value: string }>).map((c) => c.value);
    expect(offered).toContain(roles[299]!.value);
    expect(element(card, 'form-more')?.text).toMatch(new RegExp(`and ${300 - offered.length} more`));
  });
});

describe('readSubmitAction: the form', () => {
  const requester = normalActivationForm.requester;
  it('reads the inputs merged into the data, strings only, cut past their card limits', () => {
    const action = readSubmitAction({
      pimbot: 'activationForm',
      requester,
      shapedFor: 'role:x:/',
      role: 'role:x:/',
      duration: '60',
      durationCustom: 42,
      justification: 'j'.repeat(5000),
      ticket: 'INC-1',
    });
    expect(action).toEqual({
      verb: 'activationForm',
      form: {
        requester,
        shapedFor: 'role:x:/',
        role: 'role:x:/',
        duration: '60',
        justification: 'j'.repeat(1000),
        ticket: 'INC-1',
      },
    });
  });

  it('a form without its requester is not one of ours', () => {
    expect(readSubmitAction({ pimbot: 'activationForm', role: 'role:x:/' })).toBeUndefined();
    expect(readSubmitAction({ pimbot: 'activationFormRole', requester: '' })).toBeUndefined();
  });
});
