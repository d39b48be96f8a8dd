import type { Activity } from 'botbuilder';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type AdaptiveCard,
  activationFormCard,
  confirmationCard,
  expiryWarningCard,
  helpCard,
  myRolesCard,
  QUEUED_ACTIVATION_STATES,
  queuedActivationCard,
  submittedFormCard,
} from '../../cards';
import { helpCommands } from '../../dialogs/help-commands';
import { type ChatCommand, MainDialog } from '../../dialogs/main-dialog';
import { translator } from '../../src/i18n';
import { demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { cardActions } from '../support/bot-harness';
import { collectCardTexts } from '../cards/card-validation';
import {
  normalActivationForm,
  normalConfirmation,
  normalExpiryWarning,
  normalMyRoles,
  normalSubmittedForm,
} from '../cards/fixtures';
import { type Chat, chatWith, useDialogWorld } from '../dialogs/dialog-fixture';
import type { PimTestStack } from '../support/pim-stack';
import { glued, gluedTexts, OPEN, usePseudoEnglish } from '../support/pseudo-locale';

/**
 * The 1:1 chat's cards and dialog replies in the ⟦…⟧ pseudo-locale (test/support/pseudo-locale.ts): every text
 * the bot writes must be one translation, data values aside. A text glued from pieces, or English left in a
 * builder or a dialog, shows up outside a wrapper. The dialogs run through the real dialog fixture (Graph
 * simulator, local authority): their Teams client sends en-GB, which reads the pseudo English.
 */
usePseudoEnglish();

const VIEWER = { aadObjectId: '00000000-0000-0000-0000-00000000a0a0', locale: 'en-GB' };

/** What users type stays English (the parser reads English): the help card shows the commands as data. */
const COMMAND_EXAMPLES = helpCommands().map((c) => c.command);

/** Every name in the demo tenant (roles, groups, people): shown as data, alone on a line or inside a sentence. */
function tenantNames(): string[] {
  const names = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'displayName' && typeof inner === 'string') names.add(inner);
        else walk(inner);
      }
    }
  };
  walk(demoTenant);
  return [...names];
}

/** More roles than a card holds (Teams' message size): the form names the rest by count. */
const MANY_ROLES = Array.from({ length: 600 }, (_, i) => `Role ${i} ${'x'.repeat(40)}`);

const CARD_DATA = [
  ...MANY_ROLES,
  ...COMMAND_EXAMPLES,
  ...normalMyRoles.items.map((i) => i.name),
  normalConfirmation.targetName,
  normalConfirmation.durationText,
  normalConfirmation.justification ?? '',
  normalConfirmation.ticketNumber ?? '',
  normalConfirmation.approvalText,
  normalConfirmation.stepUpText ?? '',
  normalExpiryWarning.targetName,
  normalExpiryWarning.endsAtText,
  normalExpiryWarning.justification ?? '',
  normalExpiryWarning.ticketNumber ?? '',
  // The form's data: the caller's (already translated) texts and the durations' Intl words.
  normalActivationForm.intro ?? '',
  ...normalActivationForm.roles.map((r) => r.title),
  ...Object.values(normalActivationForm.errors ?? {}),
  ...Object.values(normalActivationForm.details ?? {}).flatMap((v) =>
    typeof v === 'string' ? [v] : Array.isArray(v) ? v.map((d: { title: string }) => d.title) : [],
  ),
  normalActivationForm.details?.justification?.value ?? '',
  normalActivationForm.details?.ticket?.value ?? '',
  ...Object.values(normalSubmittedForm).filter((v): v is string => typeof v === 'string'),
];

const QUEUED = {
  targetName: 'Exchange Administrator',
  startsAtText: '14:30 (UTC+1)',
  durationText: '2 hours',
  problem: 'The role policy requires a ticket number.',
  requestId: normalExpiryWarning.requestId,
  targetKey: normalExpiryWarning.targetKey,
};

