import { beforeEach, describe, expect, it } from 'vitest';
import { ActivateRoleDialog, type ActivateRoleOptions } from '../../dialogs/activate-role-dialog';
import type { ActivationRequest } from '../../src/activation/activation-service';
import { targetKey } from '../../src/pim/target-key';
import {
  auScope,
  demoAdministrativeUnits,
  demoGroups,
  demoRoles,
  demoUsers,
} from '../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { cardActions } from '../support/bot-harness';
import type { PimTestStack } from '../support/pim-stack';
import { type Chat, chatWith, text, useDialogWorld } from './dialog-fixture';

/**
 * The activation dialog collects: role, duration, justification and ticket as the role's policy needs,
 * then the confirmation; it ends with the typed request (the parent submits it, see main-dialog.test).
 * Driven with botbuilder-testing's DialogTestClient against the real PIM client, local authority and
 * Graph simulator.
 */

const { requester: adele, noAccess: lee } = demoUsers;
const { world, stack } = useDialogWorld();
let t: PimTestStack;
beforeEach(() => {
  t = stack();
});

/** The text dialog (a client without the form: not msteams); the form is tested over HTTP (test/bot/activation-form). */
function chat(options: ActivateRoleOptions = {}, user: FixtureUser = adele): Chat {
  return chatWith(new ActivateRoleDialog(world.services()), options, user, world, 'en-GB', 'webchat');
}

const confirm = (replies: Parameters<typeof text>[0]) =>
  replies.flatMap((r) => cardActions(r)).find((a) => a.data?.pimbot === 'confirm')!.data!;
/** What the dialog ended with, for its parent. */
const collected = (c: Chat) => c.client.dialogTurnResult.result as ActivationRequest | undefined;
const exchangeKey = targetKey({
  kind: 'role',
  roleDefinitionId: demoRoles.exchangeAdministrator,
  directoryScopeId: '/',
});

describe('choosing the role', () => {
  it('a user with no eligibility is told so and the dialog ends', async () => {
    const c = chat({ targetText: 'exchange' }, lee);
    expect(text(await c.send('go'))).toMatch(/no eligible roles or groups/);
    expect(c.client.dialogTurnResult.status).toBe('complete');
  });

  it('no role named: shows the roles card; an Activate button picks one', async () => {
    const c = chat();
    const first = await c.send('start');
    expect(text(first)).toMatch(/Which role or group do you need/);
    expect(cardActions(first[0]).some((a) => a.data?.pimbot === 'activate')).toBe(true);
    expect(text(await c.send({ pimbot: 'activate', key: exchangeKey }))).toMatch(
      /How long do you need Exchange Administrator/,
    );
  });

  it('an ambiguous name asks which one; a typed name answers', async () => {
    const c = chat({ targetText: 'helpdesk' });
    expect(text(await c.send('go'))).toMatch(/matches more than one/);
    expect(text(await c.send('not a role at all'))).toMatch(/Pick a role with its Activate button/);
    expect(text(await c.send('Helpdesk Administrator'))).toMatch(/How long do you need Helpdesk Administrator/);
  });

  it('one role at two scopes: asks which, and a typed scope answers', async () => {
    const c = chat({ targetText: 'Authentication Administrator' });
    const asked = await c.send('go');
    expect(text(asked)).toMatch(/matches more than one/);
    // The roles card names each scope (Entra: an administrative unit is a role's scope).
    expect(text(asked)).toMatch(/Administrative unit Sales AU/);
    expect(text(await c.send('Sales AU'))).toMatch(/How long do you need Authentication Administrator/);
    await c.send('1h');
    await c.send(confirm(await c.send('reset a Sales user password')));
    expect(collected(c)?.target).toMatchObject({
      kind: 'role',
      roleDefinitionId: demoRoles.authenticationAdministrator,
      directoryScopeId: auScope(demoAdministrativeUnits.sales.id),
    });
  });

  it('an unknown name lists what the user can activate', async () => {
    const c = chat({ targetText: 'Cosmos DB Operator' });
    expect(text(await c.send('go'))).toMatch(/could not find "Cosmos DB Operator"/);
  });
});

