import { type Translate, translator } from '../src/i18n';
import { displayText, optionalDisplayText, TEXT_LIMITS } from './sanitize';

/** Text pieces several cards share. */

const MAX_HINTS = 10;

const ENGLISH = translator('en');

export type ApprovalHintKind =
  | 'outsideBusinessHours'
  | 'severalRoles'
  | 'firstTime'
  | 'breakGlass'
  | 'highPrivilege'
  | 'defaultApprovers';

/** Something the approver should notice before deciding. Shown as a '⚠' line, warning-coloured. */
export interface ApprovalHint {
  /** 'breakGlass' is shown in attention (red) colour, every other kind in warning colour. */
  kind: ApprovalHintKind;
  /** E.g. 'Requested at 02:14, outside business hours.', in the viewer's language (the view words it). Shown sanitised. */
  text: string;
}

/** The hint lines as template data: sanitised, blank ones dropped, breakGlass in attention colour, '⚠ ' before each. */
export function hintLines(
  hints: readonly ApprovalHint[] | null | undefined,
  t: Translate = ENGLISH,
): Array<{ text: string; color: string }> {
  return (hints ?? [])
    .map((hint) => ({
      text: displayText(hint?.text, TEXT_LIMITS.text),
      color: hint?.kind === 'breakGlass' ? 'attention' : 'warning',
    }))
    .filter((hint) => hint.text !== '')
    .slice(0, MAX_HINTS)
    .map((hint) => ({ text: t('approval:hintLine', { text: hint.text }), color: hint.color }));
}

/** 'INC-42 (ServiceNow)', 'INC-42', or ''. */
export function ticketText(ticketNumber: unknown, ticketSystem: unknown, t: Translate = ENGLISH): string {
  const ticket = optionalDisplayText(ticketNumber, TEXT_LIMITS.ticketNumber);
  const system = optionalDisplayText(ticketSystem, TEXT_LIMITS.ticketSystem);
  return ticket === '' ? '' : system === '' ? ticket : t('approval:ticketWithSystem', { ticket, system });
}
