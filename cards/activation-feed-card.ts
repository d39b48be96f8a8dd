// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
/**
 * The activation feed card: one activation (an Entra role, or PIM for Groups membership/ownership),
 * posted as a new thread in each channel subscribed to it, and updated in place when the activation
 * ends (deactivated early, or expired). Read-only: no inputs, no actions, the same view for everyone.
 *
 * An activation by a break-glass (emergency access) account is `urgent`: the header is red whatever the
 * state, its title is {@link BREAK_GLASS_TITLE}, and a red line asks the channel to check it.
 */
import { translator } from '../src/i18n';
import { ticketText } from './card-text';
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, expandCard, NOTHING } from './template';

export type ActivationFeedState = 'active' | 'deactivated' | 'expired';

const ENGLISH = translator('en');

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

/** Header colours of each state; the title is feed:state.<state> in the viewer's language. */
export const ACTIVATION_FEED_STATES: Readonly<
  Record<ActivationFeedState, { title: string; style: 'good' | 'emphasis'; color: 'good' | 'default' }>
> = {
  active: { title: ENGLISH('feed:state.active'), style: 'good', color: 'good' },
  deactivated: { title: ENGLISH('feed:state.deactivated'), style: 'emphasis', color: 'default' },
  expired: { title: ENGLISH('feed:state.expired'), style: 'emphasis', color: 'default' },
};

/** The English words (feed namespace), for callers not yet converted. */
export const BREAK_GLASS_TITLE = ENGLISH('feed:title.breakGlass');
/** The red line of an urgent card. */
export const BREAK_GLASS_WARNING = ENGLISH('feed:breakGlassWarning');
/** 'Approval' when the bot made the activation and nobody approved it. */
export const NO_APPROVAL_TEXT = ENGLISH('feed:noApproval');
/** 'Approval' when the activation was made outside PIM Bot (the bot cannot tell who approved it, if anyone). */
export const EXTERNAL_SOURCE_TEXT = ENGLISH('feed:external');

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
        { title: '${labels.who}', value: '${who}' },
        { title: '${labels.scope}', value: '${scopeText}' },
        { title: '${labels.duration}', value: '${durationText}' },
        { title: '${labels.start}', value: '${startText}' },
        { title: '${labels.end}', value: '${endText}' },
        { $when: '${hasEndedAt}', title: '${labels.deactivatedAt}', value: '${endedAtText}' },
        { $when: '${hasJustification}', title: '${labels.justification}', value: '${justification}' },
        { $when: '${hasTicket}', title: '${labels.ticket}', value: '${ticket}' },
        { title: '${labels.approval}', value: '${approvalText}' },
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
export function activationFeedCard(model: ActivationFeedCardModel, viewer: Viewer = {}): AdaptiveCard {
  const meta = ACTIVATION_FEED_STATES[model.state];
  if (!meta) throw new TypeError('activationFeedCard: unknown state');
  const t = translator(viewer.locale);
  const group = model.kind === 'group';
  const urgent = model.urgent === true;

  const name = displayText(model.principalName, TEXT_LIMITS.name) || t('feed:unknownPerson');
  const upn = optionalDisplayText(model.principalUpn, TEXT_LIMITS.name);
  const justification = optionalDisplayText(model.justification, TEXT_LIMITS.justification);
  const ticket = ticketText(model.ticketNumber, model.ticketSystem, t);
  const approver = optionalDisplayText(model.approverName, TEXT_LIMITS.name);
  const endedAt = model.state === 'deactivated' ? optionalDisplayText(model.endedAtText, TEXT_LIMITS.shortText) : '';

  return expandCard(TEMPLATE, {
    headerStyle: urgent ? 'attention' : meta.style,
    title: t(urgent ? 'feed:title.breakGlass' : group ? 'feed:title.group' : 'feed:title.role'),
    titleColor: urgent ? 'attention' : 'default',
    targetName: displayText(model.targetName, TEXT_LIMITS.name) || t('feed:unnamed'),
    kindText: t(group ? 'feed:kind.group' : 'feed:kind.role'),
    stateTitle: t(`feed:state.${model.state}`),
    stateColor: urgent && model.state === 'active' ? 'attention' : meta.color,
    urgent,
    urgentText: t('feed:breakGlassWarning'),
    who: upn === '' ? name : t('feed:personWithUpn', { name, upn }),
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
        ? t('feed:approvedBy', { name: approver })
        : t(model.source === 'external' ? 'feed:external' : 'feed:noApproval'),
    labels: {
      who: t('feed:fact.who'),
      scope: t('feed:fact.scope'),
      duration: t('common:duration'),
      start: t('feed:fact.start'),
      end: t('feed:fact.end'),
      deactivatedAt: t('feed:fact.deactivatedAt'),
      justification: t('common:justification'),
      ticket: t('feed:fact.ticket'),
      approval: t('feed:fact.approval'),
    },
  });
}