const CARDS: Array<[string, () => AdaptiveCard]> = [
  ['helpCard', () => helpCard({ commands: helpCommands('en-GB') }, VIEWER)],
  [
    'helpCard with a dialog intro',
    () => helpCard({ intro: translator('en-GB')('help:intro.midDialog'), commands: helpCommands('en-GB') }, VIEWER),
  ],
  ['confirmationCard', () => confirmationCard(normalConfirmation, VIEWER)],
  ['confirmationCard for a group', () => confirmationCard({ ...normalConfirmation, kind: 'group' }, VIEWER)],
  [
    'myRolesCard (badges, access, grants, active until, more)',
    () =>
      myRolesCard(
        {
          items: normalMyRoles.items.map((item, i) =>
            i === 2 ? { ...item, grantsRoles: ['User Administrator'] } : item,
          ),
          maxItems: 2,
        },
        VIEWER,
      ),
  ],
  [
    'myRolesCard with a group that grants roles',
    () => myRolesCard({ items: [{ ...normalMyRoles.items[2]!, grantsRoles: ['User Administrator'] }] }, VIEWER),
  ],
  [
    'myRolesCard without a maximum',
    () => myRolesCard({ items: [{ ...normalMyRoles.items[0]!, maxDurationText: '' }] }, VIEWER),
  ],
  ['myRolesCard, empty', () => myRolesCard({ items: [] }, VIEWER)],
  ['expiryWarningCard', () => expiryWarningCard(normalExpiryWarning, VIEWER)],
  ['activationFormCard, shaped, with findings', () => activationFormCard(normalActivationForm, VIEWER)],
  [
    'activationFormCard, the role step, more roles than fit',
    () =>
      activationFormCard(
        {
          requester: normalActivationForm.requester,
          roles: MANY_ROLES.map((title, i) => ({ title, value: `role:${i}` })),
        },
        VIEWER,
      ),
  ],
  ['submittedFormCard', () => submittedFormCard(normalSubmittedForm, VIEWER)],
  ['submittedFormCard, clicked again', () => submittedFormCard({ ...normalSubmittedForm, again: true }, VIEWER)],
  [
    'activationFormCard, no roles',
    () => activationFormCard({ requester: normalActivationForm.requester, roles: [] }, VIEWER),
  ],
  [
    'expiryWarningCard without the time left',
    () => expiryWarningCard({ ...normalExpiryWarning, remainingText: '' }, VIEWER),
  ],
  ...QUEUED_ACTIVATION_STATES.map((state): [string, () => AdaptiveCard] => [
    `queuedActivationCard ${state}`,
    () => queuedActivationCard({ ...QUEUED, state }, VIEWER),
  ]),
  [
    'queuedActivationCard failed, nothing known',
    () =>
      queuedActivationCard({ ...QUEUED, state: 'failed', startsAtText: '', durationText: '', problem: null }, VIEWER),
  ],
];

describe('pseudo-locale: the chat cards are built from whole translations', () => {
  it.each(CARDS)('%s', (_name, build) => {
    const card = build();
    expect(gluedTexts(card, [...CARD_DATA, 'User Administrator', QUEUED.problem])).toEqual([]);
    expect(collectCardTexts(card).some((t) => t.text.startsWith(OPEN))).toBe(true);
  });
});

const { requester: adele, noAccess: lee } = demoUsers;
const { world, stack } = useDialogWorld();
let t: PimTestStack;
beforeEach(() => {
  t = stack();
});

/** Durations are Intl's words (CLDR), not translations: data like names. */
const intlUnit = (unit: 'hour' | 'minute', n: number) =>
  new Intl.NumberFormat('en-GB', { style: 'unit', unit, unitDisplay: 'long' }).format(n);
const DURATIONS = [intlUnit('minute', 30), ...[1, 2, 4, 8, 12, 24].map((n) => intlUnit('hour', n))];
/** What the user typed in the activation tests below, shown back on the confirmation card. */
const TYPED = ['conditional access change', 'CHG-1042'];

const DIALOG_DATA = [...tenantNames(), ...COMMAND_EXAMPLES, ...DURATIONS, ...TYPED];

/** Cards this area builds (by their first element's id); the others' cards have their own pseudo tests. */
const CHAT_CARDS = /^(help|roles|confirm|sign-in|queued|expiry|form)-/;

/** Every problem with what the bot wrote in these replies: message texts and this area's cards. */
function problems(replies: Partial<Activity>[]): string[] {
  const found: string[] = [];
  for (const reply of replies) {
    if (reply.text) {
      const problem = glued(reply.text, DIALOG_DATA);
      if (problem) found.push(problem);
    }
    for (const attachment of reply.attachments ?? []) {
      const card = attachment.content as AdaptiveCard;
      if (CHAT_CARDS.test(String(card.body?.[0]?.id ?? ''))) found.push(...gluedTexts(card, DIALOG_DATA));
    }
  }
  return found;
}

const main = (command: ChatCommand, user = adele): Chat =>
  chatWith(new MainDialog(world.services()), { command }, user, world);
const makeActive = (roleDefinitionId: string) =>
  t.stack.graph.activate({ principalId: adele.id, roleDefinitionId, duration: 'PT2H', justification: 'portal' });

/** Runs the turns, checks each turn's replies, and says how many replies were checked (never none). */
async function checkTurns(c: Chat, inputs: Array<string | Record<string, unknown>>): Promise<number> {
  let seen = 0;
  for (const input of inputs) {
    const replies = await c.send(input);
    expect(problems(replies), `after ${JSON.stringify(input)}`).toEqual([]);
    seen += replies.length;
  }
  return seen;
}

