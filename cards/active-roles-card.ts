// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { translator } from '../src/i18n';
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, opaqueId, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, DEFAULT_MAX_LISTED_ITEMS, expandCard, fitList, NOTHING } from './template';

/** One active role or group membership. */
export interface ActiveItem {
  /** Opaque id sent back as Action.Execute `{pimbot:'deactivate', key}`. */
  key: string;
  /** Role or group name. */
  name: string;
  /** The complete, ready-formatted end phrase, e.g. 'Until 14:30 (UTC+1)' or 'No end date'. Shown as is. */
  untilText: string;
  /** Show 'Deactivate now' (false for permanent/admin assignments, or activations younger than PIM's 5 minutes). */
  canDeactivate: boolean;
  /** E.g. 'Assigned by an administrator: it cannot be deactivated here.' */
  note?: string | null;
}

export interface ActiveRolesCardModel {
  items: readonly ActiveItem[];
  /** Heading. Default 'Active now'. */
  title?: string;
  /** Shown instead of the list when `items` is empty. Default {@link DEFAULT_NOTHING_ACTIVE_TEXT}. */
  emptyText?: string;
  /** At most this many items are listed (default 20; fewer when over CARD_BYTE_BUDGET); a line says how many more exist. */
  maxItems?: number;
}

export const DEFAULT_NOTHING_ACTIVE_TEXT = 'Nothing is active for you right now.';

const TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  msteams: { width: 'Full' },
  body: [
    { type: 'TextBlock', id: 'active-title', text: '${title}', style: 'heading', size: 'large', wrap: true },
    { $when: '${isEmpty}', type: 'TextBlock', id: 'active-empty', text: '${emptyText}', wrap: true },
    {
      $data: '${items}',
      type: 'Container',
      id: 'active-${$index}',
      separator: true,
      spacing: 'medium',
      items: [
        // Stacked, not side by side: a button column squeezes the name to a few characters at phone width (360 px).
        { type: 'TextBlock', text: '${name}', weight: 'bolder', wrap: true },
        { type: 'TextBlock', text: '${untilText}', color: 'good', size: 'small', spacing: 'none', wrap: true },
        {
          $when: '${hasNote}',
          type: 'TextBlock',
          text: '${note}',
          isSubtle: true,
          size: 'small',
          spacing: 'small',
          wrap: true,
        },
        {
          $when: '${canDeactivate}',
          type: 'ActionSet',
          id: 'active-${$index}-actions',
          spacing: 'small',
          actions: [
            {
              type: 'Action.Execute',
              id: 'active-${$index}-deactivate',
              title: '${deactivateNow}',
              tooltip: '${deactivateTooltip}',
              verb: 'deactivate',
              data: '${actionData}',
            },
          ],
        },
      ],
    },
    { $when: '${hasMore}', type: 'TextBlock', id: 'active-more', text: '${moreText}', isSubtle: true, wrap: true },
  ],
};

/**
 * What is active now. Each item: name, `untilText`, optional note, and (when `canDeactivate`) 'Deactivate
 * now' Action.Execute verb 'deactivate' `{pimbot:'deactivate', key}` (the card is replaced in place by
 * the invoke response). Empty list → `emptyText`.
 */
export function activeRolesCard(model: ActiveRolesCardModel, viewer: Viewer = {}): AdaptiveCard {
  const t = translator(viewer.locale);
  const defaultTitle = t('status:active.title');
  const defaultEmpty = t('status:active.nothingActive');
  const wanted = Math.max(1, Math.floor(model.maxItems ?? DEFAULT_MAX_LISTED_ITEMS));
  const title = displayText(model.title ?? defaultTitle, TEXT_LIMITS.name) || defaultTitle;
  const emptyText = displayText(model.emptyText ?? defaultEmpty, TEXT_LIMITS.text) || defaultEmpty;
  const items = model.items.slice(0, wanted).map((item) => {
    const name = displayText(item.name, TEXT_LIMITS.name) || t('status:active.unnamed');
    const note = optionalDisplayText(item.note, TEXT_LIMITS.text);
    return {
      name,
      untilText: displayText(item.untilText, TEXT_LIMITS.shortText) || NOTHING,
      hasNote: note !== '',
      note,
      canDeactivate: item.canDeactivate === true,
      deactivateTooltip: t('status:active.deactivateTooltip', { name }),
      deactivateNow: t('status:active.deactivateNow'),
      actionData: { pimbot: 'deactivate', target: opaqueId(item.key, 'items[].key') },
    };
  });
  return fitList(model.items.length, wanted, (listed) => {
    const more = model.items.length - listed;
    return expandCard(TEMPLATE, {
      title,
      isEmpty: model.items.length === 0,
      emptyText,
      items: items.slice(0, listed),
      hasMore: more > 0,
      moreText: more > 0 ? t('status:active.more', { count: more }) : '',
    });
  });
}
