import { describe, expect, it } from 'vitest';
import { helpCard } from '../../cards';
import { HELP_COMMANDS, helpCommands } from '../../dialogs/help-commands';
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

  it('speaks German to a de-DE viewer: its own words and the command descriptions; the commands stay as typed', () => {
    const card = helpCard({ commands: helpCommands('de-DE') }, { locale: 'de-DE' });
    assertValidCard(card);
    expect(findById(card, 'help-intro').text).toBe(
      'Ich aktiviere Ihre Microsoft Entra PIM-Rollen und -Gruppen just in time, direkt hier im Chat. Probieren Sie einen dieser Befehle aus (Befehle werden auf Englisch eingegeben):',
    );
    expect(findById(card, 'help-command-0').items).toEqual([
      expect.objectContaining({ text: 'roles', fontType: 'monospace' }),
      expect.objectContaining({ text: 'Ihre berechtigten Rollen und Gruppen, mit den jeweiligen Anforderungen.' }),
    ]);
    expect(findById(card, 'help-command-7').items).toEqual([
      expect.objectContaining({ text: 'cancel' }),
      expect.objectContaining({ text: 'Den aktuellen Vorgang abbrechen; es wird nichts übermittelt.' }),
    ]);
    expect(collectActions(card).map(({ action }) => [action.title, action.data])).toEqual([
      ['Meine Rollen', { pimbot: 'roles' }],
      ['Jetzt aktiv', { pimbot: 'active' }],
    ]);
  });

  it('an English or unsupported locale gets exactly the English card', () => {
    for (const locale of ['en-US', 'fr-FR']) {
      expect(helpCard({ commands: helpCommands(locale) }, { locale })).toEqual(helpCard({ commands: HELP_COMMANDS }));
    }
  });
});
