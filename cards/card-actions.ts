import { z } from 'zod';

/**
 * Every action PIM Bot's cards send, as one typed union, read once at the edge of the bot with the same
 * rules for every card. Action data is `{ pimbot: <verb>, …opaque ids from the view model }`.
 *
 * - Action.Submit arrives as a message whose `value` is the data merged with the card's inputs:
 *   'roles' and 'active' (help card), 'activate' (roles list, Activate again), 'confirm' (confirmation
 *   card), 'cancel' (every Cancel, with `associatedInputs: 'none'`), 'activationFormRole' / 'activationForm'
 *   (the activation form's Next / Activate, with its inputs).
 * - Action.Execute arrives as an `adaptiveCard/action` invoke whose `value.action` has the verb and the
 *   data merged with the inputs, answered with the card that replaces it: 'deactivate' (status card,
 *   active list, expiry warning), 'approve' / 'deny' (approval card, inbox), 'refreshApproval' (the
 *   approval card's Universal Actions refresh), 'cancelRequest' (the requester's waiting status card),
 *   'inboxPage' / 'inboxApprove' / 'inboxDeny' (the approver's inbox: Next / Previous, and decisions that
 *   answer with the same inbox page, the decided item in place).
 */

/** An opaque id the bot put on the card; checked against the clicker's own data before any use. */
const OpaqueId = z.string().min(1).max(1024);

/** The approval comment (deny reason): PIM's justification limit. */
export const APPROVAL_COMMENT_MAX_LENGTH = 500;
/** The approval card's comment input; the inbox card names one per item (`comment-<n>`, see `commentInputId`). */
export const APPROVAL_COMMENT_INPUT_ID = 'comment';
const COMMENT_INPUT_ID = /^comment(?:-\d{1,4})?$/;

/** The inbox page (0-based) a button was on, as a string of digits (card data carries strings). */
const InboxPage = z
  .string()
  .regex(/^\d{1,4}$/)
  .transform(Number);
/** The ids of the requests listed on that inbox page, comma-separated (at most a page's worth). */
const InboxPageIds = z
  .string()
  .max(1024)
  .transform((v) => v.split(',').filter((id) => id.length > 0))
  .pipe(z.array(OpaqueId).max(10));

/**
 * What the activation form sent: whose form it is, and its inputs as text. Each input is cut to a length
 * past its card limit (so "too long" is still seen and said), never parsed here: the server checks it with
 * the same rules as typed answers (src/activation/activation-form-check.ts).
 */
const formSubmission = z.object({
  requester: OpaqueId,
  role: z.string().max(1024).optional(),
  /** The role the card's fields were shaped for: Activate with another role chosen shows that role's fields first. */
  shapedFor: OpaqueId.optional(),
  /** This form's own id: a second Activate on a form already submitted is found by it and not sent again. */
  formId: OpaqueId.optional(),
  duration: z.string().optional(),
  durationCustom: z.string().optional(),
  justification: z.string().optional(),
  ticket: z.string().optional(),
});
export type FormSubmission = z.infer<typeof formSubmission>;

/** Cuts per input (UTF-16 units): twice the card's maxLength, so an over-long value is still reported as such. */
const FORM_INPUT_CUTS = { duration: 40, durationCustom: 200, justification: 1000, ticket: 200 } as const;

const submitAction = z.discriminatedUnion('verb', [
  z.object({ verb: z.literal('roles') }),
  z.object({ verb: z.literal('active') }),
  z.object({ verb: z.literal('cancel') }),
  z.object({ verb: z.literal('activate'), target: OpaqueId }),
  z.object({ verb: z.literal('confirm'), target: OpaqueId.optional() }),
  // "Activate again" (expiry warning, status card): queued while the activation runs, prefilled after.
  z.object({ verb: z.literal('activateAgain'), requestId: OpaqueId }),
  // The activation form: 'Next' (shape the card for the chosen role) and 'Activate' (submit it).
  z.object({ verb: z.literal('activationFormRole'), form: formSubmission }),
  z.object({ verb: z.literal('activationForm'), form: formSubmission }),
]);

