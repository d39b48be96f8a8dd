import type { HelpCommand } from '../cards';
import { type TranslationKey, translator } from '../src/i18n';

/**
 * What the help card lists: what to type (English: the command parser reads English, so the examples are
 * what a German reader types too) and what it does, in the reader's language.
 */
const COMMANDS: ReadonlyArray<{ command: string; description: TranslationKey }> = [
  { command: 'roles', description: 'help:commands.roles' },
  { command: 'activate Exchange Administrator 2h INC-42 fix mailbox rules', description: 'help:commands.activate' },
  { command: 'I need Exchange admin for 2 hours', description: 'help:commands.ownWords' },
  { command: 'active', description: 'help:commands.active' },
  { command: 'deactivate Exchange Administrator', description: 'help:commands.deactivate' },
  { command: 'cancel request', description: 'help:commands.cancelRequest' },
  { command: 'pending', description: 'help:commands.pending' },
  { command: 'cancel', description: 'help:commands.cancel' },
];

/** The commands with their descriptions for a reader's Teams locale (`activity.locale`). */
export function helpCommands(locale?: string | null): HelpCommand[] {
  const t = translator(locale);
  return COMMANDS.map(({ command, description }) => ({ command, description: t(description) }));
}

/** The commands in English, for callers not yet converted (docs/i18n.md). */
export const HELP_COMMANDS: readonly HelpCommand[] = helpCommands();
