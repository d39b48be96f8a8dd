// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
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

export const DEFAULT_NO_ELIGIBLE_TEXT =
  'You have no eligible roles or groups in Privileged Identity Management. Ask your administrator to make you eligible.';

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
                      title: 'Activate',
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

function badges(item: EligibleItem): string {
  const list = [`Up to ${displayText(item.maxDurationText, TEXT_LIMITS.shortText)}`];
  if (item.requiresApproval) list.push('Approval');
  if (item.requiresTicket) list.push('Ticket');
  if (item.requiresMfa) list.push('MFA');
  const context = optionalDisplayText(item.authContext, TEXT_LIMITS.code);
  if (context) list.push(`Auth context ${context}`);
  return list.join('  \u00B7  ');
}

/**
 * The list of eligible roles and groups. Each item: name, kind line ('Directory role' / 'Group · Member'),
 * badges line ('Up to 8 hours · Approval · Ticket · MFA · Auth context c1'), for a group bundle the roles
 * it grants ('Grants: Helpdesk Administrator, User Administrator'), 'Active until …' when active, and an 'Activate' Action.Submit `{pimbot:'activate', key}`. Empty list → `emptyText`.
 */
export function myRolesCard(model: MyRolesCardModel, _viewer: Viewer = {}): AdaptiveCard {
  const wanted = Math.max(1, Math.floor(model.maxItems ?? DEFAULT_MAX_LISTED_ITEMS));
  const title = displayText(model.title ?? 'Roles you can activate', TEXT_LIMITS.name) || 'Roles you can activate';
  const emptyText =
    displayText(model.emptyText ?? DEFAULT_NO_ELIGIBLE_TEXT, TEXT_LIMITS.text) || DEFAULT_NO_ELIGIBLE_TEXT;
  const items = model.items.slice(0, wanted).map((item) => {
    const name = displayText(item.name, TEXT_LIMITS.name) || '(unnamed)';
    const kind = item.kind === 'group' ? 'Group' : 'Directory role';
    const access = optionalDisplayText(item.accessLabel, TEXT_LIMITS.name);
    const until = optionalDisplayText(item.activeUntilText, TEXT_LIMITS.shortText);
    const grants = (item.grantsRoles ?? [])
      .map((role) => displayText(role, TEXT_LIMITS.name))
      .filter((role) => role !== '');
    return {
      name,
      kindText: access ? `${kind}  \u00B7  ${access}` : kind,
      badgesText: badges(item),
      hasGrants: grants.length > 0,
      grantsText: `Grants: ${grants.join(', ')}`,
      hasActiveUntil: until !== '',
      activeUntilText: until ? `Active until ${until}` : '',
      activateTooltip: `Activate ${name}`,
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
      moreText:
        more > 0
          ? `\u2026and ${more} more. Type activate followed by the name to activate one that is not listed.`
          : '',
    });
  });
}
