import type { Activity } from 'botbuilder';
import type { DialogInstance, DialogState } from 'botbuilder-dialogs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DialogServices } from '../../dialogs/dialog-services';
import { type ChatCommand, MainDialog } from '../../dialogs/main-dialog';
import { TeamsSsoTokenSource } from '../../src/teams/user-token-source';
import { demoRoles, demoUsers } from '../../simulators/tenant/demo-tenant';
import { cardActions, visibleText } from '../support/bot-harness';
import type { PimTestStack } from '../support/pim-stack';
import { type Chat, chatWith, text, useDialogWorld } from './dialog-fixture';

/**
 * Issue 15, "Interruptions": while any prompt of any dialog waits, a command the user types is understood as that
 * command (BotBuilder's interruption pattern), not taken as the prompt's answer. Help, roles, active, pending and
 * cancel request answer and return to the same prompt; a new `activate …` or `deactivate …` replaces the unfinished
 * one and says so; cancel ends it. The table runs every prompt × every hand-typed command through the real main
 * dialog (DialogTestClient, real PIM client, local authority, Graph simulator) and checks what the user sees and
 * where the dialog stands afterwards. At the free-text justification prompt only exact command forms interrupt.
 */

const { requester: adele } = demoUsers;
const { world, stack } = useDialogWorld();
let t: PimTestStack;
beforeEach(() => {
  t = stack();
});

const SIGN_IN = new TeamsSsoTokenSource('pimbot-sso').signInDialog;

/** Not signed in yet, with the production Teams SSO sign-in prompt (botbuilder's OAuthPrompt). */
function signedOut(services: DialogServices): DialogServices {
  return {
    ...services,
    sessions: {
      ...services.sessions,
      signInDialog: SIGN_IN,
      hasToken: async () => false,
      pimFor: async () => undefined,
      signInHelp: () => 'Sign in with the card above, then ask again.',
    },
  };
}

const activeOf = (roleDefinitionId: string) =>
  t.stack.graph
    .snapshot()
    .activations.some((a) => a.principalId === adele.id && a.roleDefinitionId === roleDefinitionId && a.isActive);
const makeActive = (roleDefinitionId: string) =>
  t.stack.graph.activate({ principalId: adele.id, roleDefinitionId, duration: 'PT2H', justification: 'portal' });
const confirmData = (replies: Partial<Activity>[]) =>
  replies.flatMap((r) => cardActions(r)).find((a) => a.data?.pimbot === 'confirm')?.data;

/** The id of the innermost dialog waiting (read from the saved dialog stack), undefined when none is. */
function waitingDialog(c: Chat): string | undefined {
  let stackOf: DialogInstance[] | undefined = c.client.dialogContext.stack;
  let id: string | undefined;
  while (stackOf?.length) {
    const top: DialogInstance = stackOf.at(-1)!; // botbuilder keeps a stack's top last
    id = top.id;
    stackOf = (top.state as { dialogs?: DialogState } | undefined)?.dialogs?.dialogStack;
  }
  return id;
}

interface PromptCase {
  /** The prompt's dialog id: where the dialog must wait again after an answer. */
  prompt: string;
  /** The command the main dialog starts with. */
  command: ChatCommand;
  /** "I dropped your unfinished … " as the user must read it. */
  dropped: string;
  signedOut?: boolean;
  /** Brings the started dialog to the prompt; returns the prompt as the user saw it. Default: one turn. */
  reach?(c: Chat): Promise<Partial<Activity>>;
}

const exchange = { type: 'activate', targetText: 'Exchange Administrator' } as const;
const exchangeConfirm = { ...exchange, minutes: 60, justification: 'mailbox migration' } as const;
const forExchange = 'I dropped your unfinished request for Exchange Administrator;';

const PROMPTS: PromptCase[] = [
  { prompt: 'activate.target', command: { type: 'activate' }, dropped: 'I dropped your unfinished request;' },
  { prompt: 'activate.duration', command: exchange, dropped: forExchange },
  { prompt: 'activate.justification', command: { ...exchange, minutes: 60 }, dropped: forExchange },
  {
    prompt: 'activate.ticket',
    command: { type: 'activate', targetText: 'Global Administrator', minutes: 60, justification: 'CA change' },
    dropped: 'I dropped your unfinished request for Global Administrator;',
  },
  { prompt: 'activate.confirm', command: exchangeConfirm, dropped: forExchange },
  {
    prompt: 'stepUp.wait',
    command: exchangeConfirm,
    dropped: forExchange,
    async reach(c) {
      world.amr = ['pwd']; // PIM asks for MFA: the step-up card waits for the sign-in.
      return (await c.send(confirmData(await c.send('go'))!)).at(-1)!;
    },
  },
  {
    prompt: 'deactivate.choose',
    command: { type: 'deactivate' },
    dropped: 'I dropped your unfinished deactivation;',
    async reach(c) {
      makeActive(demoRoles.exchangeAdministrator); // two active: the dialog asks which one
      return (await c.send('go')).at(-1)!;
    },
  },
  { prompt: SIGN_IN.id, command: exchange, dropped: forExchange, signedOut: true },
];

