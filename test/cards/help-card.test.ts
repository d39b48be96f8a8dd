import { describe, expect, it } from 'vitest';
import { helpCard } from '../../cards';
import { HELP_COMMANDS } from '../../dialogs/help-commands';
import { assertValidCard, collectActions, findById, hasId, visibleLines } from './card-validation';

describe('helpCard', () => {
  it("lists the bot's commands with their examples", () => {
    const card = helpCard({ commands: HELP_COMMANDS });
    assertValidCard(card);
    const lines = visibleLines(card);
    for (const example of [
      'roles',
      'activate Exchange Administrator 2h INC-42 fix mailbox rules',
      'active',
      'deactivate Exchange Administrator',
      'cancel request',
      'pending',
      'cancel',
      'I need Exchange admin for 2 hours',
    ]) {
      expect(lines).toContain(example);
    }
    expect(HELP_COMMANDS).toHaveLength(8);
    expect(findById(card, 'help-command-0').items).toEqual([
      expect.objectContaining({ text: 'roles', fontType: 'monospace' }),
      expect.objectContaining({ text: 'Your eligible roles and groups, with what each needs.', isSubtle: true }),
    ]);
  });

  it('takes its own intro and commands; an empty command list shows just the intro', () => {
    const card = helpCard({ intro: 'Hello.', commands: [] });
    assertValidCard(card);
    expect(findById(card, 'help-intro').text).toBe('Hello.');
    expect(hasId(card, 'help-command-0')).toBe(false);
  });

  it('offers shortcuts as Action.Submit that continue the chat dialog', () => {
    expect(
      collectActions(helpCard({ commands: HELP_COMMANDS })).map(({ action }) => [
        action.type,
        action.title,
        action.data,
      ]),
    ).toEqual([
      ['Action.Submit', 'My roles', { pimbot: 'roles' }],
      ['Action.Submit', 'Active now', { pimbot: 'active' }],
    ]);
  });
});