describe('duration, justification and ticket', () => {
  it('re-asks an unreadable duration and one over the maximum, with the reason', async () => {
    const c = chat({ targetText: 'Exchange Administrator' });
    expect(text(await c.send('go'))).toMatch(/Up to 8 hours/);
    expect(text(await c.send('a while'))).toMatch(/e\.g\. 2h, 90m or 1\.5 hours/);
    expect(text(await c.send('9h'))).toMatch(/Exchange Administrator allows at most 8 hours/);
    expect(text(await c.send('3m'))).toMatch(/at least 5 minutes/);
    expect(text(await c.send('1.5h'))).toMatch(/requires a justification/);
  });

  it('a duration over the maximum given up front is re-asked with the reason', async () => {
    const c = chat({ targetText: 'Exchange Administrator', minutes: 600 });
    expect(text(await c.send('go'))).toMatch(/allows at most 8 hours\. How long do you need Exchange Administrator/);
  });

  it('asks for a justification only when the policy requires it', async () => {
    const reader = chat({ targetText: 'Reports Reader', minutes: 60 });
    const replies = await reader.send('go');
    expect(text(replies)).not.toMatch(/justification/i);
    expect(text(replies)).toMatch(/Reports Reader/);
    expect(confirm(replies)).toBeDefined();
  });

  it('re-asks a justification that is too long', async () => {
    const c = chat({ targetText: 'Exchange Administrator', minutes: 60 });
    await c.send('go');
    expect(text(await c.send('x'.repeat(501)))).toMatch(/up to 500 characters/);
    expect(text(await c.send('mailbox migration'))).toMatch(/No approval needed/);
  });

  it('asks for a ticket when required and re-asks one that does not look like a ticket', async () => {
    const c = chat({ targetText: 'Global Administrator', minutes: 60, justification: 'CA policy change' });
    expect(text(await c.send('go'))).toMatch(/requires a ticket number\. Which ServiceNow ticket/);
    expect(text(await c.send('soon'))).toMatch(/does not look like a ticket/);
    const confirmation = await c.send('CHG-1042');
    expect(text(confirmation)).toMatch(/CHG-1042/);
    expect(text(confirmation)).toMatch(/Needs approval by Megan Bowen or PIM Approvers/);
  });
});

describe('the confirmed request', () => {
  it('ends with the typed request the parent submits: role, policy, duration, justification, ticket', async () => {
    const c = chat({
      targetText: 'Exchange Administrator',
      minutes: 120,
      justification: 'fix mailbox rules',
      ticket: 'INC-42',
    });
    await c.send(confirm(await c.send('go')));
    expect(c.client.dialogTurnResult.status).toBe('complete');
    expect(collected(c)).toMatchObject({
      target: {
        kind: 'role',
        roleDefinitionId: demoRoles.exchangeAdministrator,
        displayName: 'Exchange Administrator',
      },
      durationMinutes: 120,
      justification: 'fix mailbox rules',
      ticket: { ticketNumber: 'INC-42', ticketSystem: 'ServiceNow' },
      policy: { maxDurationMinutes: 480, requiresJustification: true },
    });
    // Collecting submits nothing: PIM has no request yet.
    expect(t.stack.graph.snapshot().requests).toEqual([]);
  });

  it('"yes" confirms too; anything else re-asks', async () => {
    const c = chat({ targetText: 'Reports Reader', minutes: 60 });
    await c.send('go');
    expect(text(await c.send('hmm'))).toMatch(/Click Activate \(or say yes\)/);
    await c.send('yes');
    expect(collected(c)?.target.displayName).toBe('Reports Reader');
  });

  it('a group membership goes through the same steps', async () => {
    const c = chat({ targetText: 'helpdesk admins', minutes: 60, justification: 'queue' });
    await c.send(confirm(await c.send('go')));
    expect(collected(c)?.target).toMatchObject({ kind: 'group', groupId: demoGroups.helpdeskBundle.id });
  });

  it('a justification given up front that is too long is asked again, not dropped', async () => {
    const c = chat({ targetText: 'Reports Reader', minutes: 60, justification: 'x'.repeat(501) });
    expect(text(await c.send('go'))).toMatch(/500 characters or fewer\. Why do you need Reports Reader/);
    await c.send(confirm(await c.send('a short reason')));
    expect(collected(c)?.justification).toBe('a short reason');
  });
});

describe('cancel', () => {
  for (const [step, options] of [
    ['the role choice', {}],
    ['the duration', { targetText: 'Exchange Administrator' }],
    ['the justification', { targetText: 'Exchange Administrator', minutes: 60 }],
    ['the ticket', { targetText: 'GA', minutes: 60, justification: 'x' }],
    ['the confirmation', { targetText: 'Reports Reader', minutes: 60 }],
  ] as Array<[string, ActivateRoleOptions]>) {
    it(`works at ${step}, and nothing is submitted`, async () => {
      const c = chat(options);
      await c.send('go');
      expect(text(await c.send('cancel'))).toMatch(/Cancelled\. Nothing was submitted/);
      expect(c.client.dialogTurnResult.status).not.toBe('waiting');
      expect(t.stack.graph.snapshot().requests).toEqual([]);
    });
  }

  it('the Cancel button of a card works the same', async () => {
    const c = chat({ targetText: 'Reports Reader', minutes: 60 });
    await c.send('go');
    expect(text(await c.send({ pimbot: 'cancel' }))).toMatch(/Cancelled/);
  });
});
