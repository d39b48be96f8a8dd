import { type Activity, MemoryStorage, TestAdapter } from 'botbuilder';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseDuration, validateDuration } from '../../src/activation/duration-parser';
import { checkJustification, checkTicket } from '../../src/activation/request-rules';
import { ChannelSubscriptionCommands } from '../../src/bot/channel-subscription-commands';
import {
  nameProblems,
  subscribedReply,
  subscriptionsReply,
  unsubscribedReply,
} from '../../src/bot/subscription-replies';
import { type ChannelSubscription, ChannelSubscriptionStore } from '../../src/notifications/channel-subscriptions';
import { SubscriptionNames } from '../../src/notifications/subscription-names';
import { DirectoryClient } from '../../src/pim/directory-client';
import { toPimError } from '../../src/pim/pim-error';
import { inputProblemText } from '../../src/views/input-problem-words';
import { pimErrorText, pimErrorWords } from '../../src/views/pim-error-words';
import { CLOSE, glued, OPEN, usePseudoEnglish } from '../support/pseudo-locale';

// The bot layer's own messages, the subscription answers and the errors users read (issue 15, two languages): in
// the ⟦…⟧ pseudo-locale each message is exactly one translation, the data (role names, typed names, Graph's codes,
// numbers) inside it. Machinery: test/support/pseudo-locale.ts.
usePseudoEnglish();

const LOCALE = 'en-US';
const GA = 'Global Administrator';
const EXO = 'Exchange Administrator';
const READER = 'Global Reader';
const DATA = [
  GA,
  EXO,
  READER,
  'Exchnge',
  'RoleAssignmentRequestPolicyValidationFailed',
  'Forbidden',
  '120',
  '5',
  '500',
  '100',
];

/** The text is one translation, data aside; and it did come from the pseudo resources (not vacuous). */
function expectOneTranslation(text: string | undefined, data: readonly string[] = DATA): void {
  expect(text).toBeDefined();
  expect(glued(text!, data)).toBeUndefined();
  expect(text!.startsWith(OPEN) && text!.endsWith(CLOSE)).toBe(true);
}

const sub = (filters: string[], details?: boolean): ChannelSubscription =>
  ({ filters, details, by: { aadObjectId: 'x' }, reference: {} }) as unknown as ChannelSubscription;

describe('pseudo-locale: subscription answers are one translation each', () => {
  const both = sub([GA, EXO]);
  const cases: Array<[string, () => string | undefined]> = [
    ['no subscription', () => subscriptionsReply(undefined, false, LOCALE)],
    ['no subscription, security channel', () => subscriptionsReply(undefined, true, LOCALE)],
    ['filters, details', () => subscriptionsReply(sub([GA, EXO, READER], true), true, LOCALE)],
    ['every activation', () => subscriptionsReply(sub([]), false, LOCALE)],
    [
      'ambiguous and unknown names',
      () =>
        nameProblems(
          [
            { text: 'Exchnge', match: { kind: 'ambiguous', options: [EXO, READER] } },
            { text: 'Exchnge', match: { kind: 'none', suggestions: [EXO] } },
            { text: 'Exchnge', match: { kind: 'none', suggestions: [] } },
          ],
          'subscribe',
          [],
          LOCALE,
        ),
    ],
    [
      'not followed',
      () => nameProblems([{ text: 'Exchnge', match: { kind: 'none', suggestions: [] } }], 'unsubscribe', [GA], LOCALE),
    ],
    [
      'subscribed, one already there, offer',
      () =>
        subscribedReply(
          { subscription: both, added: [EXO], already: [GA], unchanged: false } as never,
          true,
          true,
          LOCALE,
        ),
    ],
    [
      'unchanged, two already there',
      () =>
        subscribedReply(
          { subscription: both, added: [], already: [GA, EXO], unchanged: true } as never,
          true,
          false,
          LOCALE,
        ),
    ],
    [
      'already everything',
      () =>
        subscribedReply(
          { subscription: sub([]), added: [], already: [GA], unchanged: true } as never,
          true,
          false,
          LOCALE,
        ),
    ],
    [
      'unsubscribed some, one gone meanwhile',
      () =>
        unsubscribedReply(
          { before: both, after: sub([EXO]), removed: [GA], notFollowed: [READER] } as never,
          true,
          LOCALE,
        ),
    ],
    [
      'unsubscribed the last',
      () => unsubscribedReply({ before: both, removed: [GA, EXO], notFollowed: [] } as never, true, LOCALE),
    ],
    [
      'unsubscribed all',
      () => unsubscribedReply({ before: both, removed: [], notFollowed: [] } as never, false, LOCALE),
    ],
  ];
  it.each(cases)('%s', (_name, build) => expectOneTranslation(build()));
});

