// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
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
  /** Sentence under the heading. Default: a one-line description of the bot. */
  intro?: string;
  /** Commands to list, in order. An empty array lists none. */
  commands: readonly HelpCommand[];
}

export const DEFAULT_HELP_INTRO =
  'I activate your Microsoft Entra PIM roles and groups just in time, right here in chat. Try one of these:';

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
    { type: 'Action.Submit', id: 'help-roles', title: 'My roles', data: { pimbot: 'roles' } },
    { type: 'Action.Submit', id: 'help-active', title: 'Active now', data: { pimbot: 'active' } },
  ],
};

/**
 * The help card: heading, intro, one block per command (monospace command + description), and two
 * Action.Submit shortcuts: 'My roles' `{pimbot:'roles'}` and 'Active now' `{pimbot:'active'}`.
 */
export function helpCard(model: HelpCardModel, _viewer: Viewer = {}): AdaptiveCard {
  return expandCard(TEMPLATE, {
    title: displayText(model.title ?? 'PIM Bot', TEXT_LIMITS.name) || 'PIM Bot',
    intro: displayText(model.intro ?? DEFAULT_HELP_INTRO, TEXT_LIMITS.text) || DEFAULT_HELP_INTRO,
    commands: model.commands.slice(0, 30).map((c) => ({
      command: displayText(c.command, TEXT_LIMITS.text),
      description: displayText(c.description, TEXT_LIMITS.text),
    })),
  });
}
