/**
 * Shared types of the card builders. Cards are plain JSON (Adaptive Cards 1.5, the highest version Teams
 * renders); every builder is a pure function `(viewModel, viewer) → AdaptiveCard`.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Teams host extension on the card root (`msteams.width: 'Full'` stretches the card to the chat width). */
export type TeamsCardExtension = { width?: 'Full' };

/**
 * A card ready to be sent as `{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }`
 * or returned from an `adaptiveCard/action` invoke. Always `version: '1.5'` with a non-empty `body`.
 */
export type AdaptiveCard = {
  type: 'AdaptiveCard';
  version: '1.5';
  $schema?: string;
  body: JsonObject[];
  actions?: JsonObject[];
  msteams?: TeamsCardExtension;
  refresh?: JsonObject;
  [key: string]: JsonValue | undefined;
};

/**
 * Who will see the card. Only `aadObjectId` is used today (to hide buttons meant for someone else); cards
 * are English and carry no `lang`, so `locale` is accepted for the future and ignored.
 */
export type Viewer = { aadObjectId?: string; locale?: string };

/**
 * The `pimbot` verbs carried in action data.
 * - Action.Submit (message activity, `activity.value` = data merged with the card's inputs):
 *   `roles`, `active`, `help`, `activate`, `activationForm`, `confirm`, `cancel`.
 * - Action.Execute (invoke `adaptiveCard/action`, `value.action.verb` = the same verb, `value.action.data`
 *   = the same data): `deactivate`, `refreshStatus`.
 */
export const PIMBOT_VERBS = [
  'help',
  'roles',
  'active',
  'activate',
  'activationForm',
  'confirm',
  'cancel',
  'deactivate',
  'refreshStatus',
] as const;
export type PimbotVerb = (typeof PIMBOT_VERBS)[number];

/** The `data` of every action on every card: the verb plus opaque ids copied from the view model. */
/**
 * `target` carries the opaque id. (It was `key`, which the Agents Playground's card renderer cannot send:
 * it collides with a read-only property of its own. Readers still accept `key` from cards already posted.)
 */
export type PimbotActionData = { pimbot: PimbotVerb; target?: string };

/** Ids of the inputs of the activation form (they become properties of the submitted `activity.value`). */
export const ACTIVATION_FORM_INPUT_IDS = {
  duration: 'duration',
  justification: 'justification',
  ticketNumber: 'ticketNumber',
} as const;

/**
 * What Teams sends as `activity.value` when the activation form's Submit button is pressed: the action
 * data merged with the inputs. Inputs left empty may be absent or `''` depending on the client.
 */
export type ActivationFormSubmitValue = {
  pimbot: 'activationForm';
  target: string;
  duration?: string;
  justification?: string;
  ticketNumber?: string;
};

/**
 * Reads the `pimbot` action data out of an incoming `activity.value` (Action.Submit) or
 * `value.action.data` (Action.Execute). Returns null when it is not one of ours. Extra properties
 * (the form inputs) are ignored here; read them from the same object.
 */
export function readPimbotAction(value: unknown): PimbotActionData | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const verb = record.pimbot;
  if (typeof verb !== 'string' || !(PIMBOT_VERBS as readonly string[]).includes(verb)) return null;
  const target = record.target ?? record.key;
  if (target !== undefined && typeof target !== 'string') return null;
  return target === undefined ? { pimbot: verb as PimbotVerb } : { pimbot: verb as PimbotVerb, target };
}
