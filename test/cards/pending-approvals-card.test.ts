import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type AdaptiveCard,
  DEFAULT_MAX_PENDING_ITEMS,
  DEFAULT_NOTHING_PENDING_TEXT,
  DENY_REASON_REQUIRED_TEXT,
  type PendingApprovalItem,
  type PendingApprovalsCardModel,
  pendingApprovalsCard,
  pendingCommentInputId,
  readExecuteAction,
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
import { HOSTILE, VIEWER } from './fixtures';

/**
 * The approver's inbox (`pending` command): every request waiting for the viewer's decision, each with
 * its own comment box `comment-<n>` and Approve / Deny buttons that say which comment box is theirs.
 */

const adele: PendingApprovalItem = {
  requestId: 'req-1',
  requesterName: 'Adele Vance',
  targetName: 'Exchange Administrator',
  durationText: '2 hours',
  justification: 'fix mailbox rules',
  ticketNumber: 'INC-42',
  requestedAtText: 'today 14:00 (UTC+1)',
  expiresAtText: 'tomorrow 14:00 (UTC+1)',
};

const alex: PendingApprovalItem = {
  requestId: 'req-2',
  requesterName: 'Alex Wilber',
  targetName: 'Global Administrator',
  durationText: '1 hour',
  requestedAtText: 'today 02:14 (UTC+1)',
  expiresAtText: 'tomorrow 02:14 (UTC+1)',
  hints: [
    { kind: 'outsideBusinessHours', text: 'Requested outside business hours.' },
    { kind: 'breakGlass', text: 'Break-glass role.' },
  ],
};

const normalInbox: PendingApprovalsCardModel = { items: [adele, alex] };

const inputsOf = (card: AdaptiveCard) =>
  collectElements(card).filter((e) => typeof e.type === 'string' && e.type.startsWith('Input.'));

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

