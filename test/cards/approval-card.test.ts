// biome-ignore-all lint/suspicious/noTemplateCurlyInString: '${' in strings here is hostile input under test.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  APPROVAL_COMMENT_INPUT_ID,
  APPROVAL_STATES,
  type AdaptiveCard,
  type ApprovalCardModel,
  type ApprovalState,
  approvalCard,
  DENY_REASON_REQUIRED_TEXT,
  readExecuteAction,
  type Viewer,
} from '../../cards';
import {
  assertValidCard,
  collectActions,
  collectCardTexts,
  collectElements,
  factsOf,
  findById,
  hasId,
  hasInvisibleCharacter,
} from './card-validation';
import { HOSTILE } from './fixtures';

/**
 * The approval card: what an approver decides on, and what everyone else sees of the same request.
 * One builder, one view per viewer: approvers of a pending request get a comment box and Approve/Deny;
 * everybody else (requester, channel members, anyone once decided) gets the read-only status view.
 */

const MEGAN = '1b1c0000-0000-4000-8000-00000000beef'; // approver
const NESTOR = '2c2d0000-0000-4000-8000-00000000cafe'; // approver
const ADELE = '3d3e0000-0000-4000-8000-00000000a0a0'; // requester

const APPROVER: Viewer = { aadObjectId: MEGAN, locale: 'en-GB' };
const REQUESTER: Viewer = { aadObjectId: ADELE };
const OUTSIDER: Viewer = { aadObjectId: '4f400000-0000-4000-8000-000000000000' };
const ANONYMOUS: Viewer = {};
const VIEWERS: ReadonlyArray<[string, Viewer]> = [
  ['approver', APPROVER],
  ['requester', REQUESTER],
  ['outsider', OUTSIDER],
  ['viewer without id', ANONYMOUS],
];
const STATES = Object.keys(APPROVAL_STATES) as ApprovalState[];
const FINAL_STATES = STATES.filter((s) => s !== 'pending');

const normalApproval: ApprovalCardModel = {
  requestId: 'req-42',
  kind: 'role',
  requesterId: ADELE,
  requesterName: 'Adele Vance',
  requesterUpn: 'adele@contoso.com',
  targetName: 'Exchange Administrator',
  scopeText: 'Directory (tenant-wide)',
  durationText: '2 hours',
  justification: 'fix mailbox rules',
  ticketNumber: 'INC-42',
  ticketSystem: 'ServiceNow',
  requestedAtText: 'Today 14:00 (UTC+1)',
  expiresAtText: 'Tomorrow 14:00 (UTC+1)',
  hints: [
    { kind: 'outsideBusinessHours', text: 'Requested at 02:14, outside business hours.' },
    { kind: 'breakGlass', text: 'This is a break-glass role.' },
  ],
  state: 'pending',
  approverIds: [MEGAN, NESTOR],
  approverMris: ['29:megan', '29:nestor'],
};

const approval = (overrides: Partial<ApprovalCardModel> = {}, viewer: Viewer = APPROVER): AdaptiveCard =>
  approvalCard({ ...normalApproval, ...overrides }, viewer);

const actionsOf = (card: AdaptiveCard) => collectActions(card).filter(({ path }) => !path.startsWith('$.refresh'));
const inputsOf = (card: AdaptiveCard) =>
  collectElements(card).filter((e) => typeof e.type === 'string' && e.type.startsWith('Input.'));