type Outcome =
  /** Answered (the reply matches), then the same prompt again. */
  | { after: 'reprompt'; reply: RegExp; signedOutReply?: RegExp }
  /** Replaced: "I dropped …; <starting>", then the new dialog's first step. */
  | { after: 'replace'; starting: string; next: RegExp; nextPrompt?: string; ended?: boolean }
  | { after: 'end'; reply: RegExp };

const NOT_SIGNED_IN = /I could not get your sign-in\. Sign in with the card above, then ask again\./;

const COMMANDS: Array<[typed: string, outcome: Outcome]> = [
  ['help', { after: 'reprompt', reply: /Here is what I can do/ }],
  ['?', { after: 'reprompt', reply: /Here is what I can do/ }],
  ['roles', { after: 'reprompt', reply: /User Administrator/, signedOutReply: NOT_SIGNED_IN }],
  ['show my roles', { after: 'reprompt', reply: /User Administrator/, signedOutReply: NOT_SIGNED_IN }],
  ['active', { after: 'reprompt', reply: /Reports Reader/, signedOutReply: NOT_SIGNED_IN }],
  ['pending', { after: 'reprompt', reply: /Approvals are not enabled on this bot/, signedOutReply: NOT_SIGNED_IN }],
  // This dialog world handles no approvals; test/bot/interruptions.test.ts withdraws a real waiting request.
  ['cancel request', { after: 'reprompt', reply: /Approvals are not handled by this bot/ }],
  ['cancel', { after: 'end', reply: /^Cancelled\. Nothing was submitted\.$/ }],
  ['forget it', { after: 'end', reply: /^Cancelled\. Nothing was submitted\.$/ }],
  [
    'activate User Administrator',
    {
      after: 'replace',
      starting: 'starting User Administrator.',
      next: /How long do you need User Administrator\?/,
      nextPrompt: 'activate.duration',
    },
  ],
  [
    'deactivate Reports Reader',
    {
      after: 'replace',
      starting: 'starting to deactivate Reports Reader.',
      next: /^Reports Reader is deactivated\.$/,
      ended: true,
    },
  ],
];

describe('a hand-typed command while a prompt waits is that command', () => {
  const cases = PROMPTS.flatMap((p) => COMMANDS.map(([typed, outcome]) => [p.prompt, typed, p, outcome] as const));

  it.each(cases)('at %s, "%s"', async (_prompt, typed, p, outcome) => {
    makeActive(demoRoles.reportsReader);
    const services = p.signedOut ? signedOut(world.services()) : world.services();
    // The text dialog's prompts: a client without forms (Teams gets the form at the role step: below).
    const c = chatWith(new MainDialog(services), { command: p.command }, adele, world, 'en-GB', 'webchat');
    const question = visibleText(p.reach ? await p.reach(c) : (await c.send('go')).at(-1));
    expect(waitingDialog(c)).toBe(p.prompt);

    const activations = () => t.stack.graph.snapshot().requests.filter((r) => r.action === 'selfActivate').length;
    const activationsBefore = activations();
    // PIM refuses to end an activation younger than 5 minutes (ActiveDurationTooShort): let Reports Reader age.
    t.stack.clock.advance(6 * 60_000);
    const replies = await c.send(typed);
    const seen = replies.map(visibleText);
    switch (outcome.after) {
      case 'reprompt': {
        const reply = (p.signedOut && outcome.signedOutReply) || outcome.reply;
        expect(seen[0]).toMatch(reply);
        // The same question again, as first asked, and the dialog waits on the same prompt.
        expect(seen.at(-1)).toBe(question);
        expect(waitingDialog(c)).toBe(p.prompt);
        break;
      }
      case 'end':
        expect(seen).toHaveLength(1);
        expect(seen[0]).toMatch(outcome.reply);
        expect(waitingDialog(c)).toBeUndefined();
        break;
      case 'replace': {
        expect(seen[0]).toBe(`${p.dropped} ${outcome.starting}`);
        if (p.signedOut) {
          // Not signed in: the new command asks for the sign-in again, and nothing was done in PIM.
          expect(seen.at(-1)).toBe(question);
          expect(waitingDialog(c)).toBe(SIGN_IN.id);
          expect(activeOf(demoRoles.reportsReader)).toBe(true);
          break;
        }
        expect(seen.slice(1).join('\n')).toMatch(outcome.next);
        expect(waitingDialog(c)).toBe(outcome.ended ? undefined : outcome.nextPrompt);
        if (outcome.ended) expect(activeOf(demoRoles.reportsReader)).toBe(false);
        break;
      }
    }
    // Nothing the interrupted dialog collected reached PIM.
    expect(activations()).toBe(activationsBefore);
  });
});

