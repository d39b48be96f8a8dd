/**
 * PIM Bot's Adaptive Cards (1.5, the highest Teams renders). Every builder is pure:
 * `(viewModel, viewer?) → AdaptiveCard`, no clock, no environment, same input → deep-equal output.
 * View models carry ready-formatted strings (times, durations); user text in them is neutralised by
 * ./sanitize before it is bound into the card as template data.
 *
 * The actions the cards send, and how the bot reads them: ./card-actions.
 */
export {
  type ActivationFormCardModel,
  type ActivationFormDetails,
  activationFormCard,
  CUSTOM_DURATION_MAX_LENGTH,
  FORM_INPUT_IDS,
  type FormChoice,
} from './activation-form-card';
export { type SubmittedFormCardModel, submittedFormCard } from './submitted-form-card';
export {
  type ActiveItem,
  type ActiveRolesCardModel,
  activeRolesCard,
  DEFAULT_NOTHING_ACTIVE_TEXT,
} from './active-roles-card';
export {
  APPROVAL_COMMENT_INPUT_ID,
  APPROVAL_COMMENT_MAX_LENGTH,
  type CardAction,
  type CardActionData,
  type ExecuteAction,
  type ExecuteVerb,
  type FormSubmission,
  readExecuteAction,
  readSubmitAction,
  type SubmitAction,
  type SubmitVerb,
} from './card-actions';
export type { ApprovalHint, ApprovalHintKind } from './card-text';
export type { AdaptiveCard, JsonObject, JsonValue, TeamsCardExtension, Viewer } from './card-types';
export { type ConfirmationCardModel, confirmationCard } from './confirmation-card';
export {
  type ContinuedInPersonalChatCardModel,
  continuedInPersonalChatCard,
  DEFAULT_CONTINUED_TEXT,
  JUSTIFICATION_AUDIENCE_TEXT,
} from './continued-card';
export { type ErrorCardModel, errorCard } from './error-card';
export { EXPIRY_WARNING_NOTE, type ExpiryWarningCardModel, expiryWarningCard } from './expiry-warning-card';
export { DEFAULT_HELP_INTRO, type HelpCardModel, type HelpCommand, helpCard } from './help-card';
export {
  DEFAULT_NO_ELIGIBLE_TEXT,
  type EligibleItem,
  type MyRolesCardModel,
  myRolesCard,
} from './my-roles-card';
export {
  DISPLAY_LOOKALIKES,
  displayText,
  inputValue,
  opaqueId,
  optionalDisplayText,
  safeOpenUrl,
  TEXT_LIMITS,
  truncateText,
} from './sanitize';
export {
  QUEUED_ACTIVATION_NOTE,
  QUEUED_ACTIVATION_STATES,
  type QueuedActivationCardModel,
  type QueuedActivationState,
  queuedActivationCard,
} from './queued-activation-card';
export { type SignInCardModel, signInCard } from './sign-in-card';
export { CARD_BYTE_BUDGET, cardBytes, DEFAULT_MAX_LISTED_ITEMS } from './template';
export { STATUS_STATES, type StatusCardModel, type StatusFailure, type StatusState, statusCard } from './status-card';
export {
  APPROVAL_STATES,
  type ApprovalCardModel,
  type ApprovalState,
  approvalCard,
  DENY_REASON_REQUIRED_TEXT,
  viewerMayDecide,
} from './approval-card';
export {
  DEFAULT_MAX_PENDING_ITEMS,
  DEFAULT_NOTHING_PENDING_TEXT,
  type PendingApprovalItem,
  type PendingApprovalsCardModel,
  pendingApprovalsCard,
  pendingCommentInputId,
} from './pending-approvals-card';
export {
  ACTIVATION_FEED_STATES,
  type ActivationFeedCardModel,
  type ActivationFeedState,
  activationFeedCard,
  BREAK_GLASS_TITLE,
  BREAK_GLASS_WARNING,
  EXTERNAL_SOURCE_TEXT,
  NO_APPROVAL_TEXT,
} from './activation-feed-card';
