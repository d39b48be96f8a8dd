import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Command,
  cleanMessageText,
  DEFAULT_TICKET_PATTERN,
  parseCommand,
} from '../../src/commands/command-parser';

/**
 * What a Teams message asks the bot for. The parser never refuses: fields it cannot find are left out for the
 * activation dialog to ask, and anything it does not recognise is `unknown` (the bot answers with help).
 */

const targetNames = [
  'Global Administrator',
  'Privileged Role Administrator',
  'Security Administrator',
  'Exchange Administrator',
  'User Administrator',
  'Helpdesk Administrator',
  'SharePoint Administrator',
  'Global Reader',
  'Security Reader',
  'Reports Reader',
  'Teams Administrator',
  'Authentication Administrator',
  'RAG - Helpdesk Admins',
  'RAG - Security Operators',
];
const parse = (text: string) => parseCommand(text, { targetNames });

describe('cleanMessageText: what Teams sends, as the user wrote it', () => {
  it.each([
    ['<at>PIM Bot</at> activate GA', 'activate GA'],
    ['<at>PIM Bot</at><at>PIM Bot</at> help', 'help'],
    ['<p><at>PIM Bot</at>&nbsp;activate GA&nbsp;1h</p>', 'activate GA 1h'],
    ['<div>activate GA<br>1h</div>', 'activate GA 1h'],
    ['activate GA for <at>Megan Bowen</at>', 'activate GA for Megan Bowen'],
    ['fix &quot;CA&quot; &amp; MFA &lt;now&gt; &#39;x&#39; &#x41;', 'fix "CA" & MFA <now> \'x\' A'],
    ['&lt;at&gt;not a mention&lt;/at&gt;', '<at>not a mention</at>'],
    ['&unknown; &#99999999;', '&unknown; &#99999999;'],
    ['  status\u200b \n ', 'status'],
    ['', ''],
  ])('%j → %j', (text, clean) => {
    expect(cleanMessageText(text)).toBe(clean);
  });
});

describe('parseCommand: simple commands, case-insensitive, with synonyms', () => {
  it.each<[string, Command['type']]>([
    ['help', 'help'],
    ['HELP', 'help'],
    ['?', 'help'],
    ['commands', 'help'],
    ['what can you do?', 'help'],
    ['hi', 'help'],
    ['hello', 'help'],
    ['i need help', 'help'],
    ['help me activate a role', 'help'],
    ['', 'help'],
    ['<at>PIM Bot</at>', 'help'],
    ['roles', 'roles'],
    ['my roles', 'roles'],
    ['My Roles', 'roles'],
    ['eligible', 'roles'],
    ['list', 'roles'],
    ['show my roles', 'roles'],
    ['what can I activate?', 'roles'],
    ['hey can you show my roles?', 'roles'],
    ['please list my roles', 'roles'],
    ['active', 'active'],
    ['status', 'active'],
    ['Status?', 'active'],
    ['get status', 'active'],
    ['my active roles', 'active'],
    ["what's active", 'active'],
    ['what\u2019s active', 'active'],
    ['cancel', 'cancel'],
    ['stop', 'cancel'],
    ['quit', 'cancel'],
    ['nevermind', 'cancel'],
    ['never mind', 'cancel'],
    ['Cancel that.', 'cancel'],
    ['pending', 'pending'],
    ['pending requests', 'pending'],
    ['my requests', 'pending'],
    ['show pending', 'pending'],
    ['approvals', 'pending'],
  ])('%j → %s', (text, type) => {
    expect(parse(text)).toEqual({ type });
  });
});

describe('parseCommand: subscriptions keep their arguments as typed', () => {
  it.each<[string, Command]>([
    ['subscribe', { type: 'subscribe', args: '' }],
    ['subscribe all roles', { type: 'subscribe', args: 'all roles' }],
    ['<at>PIM Bot</at> Subscribe Global Administrator', { type: 'subscribe', args: 'Global Administrator' }],
    ['follow GA', { type: 'subscribe', args: 'GA' }],
    ['unsubscribe', { type: 'unsubscribe', args: '' }],
    ['unsubscribe Exchange Administrator', { type: 'unsubscribe', args: 'Exchange Administrator' }],
    ['subscriptions', { type: 'subscriptions', args: '' }],
    ['my subscriptions', { type: 'subscriptions', args: '' }],
  ])('%j → %j', (text, command) => {
    expect(parse(text)).toEqual(command);
  });
});

