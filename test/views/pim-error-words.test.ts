import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PimError } from '../../src/pim/pim-error';
import type { ActivationInput, PimTargetRef } from '../../src/pim/pim-types';
import { pimErrorText, pimErrorWords } from '../../src/views/pim-error-words';
import { demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { type PimTestStack, startPimTestStack } from '../support/pim-stack';

/**
 * A PIM refusal in the reader's language: real PimErrors from the PIM client against the Graph simulator (the
 * policy rules Graph names in RoleAssignmentRequestPolicyValidationFailed, ActiveDurationTooShort,
 * RoleAssignmentExists, throttling), put into words by pimErrorWords from their codes. English is exactly the
 * English the error always carried (PimError.userText, which the existing tests assert); German is the German
 * resources (src/i18n/locales/de/errors.json), with German durations ("8 Stunden", Intl's units).
 */

const { requester: adele } = demoUsers;
const role = (roleDefinitionId: string, displayName: string): PimTargetRef => ({
  kind: 'role',
  roleDefinitionId,
  directoryScopeId: '/',
  displayName,
});
const exchange = role(demoRoles.exchangeAdministrator, 'Exchange Administrator');
const globalAdmin = role(demoRoles.globalAdministrator, 'Global Administrator');

let t: PimTestStack;
beforeAll(async () => {
  t = await startPimTestStack();
});
afterAll(async () => t?.close());
beforeEach(() => {
  t.stack.graph.loadFixture(demoTenant);
  t.stack.graph.clearFaults();
});
afterEach(() => {
  expect(t.violations, t.contractReport()).toEqual([]);
  t.violations.length = 0;
});

async function refusal(input: ActivationInput): Promise<PimError> {
  const pim = await t.clientFor(adele);
  const err = await pim.activate(input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PimError);
  return err as PimError;
}

describe('a PIM refusal in English and German', () => {
  const rows: Array<{ name: string; input: ActivationInput; de: string }> = [
    {
      name: 'longer than the policy maximum (ExpirationRule, with the policy)',
      input: { target: exchange, durationMinutes: 9 * 60, justification: 'mailbox migration' },
      de: 'Exchange Administrator erlaubt höchstens 8 Stunden. Fordern Sie 8 Stunden oder weniger an.',
    },
    {
      name: 'no justification and no ticket (two rules, two whole sentences each)',
      input: { target: globalAdmin, durationMinutes: 60 },
      de:
        'Global Administrator erfordert eine Begründung. Global Administrator erfordert eine Ticketnummer. ' +
        'Geben Sie kurz an, warum Sie sie benötigen. Geben Sie das Änderungs- oder Incident-Ticket an, für das diese Arbeit ist.',
    },
    {
      name: 'shorter than 5 minutes (ActiveDurationTooShort)',
      input: { target: exchange, durationMinutes: 4, justification: 'quick fix' },
      de: 'Exchange Administrator muss für mindestens 5 Minuten aktiviert werden. Fordern Sie 5 Minuten oder mehr an.',
    },
  ];

  for (const row of rows) {
    it(row.name, async () => {
      const err = await refusal(row.input);
      expect(err.reasons.length).toBeGreaterThan(0);
      expect(pimErrorText(err, 'en-US')).toBe(err.userText);
      expect(pimErrorWords(err, 'en-GB')).toEqual({ message: err.message, fix: err.fix });
      expect(pimErrorText(err, 'de-DE')).toBe(row.de);
      expect(pimErrorText(err, 'de-AT')).toBe(row.de);
    });
  }

  it('already active (RoleAssignmentExists): the command to type stays English, quoted', async () => {
    const pim = await t.clientFor(adele);
    await pim.activate({ target: exchange, durationMinutes: 60, justification: 'mailbox migration' });
    const err = await refusal({ target: exchange, durationMinutes: 60, justification: 'again' });
    expect(pimErrorText(err, 'en')).toBe(err.userText);
    expect(pimErrorWords(err, 'de-DE')).toEqual({
      message: 'Exchange Administrator ist für Sie bereits aktiv.',
      fix: 'PIM kann eine laufende Aktivierung nicht verlängern: Fordern Sie sie erneut an, wenn sie endet, oder deaktivieren Sie sie zuerst. Geben Sie „active“ ein, um zu sehen, bis wann.',
    });
  });

  it('throttled past the retry budget: German, with the seconds Graph asked for', async () => {
    t.stack.graph.injectFault({ kind: 'status', status: 429, count: 50, retryAfterSeconds: 120 });
    const err = await refusal({ target: exchange, durationMinutes: 60, justification: 'mailbox migration' });
    expect(err.kind).toBe('Throttled');
    expect(pimErrorText(err, 'en-GB')).toBe(err.userText);
    expect(pimErrorWords(err, 'de-DE')).toEqual({
      message: 'Microsoft Graph drosselt gerade Anforderungen.',
      fix: 'Es wurde nichts übermittelt. Versuchen Sie es in 120 Sekunden erneut.',
    });
  });

  it('an error built without codes keeps its English in every language', () => {
    const err = new PimError({ kind: 'Unknown', graphCode: null, httpStatus: null, message: 'Odd.', fix: 'Retry.' });
    expect(pimErrorText(err, 'de-DE')).toBe('Odd. Retry.');
  });
});
