// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import type { JsonObject, JsonValue } from './card-types';
import { CARD_SCHEMA_URL } from './template';

/**
 * The layout of the 1:1 notices about one of the requester's activations (the expiry warning, the queued
 * activation): a full-width card whose bleeding header says what happens (`${title}`, a heading) above the
 * role's name (`${targetName}`, bold, tight under it), then the notice's own blocks and buttons. One layout,
 * so the notices about the same activation look alike in the chat; each builder binds its own words.
 */
export interface RoleNoticeLayout {
  /** Prefix of the element ids: `<idPrefix>-header`, `<idPrefix>-title`, `<idPrefix>-target`. */
  idPrefix: string;
  /** The header container's style: a fixed one ('warning') or a template expression ('${style}'). */
  headerStyle: string;
  /** Text colour of the title, when it differs from the header's default. */
  titleColor?: string;
  /** What follows the header. */
  body: JsonObject[];
  actions: JsonObject[];
}

/** The notice's template (for expandCard); built once per card module. */
export function roleNoticeTemplate(layout: RoleNoticeLayout): JsonObject {
  const { idPrefix, headerStyle, titleColor, body, actions } = layout;
  return {
    type: 'AdaptiveCard',
    $schema: CARD_SCHEMA_URL,
    version: '1.5',
    msteams: { width: 'Full' },
    body: [
      {
        type: 'Container',
        id: `${idPrefix}-header`,
        style: headerStyle,
        bleed: true,
        items: [
          {
            type: 'TextBlock',
            id: `${idPrefix}-title`,
            text: '${title}',
            style: 'heading',
            size: 'large',
            ...(titleColor ? { color: titleColor } : {}),
            wrap: true,
          },
          {
            type: 'TextBlock',
            id: `${idPrefix}-target`,
            text: '${targetName}',
            weight: 'bolder',
            spacing: 'none',
            wrap: true,
          },
        ],
      },
      ...body,
    ],
    actions,
  };
}

/** The small, subtle line under a notice that says why (`${note}`); `when` shows it only while that holds. */
export function noticeNote(id: string, when?: string): JsonObject {
  const condition: { [key: string]: JsonValue } = when ? { $when: when } : {};
  return { ...condition, type: 'TextBlock', id, text: '${note}', isSubtle: true, size: 'small', wrap: true };
}