describe('parseCommand: activation requests', () => {
  it.each<[string, Command]>([
    // the structured form
    [
      'activate Exchange Administrator 2h INC-42 fix mailbox rules',
      {
        type: 'activate',
        targetText: 'Exchange Administrator',
        durationText: '2h',
        minutes: 120,
        ticket: 'INC-42',
        justification: 'fix mailbox rules',
      },
    ],
    [
      '<at>PIM Bot</at> activate Exchange Administrator 2h INC-42 fix mailbox rules',
      {
        type: 'activate',
        targetText: 'Exchange Administrator',
        durationText: '2h',
        minutes: 120,
        ticket: 'INC-42',
        justification: 'fix mailbox rules',
      },
    ],
    // verbs and synonyms
    ['activate', { type: 'activate' }],
    ['elevate', { type: 'activate' }],
    ['request', { type: 'activate' }],
    ['Activate GA', { type: 'activate', targetText: 'GA' }],
    ['ACTIVATE GA 2H', { type: 'activate', targetText: 'GA', durationText: '2H', minutes: 120 }],
    ['elevate GA 1h', { type: 'activate', targetText: 'GA', durationText: '1h', minutes: 60 }],
    ['request user admin 30m', { type: 'activate', targetText: 'user admin', durationText: '30m', minutes: 30 }],
    ['sudo GA', { type: 'activate', targetText: 'GA' }],
    // plain phrases
    [
      'I need Exchange admin for 2 hours',
      { type: 'activate', targetText: 'Exchange admin', durationText: '2 hours', minutes: 120 },
    ],
    [
      'can I get GA for 30 minutes to fix the CA policy',
      {
        type: 'activate',
        targetText: 'GA',
        durationText: '30 minutes',
        minutes: 30,
        justification: 'fix the CA policy',
      },
    ],
    [
      'give me sharepoint admin 1h',
      { type: 'activate', targetText: 'sharepoint admin', durationText: '1h', minutes: 60 },
    ],
    [
      'elevate me to Global Admin for an hour and a half CHG0031337',
      {
        type: 'activate',
        targetText: 'Global Admin',
        durationText: 'an hour and a half',
        minutes: 90,
        ticket: 'CHG0031337',
      },
    ],
    [
      'please activate the exchange admin role for 2h please',
      { type: 'activate', targetText: 'exchange admin', durationText: '2h', minutes: 120 },
    ],
    [
      'i need the global reader role for 1h because audit',
      { type: 'activate', targetText: 'global reader', durationText: '1h', minutes: 60, justification: 'audit' },
    ],
    [
      'i need 2 hours of exchange admin',
      { type: 'activate', targetText: 'exchange admin', durationText: '2 hours', minutes: 120 },
    ],
    [
      'Elevate me to exchange admin for 2hrs to fix mailbox rules (INC-42)',
      {
        type: 'activate',
        targetText: 'exchange admin',
        durationText: '2hrs',
        minutes: 120,
        ticket: 'INC-42',
        justification: 'fix mailbox rules',
      },
    ],
    // the target spans as many words as name an eligible role or group
    [
      'activate global reader 1h reading logs',
      { type: 'activate', targetText: 'global reader', durationText: '1h', minutes: 60, justification: 'reading logs' },
    ],
    [
      'activate exchange admin fix stuff',
      { type: 'activate', targetText: 'exchange admin', justification: 'fix stuff' },
    ],
    [
      'Activate helpdesk admins 1h',
      { type: 'activate', targetText: 'helpdesk admins', durationText: '1h', minutes: 60 },
    ],
    [
      'activate "Exchange Administrator" 2h',
      { type: 'activate', targetText: 'Exchange Administrator', durationText: '2h', minutes: 120 },
    ],
    // ambiguous or unknown targets are passed on as typed: the dialog asks
    ['activate security 2h', { type: 'activate', targetText: 'security', durationText: '2h', minutes: 120 }],
    [
      'activate exchnage admin 2h fix',
      { type: 'activate', targetText: 'exchnage admin', durationText: '2h', minutes: 120, justification: 'fix' },
    ],
    // justification: the rest, after "because", "to", "for", "justification:", "-", or in quotes
    [
      'activate GA 1h because the CA policy is broken',
      { type: 'activate', targetText: 'GA', durationText: '1h', minutes: 60, justification: 'the CA policy is broken' },
    ],
    [
      'activate GA 1h "fix CA policy"',
      { type: 'activate', targetText: 'GA', durationText: '1h', minutes: 60, justification: 'fix CA policy' },
    ],
    [
      'activate GA 1h \u201cfix CA policy\u201d INC-7',
      {
        type: 'activate',
        targetText: 'GA',
        durationText: '1h',
        minutes: 60,
        ticket: 'INC-7',
        justification: 'fix CA policy',
      },
    ],
    ['activate GA justification: fix CA', { type: 'activate', targetText: 'GA', justification: 'fix CA' }],
    [
      'activate GA 2h justification: "fix"',
      { type: 'activate', targetText: 'GA', durationText: '2h', minutes: 120, justification: 'fix' },
    ],
    ['activate GA for the CA policy fix', { type: 'activate', targetText: 'GA', justification: 'the CA policy fix' }],
    [
      'activate exchange 2h - fix rules',
      { type: 'activate', targetText: 'exchange', durationText: '2h', minutes: 120, justification: 'fix rules' },
    ],
    ['activate GA now', { type: 'activate', targetText: 'GA' }],
    // duration: any form parseDuration reads; a bare number only where nothing else can follow it
    ['activate GA 1,5h', { type: 'activate', targetText: 'GA', durationText: '1,5h', minutes: 90 }],
    ['activate GA PT1H30M', { type: 'activate', targetText: 'GA', durationText: 'PT1H30M', minutes: 90 }],
    [
      'activate GA 1 hour 30 minutes fix',
      { type: 'activate', targetText: 'GA', durationText: '1 hour 30 minutes', minutes: 90, justification: 'fix' },
    ],
    [
      'activate global for the next 2 hours',
      { type: 'activate', targetText: 'global', durationText: '2 hours', minutes: 120 },
    ],
    ['activate exchange 2', { type: 'activate', targetText: 'exchange', durationText: '2', minutes: 120 }],
    [
      'activate exchange 45 INC-9',
      { type: 'activate', targetText: 'exchange', durationText: '45', minutes: 45, ticket: 'INC-9' },
    ],
    ['GA for 2', { type: 'activate', targetText: 'GA', durationText: '2', minutes: 120 }],
    [
      'activate exchange 3 mailboxes broken',
      { type: 'activate', targetText: 'exchange', justification: '3 mailboxes broken' },
    ],
    [
      'activate GA 1h fix 3 mailboxes',
      { type: 'activate', targetText: 'GA', durationText: '1h', minutes: 60, justification: 'fix 3 mailboxes' },
    ],
    // an unusable duration keeps its text (no minutes): the dialog re-parses it to explain
    ['activate exchange 10 days', { type: 'activate', targetText: 'exchange', durationText: '10 days' }],
    ['activate GA -2h', { type: 'activate', targetText: 'GA', durationText: '-2h' }],
    ['activate GA for 0 minutes', { type: 'activate', targetText: 'GA', durationText: '0 minutes' }],
    // fields after the justification
    [
      'activate exchange to fix the mailbox rules for 2 hours',
      {
        type: 'activate',
        targetText: 'exchange',
        durationText: '2 hours',
        minutes: 120,
        justification: 'fix the mailbox rules',
      },
    ],
    [
      'activate exchange fix mailbox rules INC-42',
      { type: 'activate', targetText: 'exchange', ticket: 'INC-42', justification: 'fix mailbox rules' },
    ],
    [
      'activate GA 2h reason: CA policy, ticket CHG-7',
      {
        type: 'activate',
        targetText: 'GA',
        durationText: '2h',
        minutes: 120,
        ticket: 'CHG-7',
        justification: 'CA policy',
      },
    ],
    // a ticket inside the justification is read and left there
    [
      'activate exchange fix per INC-42 rules',
      { type: 'activate', targetText: 'exchange', ticket: 'INC-42', justification: 'fix per INC-42 rules' },
    ],
    // tickets: labeled, any case, any position before the justification
    [
      'activate exchange ticket 4711 fix',
      { type: 'activate', targetText: 'exchange', ticket: '4711', justification: 'fix' },
    ],
    [
      'activate exchange ticket: #4711 2h',
      { type: 'activate', targetText: 'exchange', ticket: '4711', durationText: '2h', minutes: 120 },
    ],
    [
      'activate exchange inc-42 2h',
      { type: 'activate', targetText: 'exchange', ticket: 'inc-42', durationText: '2h', minutes: 120 },
    ],
    // without a verb: a clearly named target, then a duration or nothing
    ['exchange admin 2h', { type: 'activate', targetText: 'exchange admin', durationText: '2h', minutes: 120 }],
    ['GA for 1h', { type: 'activate', targetText: 'GA', durationText: '1h', minutes: 60 }],
    [
      'exchange 2h fix stuff',
      { type: 'activate', targetText: 'exchange', durationText: '2h', minutes: 120, justification: 'fix stuff' },
    ],
    ['Exchange Administrator', { type: 'activate', targetText: 'Exchange Administrator' }],
    ['help desk admin 2h', { type: 'activate', targetText: 'help desk admin', durationText: '2h', minutes: 120 }],
  ])('%j', (text, command) => {
    expect(parse(text)).toEqual(command);
  });

  it('without eligibilities, the target runs up to the first duration, ticket or justification word', () => {
    expect(parseCommand('activate Exchange Administrator 2h INC-42 fix', { targetNames: [] })).toEqual({
      type: 'activate',
      targetText: 'Exchange Administrator',
      durationText: '2h',
      minutes: 120,
      ticket: 'INC-42',
      justification: 'fix',
    });
    expect(parseCommand('activate something odd because reasons', { targetNames: [] })).toEqual({
      type: 'activate',
      targetText: 'something odd',
      justification: 'reasons',
    });
    expect(parseCommand('activate 2h', { targetNames: [] })).toEqual({
      type: 'activate',
      durationText: '2h',
      minutes: 120,
    });
  });

  it('a target whose name begins with a filler word is kept whole', () => {
    expect(
      parseCommand('activate Access Reviewers 1h', { targetNames: ['Access Reviewers', 'Global Reader'] }),
    ).toEqual({
      type: 'activate',
      targetText: 'Access Reviewers',
      durationText: '1h',
      minutes: 60,
    });
  });

  it('a custom ticket pattern replaces the default', () => {
    const ticketPattern = /^\d{6}$/g;
    for (let run = 0; run < 2; run++) {
      expect(parseCommand('activate GA 123456 fix', { targetNames, ticketPattern })).toEqual({
        type: 'activate',
        targetText: 'GA',
        ticket: '123456',
        justification: 'fix',
      });
    }
    expect(parseCommand('activate GA INC-42 fix', { targetNames, ticketPattern })).toMatchObject({
      justification: 'INC-42 fix',
    });
  });
});

