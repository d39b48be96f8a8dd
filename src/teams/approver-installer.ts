import type { ConversationReference } from 'botbuilder';
import type { ApproverReach, ReachOutcome } from '../approvals/approver-reach';
import type { Logger } from '../observability/logger';
import { GraphCallFailed } from '../pim/graph-transport';
import type { Person } from '../requests/pim-request';
import type { ConversationAddress } from '../shared/conversation-address';
import type { ConversationReferenceStore } from './conversation-references';
import type { TeamsAppInstallations } from './teams-app-installations';

export interface ApproverInstallerDependencies {
  installations: TeamsAppInstallations;
  refs: ConversationReferenceStore;
  settings: {
    /** TEAMS_APP_ID: the manifest id. */
    teamsAppId: string;
    /** TEAMS_APP_CATALOG_ID, when set; otherwise read from the requester's installation. */
    catalogAppId?: string;
  };
  logger: Logger;
  now: () => Date;
}

/** After Graph refused the permission, approvers are not tried again for this long (one log line, not one per card). */
const REFUSED_PAUSE_MS = 10 * 60_000;

const GRANT_FIX =
  'Grant PIM Bot the Microsoft Graph application permission TeamsAppInstallation.ReadWriteSelfForUser.All and admin consent (docs/deploy-to-your-tenant.md, sections 5 and 6), and keep webApplicationInfo.id = the bot’s client id in the app package; or set INSTALL_FOR_APPROVERS=false to stop trying. Until then an approver gets the card in Teams only after opening PIM Bot once.';

/**
 * Makes an approver reachable before their approval card goes out, as Microsoft's guide "Send proactive
 * installation messages" does it: the bot looks for itself among the approver's apps, installs itself
 * (201, or 409 when someone else just did), reads the 1:1 chat of the installation and remembers it as the
 * approver's conversation, so the Messenger posts there. Idempotent (a remembered chat is used as it is),
 * one install per approver however many deliveries ask at once (single flight; across instances Graph's
 * 409 is the answer), and a failure is logged with Graph's code and the fix, never thrown: the other
 * approvers' cards go out regardless.
 */
export class ApproverInstaller implements ApproverReach {
  private readonly inFlight = new Map<string, Promise<ReachOutcome>>();
  private catalogAppId: string | undefined;
  private refusedUntil = 0;

  constructor(private readonly deps: ApproverInstallerDependencies) {
    this.catalogAppId = deps.settings.catalogAppId;
  }

  async prepare(approver: Person, via: ConversationAddress, requesterId: string): Promise<ReachOutcome> {
    const key = approver.aadObjectId.toLowerCase();
    const running = this.inFlight.get(key);
    if (running) return running;
    const attempt = this.reach(approver, via, requesterId).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, attempt);
    return attempt;
  }

  private async reach(approver: Person, via: ConversationAddress, requesterId: string): Promise<ReachOutcome> {
    const { installations, refs, settings, logger } = this.deps;
    const userId = approver.aadObjectId;
    try {
      if (await refs.user(userId)) return 'known';
      if (this.deps.now().getTime() < this.refusedUntil) {
        logger.debug({ approver: userId }, 'not installing for the approver: Graph refused the permission recently');
        return 'failed';
      }
      let installation = await installations.find(userId, settings.teamsAppId);
      let outcome: ReachOutcome = 'alreadyInstalled';
      if (!installation) {
        outcome = await installations.install(userId, await this.catalogId(requesterId));
        installation = await installations.find(userId, settings.teamsAppId);
        if (!installation) throw new Error('Graph accepted the installation but does not list it yet; will retry.');
      }
      const chatId = await installations.chatId(userId, installation.installationId);
      await refs.rememberUser(userId, personalChat(chatId, via));
      logger.info(
        { approver: userId, outcome },
        'approver reached: PIM Bot is in their Teams, the approval card follows',
      );
      return outcome;
    } catch (err) {
      this.logFailure(err, userId);
      return 'failed';
    }
  }

  /** The app's catalog id: configured, or learnt once from the requester's own installation (no AppCatalog permission needed). */
  private async catalogId(requesterId: string): Promise<string> {
    if (this.catalogAppId) return this.catalogAppId;
    const found = await this.deps.installations.find(requesterId, this.deps.settings.teamsAppId);
    if (!found?.catalogAppId) {
      throw new Error(
        `The requester has no installation of PIM Bot (TEAMS_APP_ID ${this.deps.settings.teamsAppId}) that names its catalog id: set TEAMS_APP_CATALOG_ID to the app id the Teams admin center shows for PIM Bot.`,
      );
    }
    this.catalogAppId = found.catalogAppId;
    return found.catalogAppId;
  }

  private logFailure(err: unknown, approver: string): void {
    const { logger, settings } = this.deps;
    const failure = err instanceof GraphCallFailed ? err.failure : undefined;
    const graph = failure && { graphStatus: failure.httpStatus, graphCode: failure.code, requestId: failure.requestId };
    if (failure?.httpStatus === 403) {
      this.refusedUntil = this.deps.now().getTime() + REFUSED_PAUSE_MS;
      logger.error(
        { approver, ...graph },
        `PIM Bot could not install itself for an approver: Microsoft Graph answered 403 ${failure.code ?? ''}. ${GRANT_FIX}`,
      );
    } else if (failure?.httpStatus === 404) {
      logger.error(
        { approver, ...graph },
        `PIM Bot could not install itself for an approver: Microsoft Graph answered 404 ${failure.code ?? ''}. Publish the PIM Bot app package (manifest id ${settings.teamsAppId}, TEAMS_APP_ID) to your organisation's app catalog in the Teams admin center; Graph installs only catalog apps.`,
      );
    } else {
      logger.warn(
        { approver, ...graph, reason: err instanceof Error ? err.message : String(err) },
        'PIM Bot could not install itself for an approver; the card delivery will retry',
      );
    }
  }
}

/** The approver's 1:1 chat with the bot, on the Teams service and tenant of `via`. */
function personalChat(chatId: string, via: ConversationAddress): Partial<ConversationReference> {
  const tenantId = via.conversation?.tenantId;
  return {
    channelId: via.channelId ?? 'msteams',
    serviceUrl: via.serviceUrl,
    ...(via.bot ? { bot: { id: via.bot.id, name: via.bot.name ?? '' } } : {}),
    conversation: { id: chatId, conversationType: 'personal', isGroup: false, tenantId, name: '' },
  };
}
