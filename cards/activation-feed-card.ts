// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
/**
 * The activation feed card: one activation (an Entra role, or PIM for Groups membership/ownership),
 * posted as a new thread in each channel subscribed to it, and updated in place when the activation
 * ends (deactivated early, or expired). Read-only: no inputs, no actions, the same view for everyone.
 *
 * An activation by a break-glass (emergency access) account is `urgent`: the header is red whatever the
 * state, its title is {@link BREAK_GLASS_TITLE}, and a red line asks the channel to check it.
 */
import { ticketText } from './card-text';
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, expandCard, NOTHING } from './template';

export type ActivationFeedState = 'active' | 'deactivated' | 'expired';

export interface ActivationFeedCardModel {
  /** Entra role or PIM for Groups membership/ownership; shown under the target name. */
  kind: 'role' | 'group';
  /** Who activated; fact 'Who', with the UPN after the name: 'Adele Vance (adele@contoso.com)'. */
  principalName: string;
  principalUpn?: string | null;
  /** Role or group name; shown in the header. */
  targetName: string;
  /** Ready-formatted scope, e.g. 'Directory (tenant-wide)' or 'Group membership'; fact 'Scope'. */
  scopeText: string;
  /** Ready-formatted length, e.g. '2 hours' or 'No end date'; fact 'Duration'. */
  durationText: string;
  /**
   * Shown only when given: the view passes the justification and ticket only to channels whose subscription opted
   * in (`subscribe … with details`, src/views/feed-view.ts), since a channel has more readers than the approvers.
   */
  justification?: string | null;
  ticketNumber?: string | null;
  /** Shown after the ticket number: 'INC-42 (ServiceNow)'. */
  ticketSystem?: string | null;
  /** Who approved it, when it went through an approval. Fact 'Approval': 'Approved by …'. */
  approverName?: string | null;
  /**
   * 'bot': requested through PIM Bot (no approver: {@link NO_APPROVAL_TEXT}). 'external': seen in PIM,
   * made elsewhere (no approver: {@link EXTERNAL_SOURCE_TEXT}, since the bot cannot know).
   */
  source: 'bot' | 'external';
  /** Ready-formatted start, e.g. '14:30 UTC'; fact 'Start'. */
  startText: string;
  /** Ready-formatted (planned) end, e.g. '16:30 UTC' or 'No end date'; fact 'End'. */
  endText: string;
  state: ActivationFeedState;
  /** Ready-formatted time it ended early; fact 'Deactivated at' (state 'deactivated' only). */
  endedAtText?: string | null;
  /** Break-glass account: attention styling and the {@link BREAK_GLASS_TITLE} header. */
  urgent?: boolean | null;
}

/** Header text and colours of each state. */
export const ACTIVATION_FEED_STATES: Readonly<
  Record<ActivationFeedState, { title: string; style: 'good' | 'emphasis'; color: 'good' | 'default' }>
> = {
  active: { title: 'Active', style: 'good', color: 'good' },
  deactivated: { title: 'Deactivated', style: 'emphasis', color: 'default' },
  expired: { title: 'Expired', style: 'emphasis', color: 'default' },
};

export const BREAK_GLASS_TITLE = 'Break-glass account activation';
/** The red line of an urgent card. */
export const BREAK_GLASS_WARNING =
  '\u26A0 This is an emergency access account. Check with the security team that this activation is expected.';
/** 'Approval' when the bot made the activation and nobody approved it. */
export const NO_APPROVAL_TEXT = 'No approval needed';
/** 'Approval' when the activation was made outside PIM Bot (the bot cannot tell who approved it, if anyone). */
export const EXTERNAL_SOURCE_TEXT = 'Made outside PIM Bot (portal, PowerShell)';

const KIND_TEXT: Readonly<Record<ActivationFeedCardModel['kind'], { title: string; kind: string }>> = {
  role: { title: 'Role activation', kind: 'Microsoft Entra role' },
  group: { title: 'Group activation', kind: 'Group (PIM for Groups)' },
};

const TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  msteams: { width: 'Full' },
  body: [
    {
      type: 'Container',
      id: 'feed-header',
      style: '${headerStyle}',
      bleed: true,
      items: [
        {
          type: 'TextBlock',
          id: 'feed-title',
          text: '${title}',
          style: 'heading',
          size: 'large',
          color: '${titleColor}',
          wrap: true,
        },
        {
          type: 'TextBlock',
          id: 'feed-target',
          text: '${targetName}',
          weight: 'bolder',
          spacing: 'none',
          wrap: true,
        },
        {
          type: 'TextBlock',
          id: 'feed-kind',
          text: '${kindText}',
          isSubtle: true,
          size: 'small',
          spacing: 'none',
          wrap: true,
        },
        {
          type: 'TextBlock',
          id: 'feed-state',
          text: '${stateTitle}',
          weight: 'bolder',
          color: '${stateColor}',
          wrap: true,
        },
      ],
    },
    {
      $when: '${urgent}',
      type: 'TextBlock',
      id: 'feed-urgent',
      text: '${urgentText}',
      color: 'attention',
      weight: 'bolder',
      wrap: true,
    },
    {
      type: 'FactSet',
      id: 'feed-facts',
      facts: [
        { title: 'Who', value: '${who}' },
        { title: 'Scope', value: '${scopeText}' },
        { title: 'Duration', value: '${durationText}' },
        { title: 'Start', value: '${startText}' },
        { title: 'End', value: '${endText}' },
        { $when: '${hasEndedAt}', title: 'Deactivated at', value: '${endedAtText}' },
        { $when: '${hasJustification}', title: 'Justification', value: '${justification}' },
        { $when: '${hasTicket}', title: 'Ticket', value: '${ticket}' },
        { title: 'Approval', value: '${approvalText}' },
      ],
    },
  ],
};

/**
 * The activation feed card (same for every viewer; `viewer` is accepted like every builder's): a header
 * coloured by state (red when urgent) with the title, target, kind and state, the break-glass warning
 * when urgent, and the activation as facts: Who, Scope, Duration, Start, End, Deactivated at (state
 * 'deactivated' with `endedAtText`), Justification, Ticket, Approval.
 */
export function activationFeedCard(model: ActivationFeedCardModel, _viewer: Viewer = {}): AdaptiveCard {
  const meta = ACTIVATION_FEED_STATES[model.state];
  if (!meta) throw new TypeError('activationFeedCard: unknown state');
  const kind = KIND_TEXT[model.kind] ?? KIND_TEXT.role;
  const urgent = model.urgent === true;

  const name = displayText(model.principalName, TEXT_LIMITS.name) || '(unknown)';
  const upn = optionalDisplayText(model.principalUpn, TEXT_LIMITS.name);
  const justification = optionalDisplayText(model.justification, TEXT_LIMITS.justification);
  const ticket = ticketText(model.ticketNumber, model.ticketSystem);
  const approver = optionalDisplayText(model.approverName, TEXT_LIMITS.name);
  const endedAt = model.state === 'deactivated' ? optionalDisplayText(model.endedAtText, TEXT_LIMITS.shortText) : '';

  return expandCard(TEMPLATE, {
    headerStyle: urgent ? 'attention' : meta.style,
    title: urgent ? BREAK_GLASS_TITLE : kind.title,
    titleColor: urgent ? 'attention' : 'default',
    targetName: displayText(model.targetName, TEXT_LIMITS.name) || '(unnamed)',
    kindText: kind.kind,
    stateTitle: meta.title,
    stateColor: urgent && model.state === 'active' ? 'attention' : meta.color,
    urgent,
    urgentText: BREAK_GLASS_WARNING,
    who: upn === '' ? name : `${name} (${upn})`,
    scopeText: displayText(model.scopeText, TEXT_LIMITS.text) || NOTHING,
    durationText: displayText(model.durationText, TEXT_LIMITS.shortText) || NOTHING,
    startText: displayText(model.startText, TEXT_LIMITS.shortText) || NOTHING,
    endText: displayText(model.endText, TEXT_LIMITS.shortText) || NOTHING,
    hasEndedAt: endedAt !== '',
    endedAtText: endedAt,
    hasJustification: justification !== '',
    justification,
    hasTicket: ticket !== '',
    ticket,
    approvalText:
      approver !== ''
        ? `Approved by ${approver}`
        : model.source === 'external'
          ? EXTERNAL_SOURCE_TEXT
          : NO_APPROVAL_TEXT,
  });
}
