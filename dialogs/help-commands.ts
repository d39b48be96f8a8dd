import type { HelpCommand } from '../cards';

/** What the help card lists: what to type, and what it does. */
export const HELP_COMMANDS: readonly HelpCommand[] = [
  { command: 'roles', description: 'Your eligible roles and groups, with what each needs.' },
  {
    command: 'activate Exchange Administrator 2h INC-42 fix mailbox rules',
    description: 'Activate a role; I ask for anything missing.',
  },
  { command: 'I need Exchange admin for 2 hours', description: 'The same, in your own words.' },
  { command: 'active', description: 'What is active for you now, and until when.' },
  { command: 'deactivate Exchange Administrator', description: 'End an activation early.' },
  { command: 'cancel request', description: 'Withdraw your request that is waiting for approval.' },
  { command: 'pending', description: 'Approvers: the requests waiting for your decision.' },
  { command: 'cancel', description: 'Stop what we are doing; nothing is submitted.' },
];