describe('at the justification prompt, only exact command forms interrupt: these are justifications', () => {
  it.each([
    'need to cancel the stuck job',
    'help desk ticket fix',
    'cancel the stuck job',
    'deactivate stale accounts in HR',
    'activate the backup job failover',
    'roles for the new hires need fixing',
    'help the service desk with mailbox rules',
    'pending mailbox migration',
  ])('"%s" is taken as the justification', async (justification) => {
    const c = chatWith(new MainDialog(world.services()), { command: { ...exchange, minutes: 60 } }, adele, world);
    await c.send('go');
    expect(waitingDialog(c)).toBe('activate.justification');
    const confirmation = await c.send(justification);
    // Exchange Administrator needs no ticket: the next step is the confirmation, carrying the reason as typed.
    expect(waitingDialog(c)).toBe('activate.confirm');
    expect(text(confirmation)).toContain(justification);
    expect(text(confirmation)).not.toMatch(/dropped|Here is what I can do|Cancelled/);
  });

  it('"deactivate Reports Reader" interrupts there only while Reports Reader is active', async () => {
    const c = chatWith(new MainDialog(world.services()), { command: { ...exchange, minutes: 60 } }, adele, world);
    await c.send('go');
    await c.send('deactivate Reports Reader');
    expect(waitingDialog(c)).toBe('activate.confirm');
  });
});

describe('card buttons while a prompt waits', () => {
  it('Activate on the roles card answered mid-dialog replaces the unfinished request with that role', async () => {
    const c = chatWith(new MainDialog(world.services()), { command: exchange }, adele, world, 'en-GB', 'webchat');
    await c.send('go');
    const roles = await c.send('roles');
    const userAdmin = roles
      .flatMap((r) => cardActions(r))
      .find((a) => a.data?.pimbot === 'activate' && String(a.data.target).includes(demoRoles.userAdministrator));
    expect(userAdmin).toBeDefined();
    const seen = (await c.send(userAdmin!.data!)).map(visibleText);
    expect(seen[0]).toBe('I dropped your unfinished request for Exchange Administrator; starting the one you picked.');
    expect(seen.at(-1)).toMatch(/How long do you need User Administrator\?/);
    expect(waitingDialog(c)).toBe('activate.duration');
  });

  it('Activate at the role chooser is its answer, not an interruption', async () => {
    const c = chatWith(
      new MainDialog(world.services()),
      { command: { type: 'activate' } },
      adele,
      world,
      'en-GB',
      'webchat',
    );
    const chooser = await c.send('go');
    const userAdmin = chooser
      .flatMap((r) => cardActions(r))
      .find((a) => a.data?.pimbot === 'activate' && String(a.data.target).includes(demoRoles.userAdministrator));
    const seen = (await c.send(userAdmin!.data!)).map(visibleText);
    expect(seen.join('\n')).not.toMatch(/dropped/);
    expect(seen.at(-1)).toMatch(/How long do you need User Administrator\?/);
  });
});

describe('in German (a de-DE Teams client): the interruption replies', () => {
  const german = (command: ChatCommand) =>
    chatWith(new MainDialog(world.services()), { command }, adele, world, 'de-DE');

  it('help keeps the place and says so; a new deactivate replaces the request and says what was dropped', async () => {
    const c = german(exchange);
    await c.send('go'); // the duration prompt
    const [help] = await c.send('help');
    expect(visibleText(help)).toContain(
      'Das kann ich für Sie tun. Wir machen dort weiter, wo wir waren: Beantworten Sie meine Frage unten, oder brechen Sie mit „cancel“ ab.',
    );
    expect(waitingDialog(c)).toBe('activate.duration');
    const [dropped] = await c.send('deactivate');
    expect(dropped?.text).toBe(
      'Ich habe Ihre unvollständige Anforderung für Exchange Administrator verworfen; jetzt beginne ich eine Deaktivierung.',
    );
  });

  it.each([
    ['activate User Administrator', 'jetzt beginne ich mit User Administrator.'],
    ['deactivate Reports Reader', 'jetzt deaktiviere ich Reports Reader.'],
  ])('"%s" at the deactivation choice: the dropped deactivation, then what starts', async (typed, starting) => {
    makeActive(demoRoles.exchangeAdministrator);
    makeActive(demoRoles.reportsReader);
    const c = german({ type: 'deactivate' });
    await c.send('go');
    expect((await c.send(typed))[0]?.text).toBe(`Ich habe Ihre unvollständige Deaktivierung verworfen; ${starting}`);
  });

  it('cancel request without approvals, then cancel, in German', async () => {
    const c = german(exchange);
    await c.send('go');
    expect((await c.send('cancel request'))[0]?.text).toBe(
      'Genehmigungen werden nicht über diesen Bot abgewickelt, daher gibt es keine Anforderung, die auf Genehmigung wartet und abgebrochen werden könnte.',
    );
    expect(text(await c.send('cancel'))).toBe('Abgebrochen. Es wurde nichts übermittelt.');
  });
});
