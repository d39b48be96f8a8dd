import { type TurnContext, TeamsActivityHandler } from 'botbuilder';
import type { Logger } from '../observability/logger';
import { turnLogger } from '../server';

/**
 * The Teams-facing bot. Commands arrive with the activation issue; for now it greets and says what it
 * can do, so an installed bot is never silent.
 */
export class PimBot extends TeamsActivityHandler {
  constructor(private readonly logger: Logger) {
    super();
    this.onMessage(async (context, next) => {
      turnLogger(context, this.logger).info({ conversationType: context.activity.conversation?.conversationType }, 'message');
      await context.sendActivity(helpText(context));
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((m) => m.id === botId)) {
        await context.sendActivity(helpText(context));
      }
      await next();
    });
  }
}

function helpText(_context: TurnContext): string {
  return [
    "Hi, I'm PIM Bot. I turn Microsoft Entra Privileged Identity Management into a chat workflow:",
    '- request just-in-time activation of your eligible roles and groups,',
    '- approve or deny requests right on the card,',
    '- follow every activation in a team channel.',
    'Role requests are being wired up; this build answers health checks and this help.',
  ].join('\n');
}