describe('pseudo-locale: the channel commands answer with one translation', () => {
  async function reply(conversationType: string, adminGroupId?: string): Promise<Partial<Activity>> {
    const commands = new ChannelSubscriptionCommands({
      store: new ChannelSubscriptionStore(new MemoryStorage()),
      names: new SubscriptionNames({ roleNames: async () => [], groupNames: async () => [] }),
      // Never called on these paths (no admin group to read; not a channel).
      directory: Object.create(DirectoryClient.prototype) as DirectoryClient,
      adminGroupId,
      allowedTenantIds: [],
    });
    let answer: Partial<Activity> = {};
    const adapter = new TestAdapter(async (context) => {
      await commands.handle(context, { type: 'subscribe', args: '' }, pino({ level: 'silent' }));
    });
    await adapter
      .send({
        type: 'message',
        text: 'subscribe',
        locale: LOCALE,
        channelId: 'msteams',
        from: { id: '29:a', aadObjectId: 'a', name: 'A' },
        conversation: { id: '19:c@thread.tacv2', conversationType, isGroup: true, name: '' },
        channelData: { channel: { id: '19:c@thread.tacv2' } },
      })
      .assertReply((activity) => {
        answer = activity;
      });
    return answer;
  }

  it('outside a channel', async () => expectOneTranslation((await reply('groupChat')).text));
  it('subscriptions turned off', async () => expectOneTranslation((await reply('channel')).text));
});

describe('pseudo-locale: errors users read are one translation each', () => {
  const exchange = { kind: 'role' as const, roleDefinitionId: 'r', directoryScopeId: '/', displayName: EXO };
  const failure = (
    httpStatus: number,
    code: string | null,
    message: string | null,
    retryAfterSeconds = null as number | null,
  ) => ({
    httpStatus,
    code,
    message,
    requestId: null,
    retryAfterSeconds,
  });
  const errors: Array<[string, ReturnType<typeof toPimError>]> = [
    [
      'expiration rule with the policy maximum',
      toPimError(
        failure(
          400,
          'RoleAssignmentRequestPolicyValidationFailed',
          'The following policy rules failed: ["ExpirationRule"]',
        ),
        { operation: 'activate', target: exchange, policy: { maxDurationMinutes: 480 } as never },
      ),
    ],
    [
      'already active',
      toPimError(failure(400, 'RoleAssignmentExists', null), { operation: 'activate', target: exchange }),
    ],
    ['forbidden, no target', toPimError(failure(403, null, null), { operation: 'decide' })],
    ['throttled', toPimError(failure(429, null, null, 120), { operation: 'activate', target: exchange })],
  ];
  it.each(errors)('%s', (_name, err) => {
    const words = pimErrorWords(err, LOCALE);
    const data = [...DATA, 'not allowed', '8 hours'];
    expectOneTranslation(words.message, data);
    expectOneTranslation(words.fix, data);
    expectOneTranslation(pimErrorText(err, LOCALE), data);
  });

  const refusals: Array<[string, { ok: boolean }]> = [
    ['unreadable duration', parseDuration('soon')],
    ['negative duration', parseDuration('-2h')],
    ['under the floor', validateDuration(2)],
    ['over the maximum', validateDuration(600, { maxMinutes: 480, targetName: EXO })],
    ['no justification', checkJustification('')],
    ['not a ticket', checkTicket('soon', { ticketPattern: /^INC-\d+$/ })],
  ];
  it.each(refusals)('%s', (_name, result) => {
    if (result.ok) throw new Error('expected a refusal');
    expectOneTranslation(inputProblemText(result as never, LOCALE), [...DATA, '8 hours']);
  });
});
