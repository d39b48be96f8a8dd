// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { translator } from '../src/i18n';
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, expandCard } from './template';

/** One line of the help card: what to type, and what it does. */
export interface HelpCommand {
  /** What the user types, shown in monospace, e.g. 'activate Exchange Administrator 2h INC-42 fix mailbox rules'. */
  command: string;
  /** One sentence on what it does. */
  description: string;
}

export interface HelpCardModel {
  /** Heading. Default 'PIM Bot'. */
  title?: string;
  /** Sentence under the heading, already in the viewer's language. Default: a one-line description of the bot. */
  intro?: string;
  /** Commands to list, in order. An empty array lists none. */
  commands: readonly HelpCommand[];
}

/** The English default intro, for callers not yet converted (docs/i18n.md); the card words it per viewer. */
export const DEFAULT_HELP_INTRO = translator('en')('help:card.intro');

const TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  msteams: { width: 'Full' },
  body: [
    { type: 'TextBlock', id: 'help-title', text: '${title}', style: 'heading', size: 'large', wrap: true },
    { type: 'TextBlock', id: 'help-intro', text: '${intro}', wrap: true },
    {
      $data: '${commands}',
      type: 'Container',
      id: 'help-command-${$index}',
      spacing: 'medium',
      items: [
        { type: 'TextBlock', text: '${command}', fontType: 'monospace', weight: 'bolder', wrap: true },
        { type: 'TextBlock', text: '${description}', isSubtle: true, spacing: 'none', wrap: true },
      ],
    },
  ],
  actions: [
    { type: 'Action.Submit', id: 'help-roles', title: '${myRolesTitle}', data: { pimbot: 'roles' } },
    { type: 'Action.Submit', id: 'help-active', title: '${activeNowTitle}', data: { pimbot: 'active' } },
  ],
};

/**
 * The help card: heading, intro, one block per command (monospace command + description), and two
 * Action.Submit shortcuts: 'My roles' `{pimbot:'roles'}` and 'Active now' `{pimbot:'active'}`, in the viewer's
 * language. The commands stay as typed (the parser reads English); their descriptions come from the caller.
 */
export function helpCard(model: HelpCardModel, viewer: Viewer = {}): AdaptiveCard {
  const t = translator(viewer.locale);
  return expandCard(TEMPLATE, {
    title: displayText(model.title, TEXT_LIMITS.name) || t('help:card.title'),
    intro: displayText(model.intro, TEXT_LIMITS.text) || t('help:card.intro'),
    myRolesTitle: t('help:card.myRoles'),
    activeNowTitle: t('help:card.activeNow'),
    commands: model.commands.slice(0, 30).map((c) => ({
      command: displayText(c.command, TEXT_LIMITS.text),
      description: displayText(c.description, TEXT_LIMITS.text),
    })),
  });
}