const executeAction = z.discriminatedUnion('verb', [
  z.object({ verb: z.literal('deactivate'), target: OpaqueId }),
  z.object({ verb: z.literal('approve'), requestId: OpaqueId, comment: z.string() }),
  z.object({ verb: z.literal('deny'), requestId: OpaqueId, comment: z.string() }),
  z.object({ verb: z.literal('refreshApproval'), requestId: OpaqueId }),
  z.object({ verb: z.literal('cancelRequest'), requestId: OpaqueId }),
  // Cancel on the card of an activation queued to follow a running one.
  z.object({ verb: z.literal('cancelQueued'), requestId: OpaqueId }),
  // The approver's inbox (issue 15): paging, and decisions that answer with the inbox, the item decided in place.
  z.object({ verb: z.literal('inboxPage'), page: InboxPage }),
  z.object({
    verb: z.literal('inboxApprove'),
    requestId: OpaqueId,
    comment: z.string(),
    page: InboxPage,
    pageIds: InboxPageIds,
  }),
  z.object({
    verb: z.literal('inboxDeny'),
    requestId: OpaqueId,
    comment: z.string(),
    page: InboxPage,
    pageIds: InboxPageIds,
  }),
]);

/** An Action.Submit of one of PIM Bot's cards. */
export type SubmitAction = z.infer<typeof submitAction>;
/** An Action.Execute of one of PIM Bot's cards. */
export type ExecuteAction = z.infer<typeof executeAction>;
export type CardAction = SubmitAction | ExecuteAction;
export type SubmitVerb = SubmitAction['verb'];
export type ExecuteVerb = ExecuteAction['verb'];

/** The data every Action.Submit / Action.Execute of PIM Bot's cards carries. */
export type CardActionData = { pimbot: SubmitVerb | ExecuteVerb } & Record<string, string>;

type Data = Record<string, unknown>;

function asData(value: unknown): Data | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Data) : undefined;
}

/** The opaque target id: `target`, or `key` on cards posted before the rename. */
function target(data: Data): unknown {
  return data.target ?? data.key;
}

/**
 * The approver's comment: from the input named by `commentInputId` (the inbox's `comment-<n>`; any other
 * name is ignored), else `comment`; trimmed, at most {@link APPROVAL_COMMENT_MAX_LENGTH} characters.
 */
function comment(data: Data): string {
  const inputId =
    typeof data.commentInputId === 'string' && COMMENT_INPUT_ID.test(data.commentInputId)
      ? data.commentInputId
      : APPROVAL_COMMENT_INPUT_ID;
  const value = Object.hasOwn(data, inputId) ? data[inputId] : data.comment;
  return typeof value === 'string' ? value.slice(0, APPROVAL_COMMENT_MAX_LENGTH).trim() : '';
}

/** The form's fields: strings only (anything else is dropped), each cut to its {@link FORM_INPUT_CUTS} length. */
function form(data: Data): Record<string, unknown> {
  const text = (key: keyof typeof FORM_INPUT_CUTS) =>
    typeof data[key] === 'string' ? (data[key] as string).slice(0, FORM_INPUT_CUTS[key]) : undefined;
  return {
    requester: data.requester,
    role: typeof data.role === 'string' && data.role !== '' ? data.role : undefined,
    shapedFor: data.shapedFor,
    formId: data.formId,
    duration: text('duration'),
    durationCustom: text('durationCustom'),
    justification: text('justification'),
    ticket: text('ticket'),
  };
}

/** The Action.Submit in a message's `value`, or undefined when it is not one of ours (or malformed). */
export function readSubmitAction(value: unknown): SubmitAction | undefined {
  const data = asData(value);
  if (!data) return undefined;
  const parsed = submitAction.safeParse({
    verb: data.pimbot,
    target: target(data),
    requestId: data.requestId,
    form: form(data),
  });
  return parsed.success ? parsed.data : undefined;
}

/**
 * The Action.Execute of an `adaptiveCard/action` invoke value (`{ action: { verb, data } }`): the verb is
 * the action's own (a refresh carries no `pimbot` in its data). Undefined when not one of ours.
 */
export function readExecuteAction(invokeValue: unknown): ExecuteAction | undefined {
  const action = asData(asData(invokeValue)?.action);
  const data = asData(action?.data) ?? {};
  const parsed = executeAction.safeParse({
    verb: action?.verb,
    target: target(data),
    requestId: data.requestId,
    comment: comment(data),
    page: data.page,
    pageIds: data.pageIds,
  });
  return parsed.success ? parsed.data : undefined;
}
