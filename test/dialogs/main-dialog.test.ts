import type { Activity } from 'botbuilder';
import { beforeEach, describe, expect, it } from 'vitest';
import { type ChatCommand, MainDialog } from '../../dialogs/main-dialog';
import { demoRoles, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { cardActions, visibleText } from '../support/bot-harness';
import type { PimTestStack } from '../support/pim-stack';
import { type Chat, chatWith, text, useDialogWorld } from './dialog-fixture';

/**
 * The main dialog routes a command to the dialog that collects it and acts on the typed result: it
 * submits the activation through the ActivationService (status card Submitting → PIM's answer), asks
 * for a stronger sign-in when PIM wants one, and answers the read-only commands. DialogTestClient, real
 * PIM client, local authority and Graph simulator.
 */

const { requester: adele, approver: megan, noAccess: lee } = demoUsers;
const { world, stack } = useDialogWorld();
let t: PimTestStack;
beforeEach(() => {
  t = stack();
});

function chat(command: ChatCommand, user: FixtureUser = adele): Chat {
  return chatWith(new MainDialog(world.services()), { command }, user, world);
}
const activate = (options: Omit<Extract<ChatCommand, { type: 'activate' }>, 'type'>, user?: FixtureUser) =>
  chat({ type: 'activate', ...options }, user);

const confirm = (replies: Partial<Activity>[]) =>
  replies.flatMap((r) => cardActions(r)).find((a) => a.data?.pimbot === 'confirm')!.data!;
const activeFor = (id: string) =>
  t.stack.graph.snapshot().activations.filter((a) => a.principalId === id && a.isActive === true);

describe('routing: each command gets its answer', () => {
  const users = { adele, lee } as const;
  it.each([
    [{ type: 'help' }, 'adele', /Hi, I'm PIM Bot/],
    [{ type: 'unknown', text: 'gibberish' }, 'adele', /I didn't get that/],
    [{ type: 'roles' }, 'adele', /Exchange Administrator/],
    [{ type: 'roles' }, 'lee', /no eligible roles or groups/],
    [{ type: 'active' }, 'adele', /Nothing is active for you right now/],
    [{ type: 'deactivate' }, 'adele', /no active PIM roles or groups to deactivate/],
    [{ type: 'activate', targetText: 'exchange' }, 'lee', /no eligible roles or groups/],
  ] as Array<[ChatCommand, keyof typeof users, RegExp]>)('%j as %s → %s', async (command, user, expected) => {
    const c = chat(command, users[user]);
    expect(text(await c.send('go'))).toMatch(expected);
  });

  it('pending: without approvals on this bot, says so', async () => {
    const c = chat({ type: 'pending' }, megan);
    expect(text(await c.send('go'))).toMatch(/Approvals are not enabled on this bot/);
  });
});

describe('submission', () => {
  it('submits after confirming with the button: status card Submitting, then updated to Active', async () => {
    const c = activate({
      targetText: 'Exchange Administrator',
      minutes: 120,
      justification: 'fix mailbox rules',
      ticket: 'INC-42',
    });
    const replies = await c.send('go');
    const done = await c.send(confirm(replies));
    // The test adapter applies updateActivity to the queued reply: one card, now showing Active.
    expect(done).toHaveLength(1);
    expect(text(done)).toMatch(/^Active/);
    expect(text(done)).toMatch(/Deactivate now/);
    expect(activeFor(adele.id)).toHaveLength(1);
    expect(c.client.dialogTurnResult.status).toBe('complete');
    // One event, that the feed and the expiry jobs follow.
    expect(world.events.map((e) => [e.type, 'request' in e ? e.request.status : undefined])).toEqual([
      ['submitted', 'active'],
    ]);
  });

  it('a role needing approval ends pending, with nothing active yet', async () => {
    const c = activate({ targetText: 'GA', minutes: 60, justification: 'CA policy change', ticket: 'CHG-1' });
    const pending = await c.send(confirm(await c.send('go')));
    expect(text(pending)).toMatch(/Waiting for approval/);
    expect(text(pending)).toMatch(/Needs approval by Megan Bowen or PIM Approvers/);
    expect(t.stack.graph.snapshot().requests.find((r) => r.principalId === adele.id)?.status).toBe('PendingApproval');
    expect(activeFor(adele.id)).toEqual([]);
    expect(world.events.map((e) => 'request' in e && e.request.status)).toEqual(['pendingApproval']);
  });

  it('a Graph refusal fails the card with the reason and the fix', async () => {
    t.stack.graph.activate({
      principalId: adele.id,
      roleDefinitionId: demoRoles.exchangeAdministrator,
      duration: 'PT1H',
      justification: 'made in the portal',
    });
    const c = activate({ targetText: 'Exchange Administrator', minutes: 60, justification: 'again' });
    const failed = await c.send(confirm(await c.send('go')));
    expect(text(failed)).toMatch(/Activation failed/);
    expect(text(failed)).toMatch(/Exchange Administrator is already active for you/);
    expect(text(failed)).toMatch(/RoleAssignmentExists/);
    expect(t.stack.graph.snapshot().requests.filter((r) => r.principalId === adele.id)).toHaveLength(1);
    expect(world.events).toEqual([]);
  });

  it("storage down after PIM accepted: the card still shows PIM's answer, and the requester is told approvers were not reached", async () => {
    const c = activate({ targetText: 'GA', minutes: 60, justification: 'CA policy change', ticket: 'CHG-1' });
    const confirmation = await c.send('go');
    world.storageDown = true;
    const answer = await c.send(confirm(confirmation));
    expect(text(answer)).toMatch(/Waiting for approval/);
    expect(text(answer)).toMatch(/could not reach the approvers in Teams/);
    expect(t.stack.graph.snapshot().requests.find((r) => r.principalId === adele.id)?.status).toBe('PendingApproval');
    expect(world.events).toEqual([]);
  });

  it('cancel at the confirmation submits nothing', async () => {
    const c = activate({ targetText: 'Reports Reader', minutes: 60 });
    await c.send('go');
    expect(text(await c.send('cancel'))).toMatch(/Cancelled\. Nothing was submitted/);
    expect(t.stack.graph.snapshot().requests).toEqual([]);
  });
});

describe('step-up', () => {
  it('MFA: a sign-in without MFA gets the sign-in card; after it, the activation goes through', async () => {
    world.amr = ['pwd'];
    const c = activate({ targetText: 'Exchange Administrator', minutes: 60, justification: 'mailbox migration' });
    const signIn = await c.send(confirm(await c.send('go')));
    expect(text(signIn)).toMatch(/multi-factor authentication/);
    expect(signIn.flatMap((r) => cardActions(r)).find((a) => a.type === 'Action.OpenUrl')?.url).toMatch(/auth\/start/);
    expect(world.stepUps).toHaveLength(1);
    expect(text(await c.send('still waiting?'))).toMatch(/Finish signing in/);

    // The user signs in with MFA: the callback hands a token meeting the claims to the resumed turn.
    const credential = await t.credentialFor(adele, { amr: ['pwd', 'mfa'] });
    const token = await credential.getToken('https://graph.microsoft.com/.default');
    world.pendingStepUpToken = { resumeKey: world.stepUps[0]!.resumeKey, token: token! };
    const resumed = await c.resume(world.stepUps[0]!.resumeKey);
    expect(visibleText(resumed[0])).toMatch(/you are signed in/);
    expect(activeFor(adele.id)).toHaveLength(1);
    expect(c.client.dialogTurnResult.status).toBe('complete');
  });

  it('a resume event for another sign-in is ignored', async () => {
    const c = activate({ targetText: 'PRA', minutes: 60, justification: 'delegate', ticket: 'INC-9' });
    await c.send(confirm(await c.send('go')));
    expect(JSON.parse(world.stepUps[0]!.claims)).toEqual({ access_token: { acrs: { essential: true, value: 'c1' } } });
    const credential = await t.credentialFor(adele);
    world.pendingStepUpToken = {
      resumeKey: 'someone-else',
      token: (await credential.getToken('https://graph.microsoft.com/.default'))!,
    };
    await c.resume('someone-else');
    expect(t.stack.graph.snapshot().requests).toEqual([]);
    expect(c.client.dialogTurnResult.status).toBe('waiting');
  });
});

describe('in German: a de-DE Teams client reads every reply of this dialog in German', () => {
  const german = (command: ChatCommand, user: FixtureUser = adele) =>
    chatWith(new MainDialog(world.services()), { command }, user, world, 'de-DE');

  it.each([
    [{ type: 'help' }, 'adele', /^PIM Bot\nHallo, ich bin PIM Bot\./],
    [{ type: 'unknown', text: 'gibberish' }, 'adele', /^PIM Bot\nDas habe ich nicht verstanden\./],
    [{ type: 'roles' }, 'lee', /^Rollen, die Sie aktivieren können\nSie haben in PIM keine berechtigten Rollen/],
    [{ type: 'deactivate' }, 'adele', /^Sie haben keine aktiven PIM-Rollen oder -Gruppen/],
    [{ type: 'pending' }, 'megan', /Genehmigungen sind für diesen Bot nicht aktiviert\./],
  ] as Array<[ChatCommand, 'adele' | 'lee' | 'megan', RegExp]>)('%j as %s → %s', async (command, user, expected) => {
    const c = german(command, { adele, lee, megan }[user]);
    expect(text(await c.send('go'))).toMatch(expected);
  });

  it('the help card: German descriptions and buttons, the commands as typed', async () => {
    const [reply] = await german({ type: 'help' }).send('go');
    expect(visibleText(reply)).toContain('activate Exchange Administrator 2h INC-42 fix mailbox rules');
    expect(visibleText(reply)).toContain('Eine Rolle aktivieren; was fehlt, frage ich nach.');
    expect(cardActions(reply).map((a) => a.title)).toEqual(['Meine Rollen', 'Jetzt aktiv']);
  });

  it('roles: the list in German, durations by Intl ("8 Stunden")', async () => {
    const reply = text(await german({ type: 'roles' }).send('go'));
    expect(reply).toContain('Exchange Administrator\nVerzeichnisrolle\nBis zu 8 Stunden');
  });

  it('deactivates and says so in German', async () => {
    t.stack.graph.activate({
      principalId: adele.id,
      roleDefinitionId: demoRoles.reportsReader,
      duration: 'PT2H',
      justification: 'portal',
    });
    t.stack.clock.advance(6 * 60_000); // PIM refuses to end an activation in its first 5 minutes
    const c = german({ type: 'deactivate', targetText: 'Reports Reader' });
    expect(text(await c.send('go'))).toBe('Reports Reader ist deaktiviert.');
  });

  it("PIM's refusal in German: deactivating within the first 5 minutes (ActiveDurationTooShort)", async () => {
    t.stack.graph.activate({
      principalId: adele.id,
      roleDefinitionId: demoRoles.reportsReader,
      duration: 'PT2H',
      justification: 'portal',
    });
    const c = german({ type: 'deactivate', targetText: 'Reports Reader' });
    expect(text(await c.send('go'))).toBe(
      'Reports Reader wurde vor weniger als 5 Minuten aktiviert und kann noch nicht deaktiviert werden. Versuchen Sie es in einigen Minuten erneut.',
    );
  });

  it('step-up: the sign-in card, the re-prompt and the thanks are German, though the resume event has no locale', async () => {
    world.amr = ['pwd'];
    const c = chatWith(
      new MainDialog(world.services()),
      {
        command: {
          type: 'activate',
          targetText: 'Exchange Administrator',
          minutes: 60,
          justification: 'mailbox migration',
        },
      },
      adele,
      world,
      'de-DE',
    );
    const signIn = await c.send(confirm(await c.send('go')));
    expect(text(signIn)).toMatch(
      /Zum Fortfahren erneut anmelden\n.*multi-factor authentication.* Ihre Anforderung bleibt erhalten/s,
    );
    expect(signIn.flatMap((r) => cardActions(r)).find((a) => a.type === 'Action.OpenUrl')?.title).toBe('Anmelden');
    expect(text(await c.send('noch da?'))).toBe(
      'Schließen Sie die Anmeldung über die Karte oben ab, dann wird Ihre Anforderung fortgesetzt. Mit „cancel“ brechen Sie ab.',
    );
    const credential = await t.credentialFor(adele, { amr: ['pwd', 'mfa'] });
    const token = await credential.getToken('https://graph.microsoft.com/.default');
    world.pendingStepUpToken = { resumeKey: world.stepUps[0]!.resumeKey, token: token! };
    const resumed = await c.resume(world.stepUps[0]!.resumeKey);
    expect(visibleText(resumed[0])).toBe('Danke, Sie sind angemeldet. Ich übermittle Ihre Anforderung jetzt.');
  });
});