describe('pendingApprovalsCard', () => {
  it('lists each waiting request: target, requester and time, hints, facts', () => {
    const card = pendingApprovalsCard(normalInbox, VIEWER);
    assertValidCard(card);
    expect(textViolations(card)).toEqual([]);
    expect(findById(card, 'pending-title').text).toBe('Waiting for your approval');
    expect(findById(card, 'pending-0-target').text).toBe('Exchange Administrator');
    expect(findById(card, 'pending-0-requested').text).toBe('Requested by Adele Vance, today 14:00 (UTC+1)');
    expect(factsOf(card, 'pending-0-facts')).toEqual({
      Duration: '2 hours',
      Ticket: 'INC-42',
      Justification: 'fix mailbox rules',
      'Decide by': 'tomorrow 14:00 (UTC+1)',
    });
    expect(factsOf(card, 'pending-1-facts')).toEqual({ Duration: '1 hour', 'Decide by': 'tomorrow 02:14 (UTC+1)' });
    const hints = (findById(card, 'pending-1').items as Array<Record<string, unknown>>)
      .filter((e) => typeof e.text === 'string' && e.text.startsWith('⚠'))
      .map((e) => [e.text, e.color]);
    expect(hints).toEqual([
      ['⚠ Requested outside business hours.', 'warning'],
      ['⚠ Break-glass role.', 'attention'],
    ]);
  });

  it('every item has its own optional comment box comment-<n> (unique ids), maxLength 500', () => {
    const card = pendingApprovalsCard(normalInbox, VIEWER);
    expect(inputsOf(card).map((input) => input.id)).toEqual(['comment-0', 'comment-1']);
    expect(pendingCommentInputId(1)).toBe('comment-1');
    for (const input of inputsOf(card)) {
      expect(input).toMatchObject({ type: 'Input.Text', isMultiline: true, maxLength: 500 });
      expect(input).not.toHaveProperty('isRequired');
      expect(input.label).toBe('Comment (required to deny)');
    }
  });

  it('Approve / Deny per item: Action.Execute, same verbs as the approval card, naming their comment box', () => {
    const card = pendingApprovalsCard(normalInbox, VIEWER);
    expect(collectActions(card).map(({ action }) => action)).toEqual([
      {
        type: 'Action.Execute',
        id: 'pending-0-approve',
        title: 'Approve',
        tooltip: "Approve Adele Vance's request for Exchange Administrator",
        style: 'positive',
        verb: 'approve',
        data: { pimbot: 'approve', requestId: 'req-1', commentInputId: 'comment-0' },
      },
      {
        type: 'Action.Execute',
        id: 'pending-0-deny',
        title: 'Deny',
        tooltip: "Deny Adele Vance's request for Exchange Administrator",
        style: 'destructive',
        verb: 'deny',
        data: { pimbot: 'deny', requestId: 'req-1', commentInputId: 'comment-0' },
      },
      {
        type: 'Action.Execute',
        id: 'pending-1-approve',
        title: 'Approve',
        tooltip: "Approve Alex Wilber's request for Global Administrator",
        style: 'positive',
        verb: 'approve',
        data: { pimbot: 'approve', requestId: 'req-2', commentInputId: 'comment-1' },
      },
      {
        type: 'Action.Execute',
        id: 'pending-1-deny',
        title: 'Deny',
        tooltip: "Deny Alex Wilber's request for Global Administrator",
        style: 'destructive',
        verb: 'deny',
        data: { pimbot: 'deny', requestId: 'req-2', commentInputId: 'comment-1' },
      },
    ]);
  });

  it('Teams submits every comment box with either button; readApprovalAction picks the pressed item’s', () => {
    const card = pendingApprovalsCard(normalInbox, VIEWER);
    const inputs = { 'comment-0': 'ok for Adele', 'comment-1': '  no ticket  ' };
    const data = (id: string) => findById(card, id).data as Record<string, unknown>;
    expect(readApprovalAction({ ...data('pending-0-approve'), ...inputs })).toEqual({
      verb: 'approve',
      requestId: 'req-1',
      comment: 'ok for Adele',
    });
    expect(readApprovalAction({ ...data('pending-1-deny'), ...inputs })).toEqual({
      verb: 'deny',
      requestId: 'req-2',
      comment: 'no ticket',
    });
    const other = readApprovalAction({ ...data('pending-1-deny'), 'comment-0': 'not mine' });
    expect(other && 'comment' in other ? other.comment : undefined).toBe('');
  });

  it('deny without a reason: the item is re-shown with its error above its comment box', () => {
    const card = pendingApprovalsCard({ items: [adele, { ...alex, errorText: DENY_REASON_REQUIRED_TEXT }] }, VIEWER);
    assertValidCard(card);
    expect(hasId(card, 'pending-0-error')).toBe(false);
    expect(findById(card, 'pending-1-error')).toMatchObject({
      text: 'A reason is required to deny.',
      color: 'attention',
    });
    const ids = (findById(card, 'pending-1').items as Array<Record<string, unknown>>).map((e) => e.id);
    expect(ids.indexOf('pending-1-error')).toBeLessThan(ids.indexOf('comment-1'));
  });

  it('a notice (e.g. after deciding one) is shown under the heading', () => {
    const card = pendingApprovalsCard(
      { items: [alex], noticeText: "Approved Adele Vance's request for Exchange Administrator." },
      VIEWER,
    );
    assertValidCard(card);
    expect(findById(card, 'pending-notice')).toMatchObject({
      text: "Approved Adele Vance's request for Exchange Administrator.",
      color: 'good',
    });
    expect(hasId(pendingApprovalsCard(normalInbox), 'pending-notice')).toBe(false);
  });

  it('an empty inbox says so, with no inputs and no actions', () => {
    const card = pendingApprovalsCard({ items: [] });
    assertValidCard(card);
    expect(findById(card, 'pending-empty').text).toBe('Nothing is waiting for your approval.');
    expect(DEFAULT_NOTHING_PENDING_TEXT).toBe('Nothing is waiting for your approval.');
    expect(inputsOf(card)).toEqual([]);
    expect(card).not.toHaveProperty('actions');
    expect(collectActions(card)).toEqual([]);
    expect(findById(pendingApprovalsCard({ items: [], emptyText: 'All done.' }), 'pending-empty').text).toBe(
      'All done.',
    );
  });

  it('lists at most maxItems (default 5: phone width, issue 15) and says how many more are waiting', () => {
    const items = Array.from({ length: 15 }, (_, i) => ({ ...adele, requestId: `req-${i}` }));
    const card = pendingApprovalsCard({ items }, VIEWER);
    assertValidCard(card);
    expect(DEFAULT_MAX_PENDING_ITEMS).toBe(5);
    expect(inputsOf(card)).toHaveLength(5);
    expect(collectActions(card)).toHaveLength(10);
    expect(findById(card, 'pending-more').text).toBe(
      "…and 10 more waiting. Decide these first, then send 'pending' again.",
    );
    expect(inputsOf(pendingApprovalsCard({ items, maxItems: 3 }))).toHaveLength(3);
    expect(hasId(pendingApprovalsCard({ items: items.slice(0, 5) }), 'pending-more')).toBe(false);
  });

  it('stays within the Teams size budget with long texts (fewer items listed)', () => {
    const long = 'x'.repeat(2_000);
    const items = Array.from({ length: 10 }, (_, i) => ({
      ...adele,
      requestId: `req-${i}`,
      justification: long,
      targetName: long,
      requesterName: long,
      hints: [{ kind: 'highPrivilege' as const, text: long }],
    }));
    const card = pendingApprovalsCard({ items }, VIEWER);
    assertValidCard(card);
    const listed = inputsOf(card).length;
    expect(listed).toBeGreaterThan(0);
    expect(listed).toBeLessThan(10);
    expect(findById(card, 'pending-more').text).toContain(`${10 - listed} more`);
  });

  it('rejects an item without requestId', () => {
    expect(() => pendingApprovalsCard({ items: [{ ...adele, requestId: '' }] })).toThrow(/requestId/);
  });

  describe.each(HOSTILE)('hostile text: $name', ({ text, words }) => {
    it('validates, renders nothing but the neutralised words, and keeps the action data intact', () => {
      const item: PendingApprovalItem = {
        requestId: 'req-h',
        requesterName: text,
        targetName: text,
        durationText: text,
        justification: text,
        ticketNumber: text,
        requestedAtText: text,
        expiresAtText: text,
        hints: [{ kind: 'breakGlass', text }],
        errorText: text,
      };
      const card = pendingApprovalsCard(
        { items: [item, item], title: text, emptyText: text, noticeText: text },
        VIEWER,
      );
      assertValidCard(card);
      expect(textViolations(card)).toEqual([]);
      const visible = readable(card);
      for (const word of words) expect(visible).toContain(word);
      expect(inputsOf(card).map((input) => input.id)).toEqual(['comment-0', 'comment-1']);
      expect(findById(card, 'pending-1-deny').data).toEqual({
        pimbot: 'deny',
        requestId: 'req-h',
        commentInputId: 'comment-1',
      });
      const empty = pendingApprovalsCard({ items: [], title: text, emptyText: text }, VIEWER);
      assertValidCard(empty);
      expect(textViolations(empty)).toEqual([]);
    });
  });

  describe('purity', () => {
    it('same input → deep-equal output, without reading the clock or the environment', () => {
      const first = pendingApprovalsCard(normalInbox, VIEWER);
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
        expect(pendingApprovalsCard(normalInbox, VIEWER)).toStrictEqual(first);
      } finally {
        process.env = realEnv;
        globalThis.Date = RealDate;
      }
    });

    it('returns a fresh card each time and never mutates the model', () => {
      const model = structuredClone(normalInbox);
      const first = pendingApprovalsCard(model, VIEWER);
      const copy = structuredClone(first);
      (first.body[0] as Record<string, unknown>).text = 'mutated';
      for (const { action } of collectActions(first)) (action.data as Record<string, unknown>).requestId = 'x';
      expect(pendingApprovalsCard(model, VIEWER)).toStrictEqual(copy);
      expect(model).toStrictEqual(normalInbox);
    });
  });
});

