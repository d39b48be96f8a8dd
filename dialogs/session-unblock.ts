import type { TurnContext } from 'botbuilder';
import { translator } from '../src/i18n';
import type { DialogServices } from './dialog-services';
import type { StepUpOptions } from './step-up-dialog';

/**
 * Signed in, but Entra will not exchange the user's token for Graph yet (PimSessions.check): what the chat does
 * about it. Conditional Access wanting an interactive sign-in → the step-up sign-in's options (its claims; the
 * request goes on with the Graph token it brings back). Admin consent missing → said plainly, since signing in again
 * would not help ('stop'). Nothing in the way → undefined.
 */
export async function unblockSession(
  context: TurnContext,
  services: DialogServices,
): Promise<StepUpOptions | 'stop' | undefined> {
  const block = await services.sessions.blocked?.(context);
  if (!block) return undefined;
  const t = translator(context.activity.locale);
  if (block.kind === 'consentMissing') {
    await context.sendActivity(t('chat:consentMissing'));
    return 'stop';
  }
  if (!services.stepUp) {
    await context.sendActivity(t('chat:conditionalAccess.noStepUp'));
    return 'stop';
  }
  return { claims: block.claims, message: t('chat:conditionalAccess.reason'), beforeRequest: true };
}
