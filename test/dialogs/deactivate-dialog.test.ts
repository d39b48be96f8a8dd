import { beforeEach, describe, expect, it } from 'vitest';
import { type DeactivateChoice, DeactivateDialog, type DeactivateOptions } from '../../dialogs/deactivate-dialog';
import { targetKey } from '../../src/pim/target-key';
import { demoRoles, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { PimTestStack } from '../support/pim-stack';
import { type Chat, chatWith, text, useDialogWorld } from './dialog-fixture';

/**
 * The deactivation dialog collects which of the user's own activations to end: the one named, the only
 * one, or the one picked from their active list. It ends with that choice and ends nothing itself.
 */

const { requester: adele, noAccess: lee } = demoUsers;
const { world, stack } = useDialogWorld();
let t: PimTestStack;
beforeEach(() => {
  t = stack();
});

function chat(options: DeactivateOptions = {}, user = adele): Chat {
  return chatWith(new DeactivateDialog(world.services()), options, user, world);
}
const chosen = (c: Chat) => (c.client.dialogTurnResult.result as DeactivateChoice | undefined)?.target.displayName;
const activate = (roleDefinitionId: string) =>
  t.stack.graph.activate({ principalId: adele.id, roleDefinitionId, duration: 'PT2H', justification: 'portal' });
const stillActive = () =>
  t.stack.graph.snapshot().activations.filter((a) => a.principalId === adele.id && a.isActive === true).length;

describe('choosing what to deactivate', () => {
  it.each([
    ['nothing active', [], {}, /no active PIM roles or groups/, undefined],
    ['the only activation, unnamed', [demoRoles.exchangeAdministrator], {}, '', 'Exchange Administrator'],
    [
      'the one named',
      [demoRoles.exchangeAdministrator, demoRoles.reportsReader],
      { targetText: 'reports reader' },
      '',
      'Reports Reader',
    ],
    [
      'the one a card names by key',
      [demoRoles.exchangeAdministrator, demoRoles.reportsReader],
      {
        targetKey: targetKey({
          kind: 'role',
          roleDefinitionId: demoRoles.exchangeAdministrator,
          directoryScopeId: '/',
        }),
      },
      '',
      'Exchange Administrator',
    ],
  ] as Array<[string, string[], DeactivateOptions, RegExp | '', string | undefined]>)(
    '%s',
    async (_name, roles, options, reply, result) => {
      for (const role of roles) activate(role);
      const c = chat(options);
      const replies = await c.send('go');
      if (reply) expect(text(replies)).toMatch(reply);
      expect(c.client.dialogTurnResult.status).toBe('complete');
      expect(chosen(c)).toBe(result);
      // Choosing ends nothing: the parent deactivates.
      expect(stillActive()).toBe(roles.length);
    },
  );

  it('several active and none named: asks which, with the list; a typed name answers', async () => {
    activate(demoRoles.exchangeAdministrator);
    activate(demoRoles.reportsReader);
    const c = chat();
    expect(text(await c.send('go'))).toMatch(/Which one do you want to deactivate/);
    expect(text(await c.send('something else'))).toMatch(/Pick one with its button or type its name/);
    await c.send('Exchange Administrator');
    expect(chosen(c)).toBe('Exchange Administrator');
  });

  it('a name that is not active: says so and asks which', async () => {
    activate(demoRoles.exchangeAdministrator);
    activate(demoRoles.reportsReader);
    const c = chat({ targetText: 'Global Administrator' });
    expect(text(await c.send('go'))).toMatch(/"Global Administrator" is not one of your active roles/);
    expect(c.client.dialogTurnResult.status).toBe('waiting');
  });

  it('cancel while asked: nothing chosen', async () => {
    activate(demoRoles.exchangeAdministrator);
    activate(demoRoles.reportsReader);
    const c = chat();
    await c.send('go');
    expect(text(await c.send('cancel'))).toMatch(/Cancelled/);
    expect(chosen(c)).toBeUndefined();
  });

  it('a user without PIM access has nothing to deactivate', async () => {
    const c = chat({}, lee);
    expect(text(await c.send('go'))).toMatch(/no active PIM roles or groups/);
  });
});

describe('in German (a de-DE Teams client)', () => {
  const german = (options: DeactivateOptions = {}, user = adele) =>
    chatWith(new DeactivateDialog(world.services()), options, user, world, 'de-DE');

  it('nothing active: says so in German', async () => {
    expect(text(await german({}, lee).send('go'))).toBe(
      'Sie haben keine aktiven PIM-Rollen oder -Gruppen, die Sie deaktivieren könnten.',
    );
  });

  it('asks which, re-asks, and quotes a name that is not active (neutralised), in German', async () => {
    activate(demoRoles.exchangeAdministrator);
    activate(demoRoles.reportsReader);
    const c = german({ targetText: 'Global *Administrator*' });
    const [question] = await c.send('go');
    expect(question?.text).toBe(
      '„Global ∗Administrator∗“ ist keine Ihrer aktiven Rollen. Welche möchten Sie deaktivieren?',
    );
    expect(text(await c.send('irgendwas'))).toBe(
      'Wählen Sie eine über ihre Schaltfläche aus, oder geben Sie ihren Namen ein. Mit „cancel“ brechen Sie ab.',
    );
    expect(text(await c.send('cancel'))).toBe('Abgebrochen. Es wurde nichts übermittelt.');
  });
});
