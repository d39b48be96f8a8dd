// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { APPROVAL_COMMENT_MAX_LENGTH } from './card-actions';
import type { JsonObject } from './card-types';
import { CARD_SCHEMA_URL } from './template';

/**
 * The inbox card's layout (adaptivecards-templating): one container per request, with its own comment input and
 * Approve/Deny, then the page line and Previous/Next. pendingApprovalsCard binds the words and the items.
 */
export const PENDING_APPROVALS_TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  msteams: { width: 'Full' },
  body: [
    { type: 'TextBlock', id: 'pending-title', text: '${title}', style: 'heading', size: 'large', wrap: true },
    {
      $when: '${hasNotice}',
      type: 'TextBlock',
      id: 'pending-notice',
      text: '${noticeText}',
      color: 'good',
      wrap: true,
    },
    {
      $when: '${hasPage}',
      type: 'TextBlock',
      id: 'pending-page',
      text: '${pageText}',
      isSubtle: true,
      spacing: 'none',
      wrap: true,
    },
    { $when: '${isEmpty}', type: 'TextBlock', id: 'pending-empty', text: '${emptyText}', wrap: true },
    {
      $data: '${items}',
      type: 'Container',
      id: 'pending-${$index}',
      separator: true,
      spacing: 'medium',
      items: [
        { type: 'TextBlock', id: 'pending-${$index}-target', text: '${targetName}', weight: 'bolder', wrap: true },
        {
          type: 'TextBlock',
          id: 'pending-${$index}-requested',
          text: '${requestedText}',
          isSubtle: true,
          size: 'small',
          spacing: 'none',
          wrap: true,
        },
        {
          $data: '${hints}',
          type: 'TextBlock',
          text: '${text}',
          color: '${color}',
          weight: 'bolder',
          spacing: 'small',
          wrap: true,
        },
        {
          $when: '${isOpen}',
          type: 'FactSet',
          id: 'pending-${$index}-facts',
          facts: [
            { title: '${$root.labels.duration}', value: '${durationText}' },
            { $when: '${hasTicket}', title: '${$root.labels.ticket}', value: '${ticket}' },
            { $when: '${hasJustification}', title: '${$root.labels.justification}', value: '${justification}' },
            { title: '${$root.labels.decideBy}', value: '${expiresAtText}' },
          ],
        },
        {
          $when: '${isDecided}',
          type: 'TextBlock',
          id: 'pending-${$index}-decided',
          text: '${decidedText}',
          color: '${decidedColor}',
          weight: 'bolder',
          wrap: true,
        },
        {
          $when: '${hasError}',
          type: 'TextBlock',
          id: 'pending-${$index}-error',
          text: '${errorText}',
          color: 'attention',
          weight: 'bolder',
          wrap: true,
        },
        {
          $when: '${isOpen}',
          type: 'Input.Text',
          id: '${commentInputId}',
          value: '${commentValue}',
          label: '${$root.labels.commentLabel}',
          placeholder: '${$root.labels.commentPlaceholder}',
          isMultiline: true,
          maxLength: APPROVAL_COMMENT_MAX_LENGTH,
        },
        {
          $when: '${isOpen}',
          type: 'ActionSet',
          id: 'pending-${$index}-actions',
          actions: [
            {
              type: 'Action.Execute',
              id: 'pending-${$index}-approve',
              title: '${$root.labels.approve}',
              tooltip: '${approveTooltip}',
              style: 'positive',
              verb: '${approveVerb}',
              data: '${approveData}',
            },
            {
              type: 'Action.Execute',
              id: 'pending-${$index}-deny',
              title: '${$root.labels.deny}',
              tooltip: '${denyTooltip}',
              style: 'destructive',
              verb: '${denyVerb}',
              data: '${denyData}',
            },
          ],
        },
      ],
    },
    { $when: '${hasMore}', type: 'TextBlock', id: 'pending-more', text: '${moreText}', isSubtle: true, wrap: true },
    {
      $when: '${hasPaging}',
      type: 'ActionSet',
      id: 'pending-paging',
      separator: true,
      actions: [
        {
          $when: '${hasPrevious}',
          type: 'Action.Execute',
          id: 'pending-previous',
          title: '${labels.previous}',
          verb: 'inboxPage',
          data: '${previousData}',
        },
        {
          $when: '${hasNext}',
          type: 'Action.Execute',
          id: 'pending-next',
          title: '${labels.next}',
          verb: 'inboxPage',
          data: '${nextData}',
        },
      ],
    },
  ],
};