describe('DEFAULT_TICKET_PATTERN', () => {
  it.each([
    'INC-42',
    'inc-42',
    'CHG-1042',
    'OPS2-7',
    'PIM-1',
    'INC0012345',
    'chg0031337',
    'RITM0001234',
    'SCTASK0012345',
  ])('accepts %s', (ticket) => {
    expect(DEFAULT_TICKET_PATTERN.test(ticket)).toBe(true);
  });
  it.each(['42', 'X-1', '1-2', 'INC-', 'INC123', 'fix', '2h', 'PT2H', 'ABCDEFGHIJK-1'])('rejects %s', (text) => {
    expect(DEFAULT_TICKET_PATTERN.test(text)).toBe(false);
  });
});

describe('parseCommand: deactivation', () => {
  it.each<[string, Command]>([
    ['deactivate', { type: 'deactivate' }],
    ['deactivate exchange', { type: 'deactivate', targetText: 'exchange' }],
    ['Deactivate Exchange Administrator', { type: 'deactivate', targetText: 'Exchange Administrator' }],
    ['drop GA', { type: 'deactivate', targetText: 'GA' }],
    ['drop me from GA', { type: 'deactivate', targetText: 'GA' }],
    ['release global reader', { type: 'deactivate', targetText: 'global reader' }],
    ["I'm done with exchange admin", { type: 'deactivate', targetText: 'exchange admin' }],
    ['I\u2019m done with the exchange admin role now', { type: 'deactivate', targetText: 'exchange admin' }],
    ["I don't need exchange admin anymore", { type: 'deactivate', targetText: 'exchange admin' }],
    ['<at>PIM Bot</at> deactivate GA please', { type: 'deactivate', targetText: 'GA' }],
    ['deactivate exchnage', { type: 'deactivate', targetText: 'exchnage' }],
  ])('%j → %j', (text, command) => {
    expect(parse(text)).toEqual(command);
  });
});