describe('pseudo-locale: every dialog reply is one translation (data values aside)', () => {
  it.each([
    ['help', { type: 'help' }, adele],
    ['an unknown command', { type: 'unknown', text: 'gibberish' }, adele],
    ['roles', { type: 'roles' }, adele],
    ['roles, none eligible', { type: 'roles' }, lee],
    ['active, none', { type: 'active' }, adele],
    ['pending without approvals', { type: 'pending' }, adele],
    ['deactivate, none active', { type: 'deactivate' }, adele],
  ] as Array<[string, ChatCommand, typeof adele]>)('%s', async (_name, command, user) => {
    const replies = await main(command, user).send('go');
    expect(replies.length).toBeGreaterThan(0);
    expect(problems(replies)).toEqual([]);
  });

  it('deactivation: the choice, its re-prompt, a name not active, and the result', async () => {
    makeActive(demoRoles.exchangeAdministrator);
    makeActive(demoRoles.reportsReader);
    const asked = main({ type: 'deactivate', targetText: 'Global Administrator' });
    expect(await checkTurns(asked, ['go', 'something else', 'cancel'])).toBeGreaterThanOrEqual(3);
    t.stack.clock.advance(6 * 60_000); // PIM refuses to end an activation in its first 5 minutes
    const named = main({ type: 'deactivate', targetText: 'Reports Reader' });
    const [done] = await named.send('go');
    expect(done?.text).toMatch(/^⟦Reports Reader .*⟧$/);
    expect(problems([done!])).toEqual([]);
  });

  it('interruptions: help in the middle, cancel request, a replacement, and cancel', async () => {
    makeActive(demoRoles.exchangeAdministrator);
    makeActive(demoRoles.reportsReader);
    const c = main({ type: 'activate', targetText: 'Exchange Administrator' });
    await c.send('go'); // the duration prompt: the activation dialog's, not checked here
    for (const typed of ['help', 'cancel request']) {
      const [answer] = await c.send(typed);
      expect(problems([answer!])).toEqual([]);
    }
    const [dropped] = await c.send('deactivate');
    expect(dropped?.text).toMatch(/^⟦I dropped/);
    expect(problems([dropped!])).toEqual([]);
    const [droppedAgain] = await c.send('activate User Administrator');
    expect(problems([droppedAgain!])).toEqual([]);
    await c.send('cancel').then((replies) => expect(problems(replies)).toEqual([]));
  });

  it('activation by text (a client without forms): every question, refusal, re-prompt and the confirmation', async () => {
    const c = chatWith(
      new MainDialog(world.services()),
      { command: { type: 'activate' } },
      adele,
      world,
      'en-GB',
      'webchat',
    );
    const seen = await checkTurns(c, [
      'go', // the role question with the roles card
      'no such role', // its re-prompt
      'Global Administrator',
      '99h', // refused: over the policy's maximum
      'soon', // unreadable
      '2h',
      'x'.repeat(600), // too long a reason
      'conditional access change',
      'not a ticket!', // the ticket's re-prompt
      'CHG-1042',
      'maybe', // the confirmation's re-prompt
    ]);
    expect(seen).toBeGreaterThanOrEqual(11);
    const named = chatWith(
      new MainDialog(world.services()),
      { command: { type: 'activate', targetText: 'Authentication Admin' } },
      adele,
      world,
      'en-GB',
      'webchat',
    );
    expect(await checkTurns(named, ['go'])).toBeGreaterThan(0); // ambiguous: one role at two scopes
  });

  it('activation by the form: the role step, a stranger, typed text, the shaped form and its findings', async () => {
    const c = main({ type: 'activate' });
    const [formReply] = await c.send('go');
    expect(problems([formReply!])).toEqual([]);
    const next = cardActions(formReply!).find((a) => a.data?.pimbot === 'activationFormRole')!.data!;
    expect(await checkTurns(c, ['what now?'])).toBe(1);
    const shaped = await c.send({ ...next, role: `role:${demoRoles.globalAdministrator}:/` });
    expect(problems(shaped)).toEqual([]);
    const activate = shaped.flatMap((r) => cardActions(r)).find((a) => a.data?.pimbot === 'activationForm')!.data!;
    const findings = await c.send({
      ...activate,
      role: `role:${demoRoles.globalAdministrator}:/`,
      durationCustom: '99h',
    });
    expect(problems(findings)).toEqual([]);
    const stranger = await c.send({ ...activate, requester: demoUsers.approver.id });
    expect(problems(stranger)).toEqual([]);
  });

  it('step-up: the sign-in card, its re-prompt and the thanks', async () => {
    world.amr = ['pwd'];
    const c = chatWith(
      new MainDialog(world.services()),
      { command: { type: 'activate', targetText: 'Exchange Administrator', minutes: 60, justification: 'migration' } },
      adele,
      world,
    );
    const confirm = (await c.send('go')).flatMap((r) => cardActions(r)).find((a) => a.data?.pimbot === 'confirm')!;
    const signIn = await c.send(confirm.data!);
    const card = signIn.find((r) => r.attachments?.length);
    expect(card).toBeDefined();
    expect(problems([card!])).toEqual([]);
    expect(problems(await c.send('still waiting?'))).toEqual([]);
    const credential = await t.credentialFor(adele, { amr: ['pwd', 'mfa'] });
    const token = await credential.getToken('https://graph.microsoft.com/.default');
    world.pendingStepUpToken = { resumeKey: world.stepUps[0]!.resumeKey, token: token! };
    const [thanks] = await c.resume(world.stepUps[0]!.resumeKey);
    expect(thanks?.text).toMatch(/^⟦.*⟧$/);
    expect(problems([thanks!])).toEqual([]);
  });
});
