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
 * Who will see the card. `aadObjectId` hides buttons meant for someone else; `locale` is their Teams locale
 * (`activity.locale`, e.g. 'de-DE'), and picks the card's language: German for de-*, English otherwise
 * (src/i18n, docs/i18n.md). Cards not yet converted still ignore it.
 */
export type Viewer = { aadObjectId?: string; locale?: string };