describe('parseCommand: anything else is unknown', () => {
  it.each([
    ['what is the weather', 'what is the weather'],
    ['exchange is down', 'exchange is down'],
    ['thanks', 'thanks'],
    ['<at>PIM Bot</at> tell me a joke', 'tell me a joke'],
    ['2h', '2h'],
  ])('%j', (text, clean) => {
    expect(parse(text)).toEqual({ type: 'unknown', text: clean });
  });
});

describe('properties', () => {
  const names = fc.array(fc.oneof(fc.constantFrom(...targetNames), fc.string()), { maxLength: 5 });

  it('never throws, whatever the message and the eligibilities', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), names, (text, targetNames) => {
        const command = parseCommand(text, { targetNames });
        expect(typeof command.type).toBe('string');
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on word salad made of command vocabulary', () => {
    const vocabulary = fc.constantFrom(
      'activate',
      'for',
      '2h',
      'GA',
      'exchange',
      'admin',
      'because',
      'to',
      '"',
      'INC-42',
      'ticket',
      'the',
      'an',
      'hour',
      'and',
      'a',
      'half',
      '-',
      'done',
      'with',
      'please',
      'drop',
      ':',
      'justification:',
      '30',
      '\u201c',
    );
    fc.assert(
      fc.property(fc.array(vocabulary, { maxLength: 12 }), (words) => {
        expect(() => parse(words.join(' '))).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('a leading bot mention changes nothing', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(parse(`<at>PIM Bot</at> ${text}`)).toEqual(parse(text));
      }),
    );
  });

  it('reads back a structured request: target, duration, ticket, justification', () => {
    const durations = fc
      .integer({ min: 5, max: 480 })
      .chain((minutes) =>
        fc.constantFrom(
          { text: `${minutes}m`, minutes },
          { text: `${minutes} minutes`, minutes },
          { text: `${Math.floor(minutes / 60)}h${minutes % 60}m`, minutes },
        ),
      );
    const justifications = fc.constantFrom('fix mailbox rules', 'investigate alert 7', 'CA policy change');
    fc.assert(
      fc.property(
        fc.constantFrom(...targetNames),
        durations,
        fc.integer({ min: 1, max: 99999 }),
        justifications,
        (name, duration, n, justification) => {
          expect(parse(`activate ${name} ${duration.text} INC-${n} ${justification}`)).toEqual({
            type: 'activate',
            targetText: name,
            durationText: duration.text,
            minutes: duration.minutes,
            ticket: `INC-${n}`,
            justification,
          });
        },
      ),
    );
  });
});

describe('prototype keys typed in chat', () => {
  for (const text of [
    '__proto__',
    'constructor',
    'toString',
    'activate __proto__ 2h',
    'deactivate constructor',
    'hasOwnProperty 1h',
  ]) {
    it(`"${text}" parses to a plain command`, () => {
      const command = parseCommand(text, { targetNames: ['__proto__', 'Exchange Administrator'] });
      expect(typeof command.type).toBe('string');
    });
  }
});
