import type { Activity } from 'botbuilder';
import type { Logger } from '../observability/logger';

/**
 * The front door: which authenticated activities may reach the bot at all. botbuilder verifies the
 * Bot Connector token (issuer, audience, signing key) but not what the activity says about where it
 * comes from: a token the Bot Connector issued for Web Chat or Direct Line is as good as one for Teams,
 * and any tenant may install a multi-tenant registration. PIM Bot is a Teams bot for its own tenant(s):
 *
 * - `channelId` must be `msteams`. botbuilder then also requires the signing key's `msteams` endorsement
 *   (it checks endorsements against the activity's channelId, botframework-connector
 *   jwtTokenExtractor.validateToken), so a token endorsed only for webchat is refused as 401.
 * - The tenant (`channelData.tenant.id`, and `conversation.tenantId` where Teams sends it too) must be
 *   present, agree, and be in ALLOWED_TENANT_IDS.
 *
 * Checked once per inbound activity, after authentication and before any middleware, state or card.
 */
export type FrontDoorRefusal = 'otherChannel' | 'noTenant' | 'tenantMismatch' | 'otherTenant';

/** The channelId Teams sends (Bot Framework channel ids: https://learn.microsoft.com/azure/bot-service/bot-service-channels-reference). */
export const TEAMS_CHANNEL_ID = 'msteams';

export function frontDoorRefusal(
  activity: Partial<Activity>,
  allowedTenantIds: readonly string[],
): FrontDoorRefusal | undefined {
  if (activity.channelId !== TEAMS_CHANNEL_ID) return 'otherChannel';
  const fromChannelData = tenantIdOf((activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id);
  const fromConversation = tenantIdOf(activity.conversation?.tenantId);
  const tenant = fromChannelData ?? fromConversation;
  if (!tenant) return 'noTenant';
  if (fromChannelData && fromConversation && fromChannelData !== fromConversation) return 'tenantMismatch';
  return allowedTenantIds.includes(tenant) ? undefined : 'otherTenant';
}

function tenantIdOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim().toLowerCase() : undefined;
}

/** Distinct (reason, channel, tenant) kinds logged at warn; beyond this many, refusals are logged at debug only. */
const MAX_LOGGED_KINDS = 256;
// Stryker disable next-line Regex: a GUID also matches the short-token pattern of loggableId; this names the usual case.
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id as it may appear in a log line: GUID-shaped or a short token; anything else is not echoed. */
function loggableId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return GUID.test(value) || /^[\w.:@-]{1,64}$/.test(value) ? value : '(unprintable)';
}

/**
 * Logs refusals with ids only: one warn line per kind of refusal (reason, channel, tenant), so a flood
 * of the same forged activity writes one line, not thousands; the rest at debug.
 */
export class FrontDoorLog {
  private readonly warned = new Set<string>();

  constructor(private readonly logger: Logger) {}

  refused(reason: FrontDoorRefusal, activity: Partial<Activity>): void {
    const fields = {
      reason,
      activityType: loggableId(activity.type),
      activityId: loggableId(activity.id),
      channelId: loggableId(activity.channelId),
      tenantId: loggableId(
        (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id ??
          activity.conversation?.tenantId,
      ),
      aadObjectId: loggableId(activity.from?.aadObjectId),
    };
    const kind = `${reason}|${fields.channelId}|${fields.tenantId}`;
    if (!this.warned.has(kind) && this.warned.size < MAX_LOGGED_KINDS) {
      this.warned.add(kind);
      this.logger.warn(fields, 'activity refused at the front door (not Teams, or not an allowed tenant)');
    } else {
      this.logger.debug(fields, 'activity refused at the front door');
    }
  }
}