/** An approval action as the bot reads it from an invoke (`value.action`): null for anything else. */
function readApprovalAction(data: unknown) {
  const verb = (data as { pimbot?: unknown } | null)?.pimbot;
  const action = readExecuteAction({ action: { verb, data } });
  return action && action.verb !== 'deactivate' ? action : null;
}

describe('pendingApprovalsCard with inbox pages (issue 15)', () => {
  const items = Array.from({ length: 5 }, (_, i) => ({ ...adele, requestId: `req-${i}` }));

  it('says where it is and pages with Previous / Next (Action.Execute inboxPage); its buttons are the inbox ones', () => {
    const card = pendingApprovalsCard({ items, page: { index: 1, count: 3, total: 12 } }, VIEWER);
    assertValidCard(card);
    expect(findById(card, 'pending-page').text).toBe('12 waiting · page 2 of 3');
    const paging = collectActions(card)
      .map(({ action }) => action)
      .filter((a) => a.verb === 'inboxPage');
    expect(paging.map((a) => [a.title, a.data])).toEqual([
      ['Previous', { pimbot: 'inboxPage', page: '0' }],
      ['Next', { pimbot: 'inboxPage', page: '2' }],
    ]);
    const approve = collectActions(card).find(({ action }) => action.id === 'pending-3-approve')?.action;
    expect(approve).toMatchObject({
      verb: 'inboxApprove',
      data: {
        pimbot: 'inboxApprove',
        requestId: 'req-3',
        commentInputId: 'comment-3',
        page: '1',
        pageIds: 'req-0,req-1,req-2,req-3,req-4',
      },
    });
    // What Teams sends back for it reads as the inbox decision, with the page and what it showed.
    expect(
      readExecuteAction({
        action: { verb: 'inboxApprove', data: { ...(approve?.data as object), 'comment-3': 'ok' } },
      }),
    ).toEqual({
      verb: 'inboxApprove',
      requestId: 'req-3',
      comment: 'ok',
      page: 1,
      pageIds: ['req-0', 'req-1', 'req-2', 'req-3', 'req-4'],
    });
  });

  it('one page: no paging buttons; a decided item stays in place without comment box or buttons', () => {
    const decided = items.map((item, i) =>
      i === 2 ? { ...item, decidedText: 'Denied by you at 14:02 CET.', decidedDenied: true } : item,
    );
    const card = pendingApprovalsCard({ items: decided, page: { index: 0, count: 1, total: 4 } }, VIEWER);
    assertValidCard(card);
    expect(findById(card, 'pending-page').text).toBe('4 waiting');
    expect(hasId(card, 'pending-paging')).toBe(false);
    expect(findById(card, 'pending-2-decided')).toMatchObject({
      text: 'Denied by you at 14:02 CET.',
      color: 'attention',
    });
    expect(hasId(card, 'pending-2-actions')).toBe(false);
    expect(hasId(card, 'pending-2-facts')).toBe(false);
    expect(inputsOf(card).map((i) => i.id)).toEqual(['comment-0', 'comment-1', 'comment-3', 'comment-4']);
  });

  it('a forged page number or id list is not an action', () => {
    const read = (data: Record<string, unknown>) =>
      readExecuteAction({ action: { verb: 'inboxApprove', data: { requestId: 'r', ...data } } });
    expect(read({ page: '-1', pageIds: 'r' })).toBeUndefined();
    expect(read({ page: '1e3', pageIds: 'r' })).toBeUndefined();
    expect(read({ page: '0', pageIds: Array.from({ length: 11 }, (_, i) => `r${i}`).join(',') })).toBeUndefined();
    expect(readExecuteAction({ action: { verb: 'inboxPage', data: { page: 'next' } } })).toBeUndefined();
  });
});
