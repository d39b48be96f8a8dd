// biome-ignore-all lint/suspicious/noTemplateCurlyInString: '${' in strings here is hostile input under test.
import { describe, expect, it } from 'vitest';
import {
  ACTIVATION_FEED_STATES,
  type ActivationFeedCardModel,
  type ActivationFeedState,
  type AdaptiveCard,
  activationFeedCard,
  BREAK_GLASS_TITLE,
  BREAK_GLASS_WARNING,
  EXTERNAL_SOURCE_TEXT,
  NO_APPROVAL_TEXT,
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
 * The activation feed card: one activation, posted in a channel thread and updated in place when it
 * ends. Read-only and the same for every viewer; break-glass activations are urgent (red).
 */

const normalFeed: ActivationFeedCardModel = {
  kind: 'role',
  principalName: 'Adele Vance',
  principalUpn: 'adele@contoso.com',
  targetName: 'Exchange Administrator',
  scopeText: 'Directory (tenant-wide)',
  durationText: '2 hours',
  justification: 'fix mailbox rules',
  ticketNumber: 'INC-42',
  ticketSystem: 'ServiceNow',
  approverName: 'Megan Bowen',
  source: 'bot',
  startText: '14:30 UTC',
  endText: '16:30 UTC',
  state: 'active',
};

const feed = (overrides: Partial<ActivationFeedCardModel> = {}): AdaptiveCard =>
  activationFeedCard({ ...normalFeed, ...overrides }, VIEWER);

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

const STATES = Object.keys(ACTIVATION_FEED_STATES) as ActivationFeedState[];

describe('activationFeedCard', () => {
  it('shows who activated what, where, for how long, why and who approved it', () => {
    const card = feed();
    assertValidCard(card);
    expect(findById(card, 'feed-title').text).toBe('Role activation');
    expect(findById(card, 'feed-target').text).toBe('Exchange Administrator');
    expect(findById(card, 'feed-kind').text).toBe('Microsoft Entra role');
    expect(findById(card, 'feed-state').text).toBe('Active');
    expect(factsOf(card, 'feed-facts')).toEqual({
      Who: 'Adele Vance (adele@contoso.com)',
      Scope: 'Directory (tenant-wide)',
      Duration: '2 hours',
      Start: '14:30 UTC',
      End: '16:30 UTC',
      Justification: 'fix mailbox rules',
      Ticket: 'INC-42 (ServiceNow)',
      Approval: 'Approved by Megan Bowen',
    });
    expect(textViolations(card)).toEqual([]);
  });

  it('is read-only: no actions, no inputs, no refresh', () => {
    const card = feed();
    expect(collectActions(card)).toEqual([]);
    expect(collectElements(card).filter((e) => String(e.type).startsWith('Input.'))).toEqual([]);
    expect(card).not.toHaveProperty('refresh');
    expect(card).not.toHaveProperty('actions');
  });

  it('without an approver says whether no approval was needed or the activation was made outside PIM Bot', () => {
    expect(factsOf(feed({ approverName: null }), 'feed-facts').Approval).toBe(NO_APPROVAL_TEXT);
    expect(factsOf(feed({ approverName: null, source: 'external' }), 'feed-facts').Approval).toBe(EXTERNAL_SOURCE_TEXT);
    expect(EXTERNAL_SOURCE_TEXT).toBe('Made outside PIM Bot (portal, PowerShell)');
    // A known approver wins over the source.
    expect(factsOf(feed({ source: 'external' }), 'feed-facts').Approval).toBe('Approved by Megan Bowen');
  });

  it.each<[ActivationFeedState, string, string, string]>([
    ['active', 'Active', 'good', 'good'],
    ['deactivated', 'Deactivated', 'emphasis', 'default'],
    ['expired', 'Expired', 'emphasis', 'default'],
  ])('state %s: "%s" in a %s header', (state, title, style, color) => {
    const card = feed({ state });
    assertValidCard(card);
    expect(findById(card, 'feed-header').style).toBe(style);
    expect(findById(card, 'feed-state')).toMatchObject({ text: title, color });
  });

  it('a deactivated card says when; the time is ignored in other states', () => {
    const card = feed({ state: 'deactivated', endedAtText: '15:02 UTC' });
    expect(factsOf(card, 'feed-facts')['Deactivated at']).toBe('15:02 UTC');
    expect(factsOf(feed({ state: 'expired', endedAtText: '16:30 UTC' }), 'feed-facts')).not.toHaveProperty(
      'Deactivated at',
    );
    expect(factsOf(feed({ endedAtText: '15:02 UTC' }), 'feed-facts')).not.toHaveProperty('Deactivated at');
  });

  it('a group activation is labelled as PIM for Groups', () => {
    const card = feed({ kind: 'group', targetName: 'RAG - Helpdesk Admins', scopeText: 'Group membership' });
    assertValidCard(card);
    expect(findById(card, 'feed-title').text).toBe('Group activation');
    expect(findById(card, 'feed-kind').text).toBe('Group (PIM for Groups)');
    expect(factsOf(card, 'feed-facts').Scope).toBe('Group membership');
  });

  it.each(STATES)('urgent (break-glass), state %s: red header, break-glass title and warning', (state) => {
    const card = feed({ urgent: true, state });
    assertValidCard(card);
    expect(findById(card, 'feed-header').style).toBe('attention');
    expect(findById(card, 'feed-title')).toMatchObject({ text: BREAK_GLASS_TITLE, color: 'attention' });
    expect(findById(card, 'feed-urgent')).toMatchObject({ text: BREAK_GLASS_WARNING, color: 'attention' });
    expect(BREAK_GLASS_TITLE).toBe('Break-glass account activation');
    expect(textViolations(card)).toEqual([]);
  });

  it('a normal card has no break-glass warning', () => {
    expect(hasId(feed(), 'feed-urgent')).toBe(false);
    expect(hasId(feed({ urgent: false }), 'feed-urgent')).toBe(false);
  });

  it('minimal data: optional facts left out, blank required ones shown as an em dash', () => {
    const card = activationFeedCard({
      kind: 'role',
      principalName: '',
      targetName: '',
      scopeText: '',
      durationText: '',
      source: 'bot',
      startText: '',
      endText: '',
      state: 'active',
    });
    assertValidCard(card);
    expect(findById(card, 'feed-target').text).toBe('(unnamed)');
    expect(factsOf(card, 'feed-facts')).toEqual({
      Who: '(unknown)',
      Scope: '\u2014',
      Duration: '\u2014',
      Start: '\u2014',
      End: '\u2014',
      Approval: NO_APPROVAL_TEXT,
    });
  });

  it('is the same for every viewer, and a pure function of its model', () => {
    expect(activationFeedCard(normalFeed, {})).toEqual(activationFeedCard(normalFeed, VIEWER));
    const first = activationFeedCard(normalFeed);
    (first.body[0] as { id?: string }).id = 'mutated';
    expect(activationFeedCard(normalFeed).body[0]?.id).toBe('feed-header');
  });

  it('rejects an unknown state', () => {
    expect(() => feed({ state: 'pending' as ActivationFeedState })).toThrow(TypeError);
  });

  describe.each(HOSTILE)('with hostile text: $name', ({ text, words }) => {
    it('in every user field: still valid, nothing but the neutralised words rendered', () => {
      const card = feed({
        principalName: text,
        principalUpn: text,
        targetName: text,
        scopeText: text,
        durationText: text,
        justification: text,
        ticketNumber: text,
        ticketSystem: text,
        approverName: text,
        startText: text,
        endText: text,
        state: 'deactivated',
        endedAtText: text,
        urgent: true,
      });
      assertValidCard(card);
      expect(textViolations(card)).toEqual([]);
      const visible = readable(card);
      for (const word of words) expect(visible).toContain(word);
    });
  });
});
