// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { type Translate, translator } from '../src/i18n';
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, opaqueId, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, DEFAULT_MAX_LISTED_ITEMS, expandCard, fitList } from './template';

/** One eligible role or group. */
export interface EligibleItem {
  /** Opaque id sent back as `{pimbot:'activate', key}` when the user presses Activate. */
  key: string;
  /** Display name of the role or group. */
  name: string;
  kind: 'role' | 'group';
  /** Extra kind detail shown after the kind, e.g. 'Member', 'Owner', or a scope 'Administrative unit: Paris'. */
  accessLabel?: string | null;
  /** Ready-formatted policy maximum, e.g. '8 hours'. Shown as the badge 'Up to 8 hours'. */
  maxDurationText: string;
  /** Badge 'Approval'. */
  requiresApproval: boolean;
  /** Badge 'Ticket'. */
  requiresTicket: boolean;
  /** Badge 'MFA'. */
  requiresMfa: boolean;
  /** Not shown as a badge (almost every policy requires it); kept so the list and the form share one VM. */
  requiresJustification: boolean;
  /** Authentication context id (c1..c99) or its display name; badge 'Auth context c1'. */
  authContext?: string | null;
  /** When already active: ready-formatted end, e.g. '14:30 (UTC+1)', shown as 'Active until 14:30 (UTC+1)'. */
  activeUntilText?: string | null;
  /** A PIM for Groups bundle: the Entra roles its members get, listed under the group ('Grants: …'). */
  grantsRoles?: readonly string[] | null;
}

export interface MyRolesCardModel {
  items: readonly EligibleItem[];
  /** Heading. Default 'Roles you can activate'. */
  title?: string;
  /** Shown instead of the list when `items` is empty. Default {@link DEFAULT_NO_ELIGIBLE_TEXT}. */
  emptyText?: string;
  /**
   * At most this many items are listed (default 20); fewer when the card would exceed Teams' message size
   * (see CARD_BYTE_BUDGET). A last line says how many more exist.
   */
  maxItems?: number;
}

/** The empty list's text in English (myRoles:empty), for callers not yet converted to i18n. */
export const DEFAULT_NO_ELIGIBLE_TEXT = translator('en')('myRoles:empty');

const TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  msteams: { width: 'Full' },
  body: [
    { type: 'TextBlock', id: 'roles-title', text: '${title}', style: 'heading', size: 'large', wrap: true },
    { $when: '${isEmpty}', type: 'TextBlock', id: 'roles-empty', text: '${emptyText}', wrap: true },
    {
      $data: '${items}',
      type: 'Container',
      id: 'role-${$index}',
      separator: true,
      spacing: 'medium',
      items: [
        {
          type: 'ColumnSet',
          columns: [
            {
              type: 'Column',
              width: 'stretch',
              items: [
                { type: 'TextBlock', text: '${name}', weight: 'bolder', wrap: true },
                { type: 'TextBlock', text: '${kindText}', isSubtle: true, size: 'small', spacing: 'none', wrap: true },
                {
                  type: 'TextBlock',
                  text: '${badgesText}',
                  size: 'small',
                  color: 'accent',
                  spacing: 'small',
                  wrap: true,
                },
                {
                  $when: '${hasGrants}',
                  type: 'TextBlock',
                  text: '${grantsText}',
                  size: 'small',
                  spacing: 'small',
                  wrap: true,
                },
                {
                  $when: '${hasActiveUntil}',
                  type: 'TextBlock',
                  text: '${activeUntilText}',
                  size: 'small',
                  color: 'good',
                  spacing: 'small',
                  wrap: true,
                },
              ],
            },
            {
              type: 'Column',
              width: 'auto',
              verticalContentAlignment: 'center',
              items: [
                {
                  type: 'ActionSet',
                  id: 'role-${$index}-actions',
                  actions: [
                    {
                      type: 'Action.Submit',
                      id: 'role-${$index}-activate',
                      title: '${activateTitle}',
                      tooltip: '${activateTooltip}',
                      data: '${actionData}',
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
    { $when: '${hasMore}', type: 'TextBlock', id: 'roles-more', text: '${moreText}', isSubtle: true, wrap: true },
  ],
};

/**
 * "Up to 8 hours · Approval · Ticket": each badge is a translation, and so is the separator that lists them
 * (myRoles:badge.list takes the list so far and the next badge), so no text is glued outside a translation.
 */
function badges(item: EligibleItem, t: Translate): string {
  const duration = displayText(item.maxDurationText, TEXT_LIMITS.shortText);
  const list = [duration ? t('myRoles:badge.maxDuration', { duration }) : t('myRoles:badge.maxDurationUnknown')];
  if (item.requiresApproval) list.push(t('myRoles:badge.approval'));
  if (item.requiresTicket) list.push(t('myRoles:badge.ticket'));
  if (item.requiresMfa) list.push(t('myRoles:badge.mfa'));
  const context = optionalDisplayText(item.authContext, TEXT_LIMITS.code);
  if (context) list.push(t('myRoles:badge.authContext', { authContext: context }));
  return list.reduce((listed, badge) => t('myRoles:badge.list', { list: listed, badge }));
}

/**
 * The list of eligible roles and groups. Each item: name, kind line ('Directory role' / 'Group · Member'),
 * badges line ('Up to 8 hours · Approval · Ticket · MFA · Auth context c1'), for a group bundle the roles
 * it grants ('Grants: Helpdesk Administrator, User Administrator'), 'Active until …' when active, and an 'Activate' Action.Submit `{pimbot:'activate', key}`. Empty list → `emptyText`.
 * The card's own words are in the viewer's language; durations and times come formatted from the caller.
 */
export function myRolesCard(model: MyRolesCardModel, viewer: Viewer = {}): AdaptiveCard {
  const t = translator(viewer.locale);
  const wanted = Math.max(1, Math.floor(model.maxItems ?? DEFAULT_MAX_LISTED_ITEMS));
  const title = displayText(model.title, TEXT_LIMITS.name) || t('myRoles:title');
  const emptyText = displayText(model.emptyText, TEXT_LIMITS.text) || t('myRoles:empty');
  const activateTitle = t('myRoles:activate');
  const items = model.items.slice(0, wanted).map((item) => {
    const name = displayText(item.name, TEXT_LIMITS.name) || t('myRoles:unnamed');
    const kind = item.kind === 'group' ? 'group' : 'role';
    const access = optionalDisplayText(item.accessLabel, TEXT_LIMITS.name);
    const until = optionalDisplayText(item.activeUntilText, TEXT_LIMITS.shortText);
    const grants = (item.grantsRoles ?? [])
      .map((role) => displayText(role, TEXT_LIMITS.name))
      .filter((role) => role !== '');
    return {
      name,
      kindText: access ? t(`myRoles:kindWithAccess.${kind}`, { access }) : t(`myRoles:kind.${kind}`),
      badgesText: badges(item, t),
      hasGrants: grants.length > 0,
      // The role names are data: listed with a comma in both languages, as Entra's portal lists them.
      grantsText: t('myRoles:grants', { roles: grants.join(', ') }),
      hasActiveUntil: until !== '',
      activeUntilText: until ? t('myRoles:activeUntil', { until }) : '',
      activateTitle,
      activateTooltip: t('myRoles:activateTooltip', { name }),
      actionData: { pimbot: 'activate', target: opaqueId(item.key, 'items[].key') },
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
      moreText: more > 0 ? t('myRoles:more', { count: more }) : '',
    });
  });
}
