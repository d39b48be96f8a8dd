import { TEXT_LIMITS } from '../../cards';
import { translator } from '../i18n';
import type { PimRequest } from '../requests/pim-request';
import { plainPart } from './plain-message';

/*
 * Names and the approver's comment come from the directory and from people: each goes in through plainPart, so
 * none of them can format, link or mention anything in the message (see ./plain-message.ts). In the reader's
 * language (notices:*): the approver's remembered locale for a reminder, the requester's for a decision.
 */

/** "Still waiting for your decision", to an approver who has not decided yet. */
export function reminderText(request: PimRequest, locale?: string): string {
  const t = translator(locale);
  const requester = plainPart(request.requester.name) || t('notices:someone');
  return t('notices:reminder', { requester, target: plainPart(request.target.displayName) });
}

/** What the requester is told once their request was decided, or undefined while it was not. */
export function decidedText(request: PimRequest, locale?: string): string | undefined {
  const t = translator(locale);
  const decider = request.approval?.decision?.by;
  // A decision read back from PIM (portal, e-mail, PowerShell) has no decider the app may see: no object id.
  const by =
    decider && !decider.aadObjectId
      ? t('notices:approverOutsideTeams')
      : plainPart(decider?.name) || t('notices:anApprover');
  const target = plainPart(request.target.displayName);
  switch (request.status) {
    case 'approved':
    case 'active':
      return t('notices:approved', { by, target });
    case 'denied': {
      const comment = plainPart(request.approval?.decision?.comment, TEXT_LIMITS.text);
      return comment ? t('notices:deniedWithComment', { by, target, comment }) : t('notices:denied', { by, target });
    }
    case 'timedOut':
      return t('notices:timedOut', { target });
    default:
      return undefined;
  }
}