/** Markdown/HTML/template syntax that must never reach text a client renders (as in all-cards.test.ts). */
const FORBIDDEN_IN_MARKDOWN: ReadonlyArray<[string, RegExp]> = [
  ['markdown link', /\[[^\]]*\]\s*[([]/],
  ['markdown image', /!\[/],
  ['autolink', /<[a-z][a-z0-9+.-]*:/i],
  ['clickable URL scheme', /[a-z][a-z0-9+.-]*:\/\//i],
  ['mention or HTML tag', /<\/?[a-z!]/i],
  ['HTML entity', /&#?[0-9a-z]+;/i],
  ['emphasis', /[*_~]/],
  ['code span', /`/],
  ['backslash escape', /\\/],
  ['heading', /^\s*#/m],
  ['list item or thematic break', /^\s*([-+*]|\d+[.)])(\s|$|[-*])/m],
  ['block quote', /^\s*>/m],
];

function textViolations(card: AdaptiveCard): string[] {
  const problems: string[] = [];
  for (const { path, kind, text } of collectCardTexts(card)) {
    if (hasInvisibleCharacter(text)) problems.push(`${path}: invisible character`);
    if (/\$\{|\{\{/.test(text)) problems.push(`${path}: template expression`);
    if (kind !== 'markdown') continue;
    for (const [what, pattern] of FORBIDDEN_IN_MARKDOWN) if (pattern.test(text)) problems.push(`${path}: ${what}`);
  }
  return problems;
}

/** The user's words, with the look-alike substitution undone. */
function readable(card: AdaptiveCard): string {
  return collectCardTexts(card)
    .map((t) => t.text)
    .join('\n')
    .replace(/[\uFF3B\uFF3D\uFF1C\uFF1E\u2217\uFF3F\u223C\u02CB\uFF3C\uFF5B\uFF5D\uFF06]/g, ' ')
    .replace(/\uFF1A\/\//g, '://');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('approvalCard', () => {
  describe('header by state', () => {
    it.each<[ApprovalState, string, string]>([
      ['pending', 'Approval needed', 'warning'],
      ['approved', 'Approved', 'good'],
      ['denied', 'Denied', 'attention'],
      ['expired', 'Expired — nobody decided within 24 hours', 'emphasis'],
      ['canceled', 'Cancelled by the requester', 'emphasis'],
      ['failed', 'Approval failed', 'attention'],
    ])('%s: "%s" in a %s container, then the target and its kind', (state, title, style) => {
      const card = approval({ state });
      assertValidCard(card);
      expect(findById(card, 'approval-header').style).toBe(style);
      expect(findById(card, 'approval-state')).toMatchObject({ text: title, color: APPROVAL_STATES[state].color });
      expect(findById(card, 'approval-target').text).toBe('Exchange Administrator');
      expect(findById(card, 'approval-kind').text).toBe('Microsoft Entra role');
    });

    it('a group request says so', () => {
      expect(findById(approval({ kind: 'group' }), 'approval-kind').text).toBe('Group (PIM for Groups)');
    });

    it('rejects an unknown state and a missing requestId', () => {
      expect(() => approval({ state: 'granted' as ApprovalState })).toThrow(/unknown state/);
      expect(() => approval({ requestId: '' })).toThrow(/requestId/);
    });
  });

  describe('the request', () => {
    it('is shown as facts; "Decide by" only while pending', () => {
      expect(factsOf(approval(), 'approval-facts')).toEqual({
        'Requested by': 'Adele Vance (adele@contoso.com)',
        Scope: 'Directory (tenant-wide)',
        Duration: '2 hours',
        Ticket: 'INC-42 (ServiceNow)',
        Justification: 'fix mailbox rules',
        Requested: 'Today 14:00 (UTC+1)',
        'Decide by': 'Tomorrow 14:00 (UTC+1)',
      });
      for (const state of FINAL_STATES) {
        expect(factsOf(approval({ state }), 'approval-facts'), state).not.toHaveProperty('Decide by');
      }
    });

    it('optional facts disappear when absent', () => {
      const card = approval({
        requesterUpn: null,
        justification: null,
        ticketNumber: '   ',
        ticketSystem: 'ServiceNow',
        hints: [],
      });
      assertValidCard(card);
      expect(factsOf(card, 'approval-facts')).toEqual({
        'Requested by': 'Adele Vance',
        Scope: 'Directory (tenant-wide)',
        Duration: '2 hours',
        Requested: 'Today 14:00 (UTC+1)',
        'Decide by': 'Tomorrow 14:00 (UTC+1)',
      });
      expect(hasId(card, 'approval-hints')).toBe(false);
      expect(factsOf(approval({ ticketSystem: null }), 'approval-facts').Ticket).toBe('INC-42');
    });
  });

  describe('hints', () => {
    it('are warning-coloured lines with a ⚠, break-glass in attention colour, in the given order', () => {
      const card = approval({
        hints: [
          { kind: 'outsideBusinessHours', text: 'Outside business hours.' },
          { kind: 'severalRoles', text: 'Adele asked for 3 roles in the last hour.' },
          { kind: 'firstTime', text: 'First time Adele asks for this role.' },
          { kind: 'breakGlass', text: 'Break-glass role.' },
          { kind: 'highPrivilege', text: 'Highly privileged role.' },
        ],
      });
      assertValidCard(card);
      const lines = (findById(card, 'approval-hints').items as Array<Record<string, unknown>>).map((l) => [
        l.text,
        l.color,
      ]);
      expect(lines).toEqual([
        ['⚠ Outside business hours.', 'warning'],
        ['⚠ Adele asked for 3 roles in the last hour.', 'warning'],
        ['⚠ First time Adele asks for this role.', 'warning'],
        ['⚠ Break-glass role.', 'attention'],
        ['⚠ Highly privileged role.', 'warning'],
      ]);
    });

    it('blank hints are dropped and at most 10 are shown', () => {
      const many = Array.from({ length: 15 }, (_, i) => ({ kind: 'firstTime' as const, text: `hint ${i}` }));
      const card = approval({ hints: [{ kind: 'firstTime', text: ' \n ' }, ...many] });
      assertValidCard(card);
      const items = findById(card, 'approval-hints').items as Array<Record<string, unknown>>;
      expect(items).toHaveLength(10);
      expect(items[0].text).toBe('⚠ hint 0');
    });

    it('are shown to every viewer, in every state (they describe the request)', () => {
      for (const state of STATES) {
        for (const [, viewer] of VIEWERS) expect(hasId(approval({ state }, viewer), 'approval-hint-1')).toBe(true);
      }
    });
  });

  describe('who may decide', () => {
    it('an approver of a pending request sees an optional comment box, Approve and Deny', () => {
      const card = approval();
      assertValidCard(card);
      expect(inputsOf(card)).toEqual([
        expect.objectContaining({
          type: 'Input.Text',
          id: APPROVAL_COMMENT_INPUT_ID,
          label: 'Comment (required to deny)',
          isMultiline: true,
          maxLength: 500,
        }),
      ]);
      expect(findById(card, 'comment')).not.toHaveProperty('isRequired');
      expect(actionsOf(card).map(({ action }) => action)).toEqual([
        {
          type: 'Action.Execute',
          id: 'approval-approve',
          title: 'Approve',
          style: 'positive',
          verb: 'approve',
          data: { pimbot: 'approve', requestId: 'req-42' },
        },
        {
          type: 'Action.Execute',
          id: 'approval-deny',
          title: 'Deny',
          style: 'destructive',
          verb: 'deny',
          data: { pimbot: 'deny', requestId: 'req-42' },
        },
      ]);
      expect(hasId(card, 'approval-waiting')).toBe(false);
    });

    it('every approver in approverIds may decide, matched case-insensitively', () => {
      expect(actionsOf(approval({}, { aadObjectId: NESTOR }))).toHaveLength(2);
      expect(actionsOf(approval({}, { aadObjectId: MEGAN.toUpperCase() }))).toHaveLength(2);
    });

    it.each([
      ['the requester', REQUESTER],
      ['an outsider', OUTSIDER],
      ['a viewer without id', ANONYMOUS],
      ['a blank id', { aadObjectId: '  ' }],
    ])('%s sees the read-only view: no input, no action, "Waiting for an approver…"', (_name, viewer) => {
      const card = approval({}, viewer);
      assertValidCard(card);
      expect(inputsOf(card)).toEqual([]);
      expect(actionsOf(card)).toEqual([]);
      expect(card).not.toHaveProperty('actions');
      expect(findById(card, 'approval-waiting').text).toBe(
        'Waiting for an approver to decide by Tomorrow 14:00 (UTC+1).',
      );
    });

    it('the requester never gets Approve/Deny, even if listed in approverIds (defence in depth)', () => {
      const selfApproval = { approverIds: [ADELE, MEGAN] };
      expect(actionsOf(approval(selfApproval, REQUESTER))).toEqual([]);
      expect(actionsOf(approval(selfApproval, { aadObjectId: ADELE.toUpperCase() }))).toEqual([]);
      expect(inputsOf(approval(selfApproval, REQUESTER))).toEqual([]);
      expect(actionsOf(approval(selfApproval, APPROVER))).toHaveLength(2);
    });

    it('without a requesterId nobody may decide (fail closed)', () => {
      expect(actionsOf(approval({ requesterId: '' }, APPROVER))).toEqual([]);
    });

    it.each(FINAL_STATES)('once %s, approvers see the read-only view as well', (state) => {
      for (const [name, viewer] of VIEWERS) {
        const card = approval({ state }, viewer);
        expect(inputsOf(card), name).toEqual([]);
        expect(actionsOf(card), name).toEqual([]);
        expect(hasId(card, 'approval-waiting'), name).toBe(false);
      }
    });
  });

  describe('every state × viewer builds a valid card', () => {
    it.each(STATES)('%s', (state) => {
      for (const [name, viewer] of VIEWERS) {
        const card = approval(
          {
            state,
            decidedByName: 'Megan Bowen',
            decidedAtText: '14:02',
            decisionComment: 'ok',
            alreadyDecidedNote: 'Already approved by Megan Bowen at 14:02',
            errorText: 'Something failed.',
            commentValue: 'draft',
          },
          viewer,
        );
        expect(() => assertValidCard(card), `${state} / ${name}`).not.toThrow();
        expect(textViolations(card), `${state} / ${name}`).toEqual([]);
      }
    });

    it('minimal model (no optional fields, no hints, no approvers)', () => {
      const card = approvalCard(
        {
          requestId: 'r',
          kind: 'group',
          requesterId: ADELE,
          requesterName: '',
          targetName: '',
          scopeText: '',
          durationText: '',
          requestedAtText: '',
          expiresAtText: '',
          hints: [],
          state: 'pending',
          approverIds: [],
          approverMris: [],
        },
        APPROVER,
      );
      assertValidCard(card);
      expect(actionsOf(card)).toEqual([]);
      expect(findById(card, 'approval-target').text).toBe('(unnamed)');
      expect(findById(card, 'approval-waiting').text).toBe('Waiting for an approver to decide.');
      expect(card.refresh).toMatchObject({ userIds: [] });
    });
  });

  describe('the decision', () => {
    it('approved: "Approved by", "Decided at", the comment', () => {
      const card = approval({
        state: 'approved',
        decidedByName: 'Megan Bowen',
        decidedAtText: '14:02 (UTC+1)',
        decisionComment: 'Go ahead.',
      });
      assertValidCard(card);
      expect(factsOf(card, 'approval-decision')).toEqual({
        'Approved by': 'Megan Bowen',
        'Decided at': '14:02 (UTC+1)',
        Comment: 'Go ahead.',
      });
    });

    it('denied: "Denied by" with the reason; other states say "Decided by"', () => {
      expect(
        factsOf(
          approval({ state: 'denied', decidedByName: 'Megan Bowen', decisionComment: 'No ticket.' }),
          'approval-decision',
        ),
      ).toEqual({ 'Denied by': 'Megan Bowen', Comment: 'No ticket.' });
      expect(factsOf(approval({ state: 'failed', decidedByName: 'Megan Bowen' }), 'approval-decision')).toEqual({
        'Decided by': 'Megan Bowen',
      });
      expect(hasId(approval({ state: 'expired' }), 'approval-decision')).toBe(false);
    });

    it('an approver who clicked a stale card is told who was first', () => {
      const card = approval(
        { state: 'approved', alreadyDecidedNote: 'Already approved by Megan Bowen at 14:02' },
        { aadObjectId: NESTOR },
      );
      assertValidCard(card);
      expect(findById(card, 'approval-already-decided').text).toBe('Already approved by Megan Bowen at 14:02');
      expect(actionsOf(card)).toEqual([]);
    });
  });

  describe('deny needs a reason (enforced by the bot, shown by the card)', () => {
    it('errorText is shown in attention colour above the comment box', () => {
      const card = approval({ errorText: DENY_REASON_REQUIRED_TEXT });
      assertValidCard(card);
      expect(findById(card, 'approval-error')).toMatchObject({
        text: 'A reason is required to deny.',
        color: 'attention',
      });
      const ids = card.body.map((element) => element.id);
      expect(ids.indexOf('approval-error')).toBeLessThan(ids.indexOf('comment'));
      expect(ids.indexOf('approval-error')).toBeGreaterThan(ids.indexOf('approval-facts'));
    });

    it('the comment box can be prefilled when re-shown; template syntax in it is broken', () => {
      expect(findById(approval({ commentValue: 'looks fine' }), 'comment').value).toBe('looks fine');
      expect(findById(approval({ commentValue: '${x}' }), 'comment').value).toBe('$｛x}');
      expect(findById(approval(), 'comment')).not.toHaveProperty('value');
    });

    it('readApprovalAction gives the bot verb, requestId and the trimmed comment from value.action.data', () => {
      const card = approval();
      const [approve, deny] = actionsOf(card).map(({ action }) => action.data as Record<string, unknown>);
      // Teams merges the card's inputs into the action data.
      expect(readApprovalAction({ ...approve, comment: '  fine  ' })).toEqual({
        verb: 'approve',
        requestId: 'req-42',
        comment: 'fine',
      });
      expect(readApprovalAction({ ...deny, comment: ' \n ' })).toEqual({
        verb: 'deny',
        requestId: 'req-42',
        comment: '',
      });
      expect(readApprovalAction(deny)).toEqual({ verb: 'deny', requestId: 'req-42', comment: '' });
      const refreshData = (card.refresh as { action: Record<string, unknown> }).action.data;
      expect(readApprovalAction(refreshData)).toEqual({ verb: 'refreshApproval', requestId: 'req-42' });
    });

    it.each([
      [null],
      ['approve'],
      [[]],
      [{ pimbot: 'approve' }],
      [{ pimbot: 'approve', requestId: '' }],
      [{ pimbot: 'approve', requestId: 42 }],
      [{ pimbot: 'activate', requestId: 'r' }],
      [{ pimbot: 'deactivate', key: 'r' }],
    ])('readApprovalAction returns null for %j', (value) => {
      expect(readApprovalAction(value)).toBeNull();
    });

    it('readApprovalAction only follows commentInputId to comment inputs', () => {
      expect(readApprovalAction({ pimbot: 'deny', requestId: 'r', commentInputId: 'pimbot', comment: 'x' })).toEqual({
        verb: 'deny',
        requestId: 'r',
        comment: 'x',
      });
      const nonText = readApprovalAction({ pimbot: 'deny', requestId: 'r', comment: 42 });
      expect(nonText && 'comment' in nonText ? nonText.comment : undefined).toBe('');
    });
  });

  describe('refresh (user-specific views)', () => {
    it('while pending: Action.Execute verb "refreshApproval" for the approvers’ MRIs, at most 60', () => {
      const mris = Array.from({ length: 70 }, (_, i) => `29:approver-${i}`);
      const card = approval({ approverMris: ['', ...mris] }, ANONYMOUS);
      assertValidCard(card);
      expect(card.refresh).toEqual({
        type: 'Refresh',
        action: {
          type: 'Action.Execute',
          title: 'Refresh',
          verb: 'refreshApproval',
          data: { pimbot: 'refreshApproval', requestId: 'req-42' },
        },
        userIds: mris.slice(0, 60),
      });
    });

    it('the view for everyone carries the same refresh as the approver view', () => {
      expect(approval({}, ANONYMOUS).refresh).toEqual(approval({}, APPROVER).refresh);
    });

    it.each(FINAL_STATES)('once %s: the final card, refresh with userIds []', (state) => {
      const card = approval({ state });
      assertValidCard(card);
      expect(card.refresh).toMatchObject({
        action: { verb: 'refreshApproval', data: { pimbot: 'refreshApproval', requestId: 'req-42' } },
        userIds: [],
      });
    });
  });

  describe.each(HOSTILE)('hostile text: $name', ({ text, words }) => {
    const hostile = (state: ApprovalState): ApprovalCardModel => ({
      ...normalApproval,
      state,
      requesterName: text,
      requesterUpn: text,
      targetName: text,
      scopeText: text,
      durationText: text,
      justification: text,
      ticketNumber: text,
      ticketSystem: text,
      requestedAtText: text,
      expiresAtText: text,
      hints: [
        { kind: 'breakGlass', text },
        { kind: 'firstTime', text },
      ],
      decidedByName: text,
      decidedAtText: text,
      decisionComment: text,
      alreadyDecidedNote: text,
      errorText: text,
      commentValue: text,
    });

    it('every state × viewer validates and renders nothing but the neutralised words', () => {
      for (const state of STATES) {
        for (const [name, viewer] of VIEWERS) {
          const card = approvalCard(hostile(state), viewer);
          expect(() => assertValidCard(card), `${state} / ${name}`).not.toThrow();
          expect(textViolations(card), `${state} / ${name}`).toEqual([]);
          const visible = readable(card);
          for (const word of words) expect(visible, `${state} / ${name}`).toContain(word);
        }
      }
    });

    it('user text never changes who may act or what the actions send', () => {
      const card = approvalCard(hostile('pending'), APPROVER);
      expect(actionsOf(card).map(({ action }) => action.data)).toEqual([
        { pimbot: 'approve', requestId: 'req-42' },
        { pimbot: 'deny', requestId: 'req-42' },
      ]);
      expect(actionsOf(approvalCard(hostile('pending'), REQUESTER))).toEqual([]);
    });
  });

  describe('purity', () => {
    it('same input → deep-equal output, without reading the clock or the environment', () => {
      const first = approval();
      vi.useFakeTimers();
      vi.setSystemTime(new Date('2031-01-01T00:00:00Z'));
      const realEnv = process.env;
      const RealDate = globalThis.Date;
      try {
        process.env = new Proxy(
          {},
          {
            get(_t, name) {
              throw new Error(`card builder read process.env.${String(name)}`);
            },
          },
        );
        globalThis.Date = new Proxy(RealDate, {
          construct() {
            throw new Error('card builder constructed a Date');
          },
          get(target, name, receiver) {
            if (name === 'now') throw new Error('card builder called Date.now()');
            return Reflect.get(target, name, receiver);
          },
        });
        expect(approval()).toStrictEqual(first);
      } finally {
        process.env = realEnv;
        globalThis.Date = RealDate;
      }
    });

    it('returns a fresh card each time and never mutates the model', () => {
      const model = structuredClone(normalApproval);
      const first = approvalCard(model, APPROVER);
      const copy = structuredClone(first);
      (first.body[0] as Record<string, unknown>).id = 'mutated';
      for (const { action } of collectActions(first)) (action.data as Record<string, unknown>).requestId = 'x';
      (first.refresh as { userIds: string[] }).userIds.push('29:intruder');
      expect(approvalCard(model, APPROVER)).toStrictEqual(copy);
      expect(model).toStrictEqual(normalApproval);
    });
  });
});

/** An approval action as the bot reads it from an invoke (`value.action`): null for anything else. */
function readApprovalAction(data: unknown) {
  const verb = (data as { pimbot?: unknown } | null)?.pimbot;
  const action = readExecuteAction({ action: { verb, data } });
  return action && action.verb !== 'deactivate' ? action : null;
}
