import { ConversationState, MemoryStorage, type Storage, TeamsSSOTokenExchangeMiddleware, UserState } from 'botbuilder';
import { MainDialog } from '../dialogs/main-dialog';
import type { ActivationLifecycle } from './activation/activation-lifecycle';
import { type ApplicationServices, buildApplicationServices } from './application-services';
import type { ApprovalTimers } from './approvals/approval-timers';
import { startBackgroundWork } from './background-work';
import { CardActionHandlers } from './bot/card-action-handlers';
import { ChannelSubscriptionCommands } from './bot/channel-subscription-commands';
import { PimBot } from './bot/pim-bot';
import type { AppConfig } from './config';
import { graphReachable, type ReadinessCheck } from './health/readiness';
import { DevIdentity } from './identity/dev-identity';
import { PimSessions } from './identity/pim-sessions';
import { OpenIdKeys } from './identity/openid-keys';
import { SsoTokenVerifier } from './identity/sso-token-verifier';
import { registerStepUpRoutes, StepUpSessions, stepUpSealingSecret } from './identity/step-up';
import { stepUpCleanup } from './identity/step-up/cleanup';
import type { ActivationFeed } from './notifications/activation-feed';
import type { ActivationWatcher } from './notifications/activation-watcher';
import { storageAccountOf } from './azure/storage-account';
import { errorSummary } from './observability/error-summary';
import type { Logger } from './observability/logger';
import type { GraphTransport } from './pim/graph-transport';
import type { GraphCallObserver } from './pim/graph-middleware';
import type { PimRequestStore } from './requests/pim-request-store';
import { createScheduler } from './scheduler/create-scheduler';
import type { Scheduler } from './scheduler/scheduler';
import { type RunningServer, startServer } from './server';
import { UserPreferencesStore } from './store/user-preferences-store';
import { ApproverInstaller } from './teams/approver-installer';
import { ConversationReferenceStore } from './teams/conversation-references';
import { TeamsAppInstallations } from './teams/teams-app-installations';
import { createAdapter } from './teams/bot-adapter';
import { StepUpResumer } from './teams/step-up-resumer';
import { TeamsMessenger } from './teams/teams-messenger';
import { deliveryMarks } from './teams/delivery-marks';
import { RedeliveryGuard } from './teams/redelivery-guard';
import { tokenExchangeDedupeStorage } from './teams/token-exchange-dedupe-storage';
import { TurnSessions } from './teams/turn-sessions';
import { ProactiveRequesterSessions } from './teams/requester-sessions';
import { QueuedActivations } from './activation/queued-activation';
import { ActivateAgainActions } from './bot/activate-again-actions';
import { DevIdentityTokenSource, TeamsSsoTokenSource, type UserTokenSource } from './teams/user-token-source';

export interface AppOptions {
  storage?: Storage;
  /** Time source for approvals, the feed and the watcher (tests pass the simulator's clock). */
  now?: () => Date;
  /** Sees every Graph call (tests check them against Microsoft's OpenAPI description). */
  graphObserver?: GraphCallObserver;
  /** Where jobs run (default: the Azure Storage queue with STORAGE_CONNECTION_STRING, else in memory). */
  scheduler?: Scheduler;
}

/** The running bot, and the services a scheduler (or a test) drives directly. */
export interface RunningApp extends RunningServer {
  requests: PimRequestStore;
  approvals: ApprovalTimers;
  watcher: ActivationWatcher;
  feed: ActivationFeed;
  lifecycle: ActivationLifecycle;
  scheduler: Scheduler;
  /** The users' sessions: their token caches' sizes and the exchanges made (stats(), for the bench). */
  pimSessions: PimSessions;
}

/** Graph calls in the logs: method, path, status, time and Graph's request-id; never headers or bodies. */
function loggingObserver(logger: Logger): GraphCallObserver {
  return {
    wantsBodies: false,
    onExchange(r) {
      logger.debug(
        {
          method: r.method,
          path: new URL(r.url).pathname,
          status: r.status,
          ms: Math.round(r.durationMs),
          graphRequestId: r.requestId,
          attempt: r.attempt,
        },
        'graph call',
      );
    },
  };
}

/** Issue 15: the bot installs itself (Graph) for approvers it has no chat with, unless INSTALL_FOR_APPROVERS=false. */
function approverReach(
  config: AppConfig,
  refs: ConversationReferenceStore,
  logger: Logger,
  now: () => Date,
): ((appGraph: GraphTransport) => ApproverInstaller) | undefined {
  const { installForApprovers, teamsAppId, catalogAppId } = config.approvals.reach;
  if (!installForApprovers || !teamsAppId) return undefined;
  return (appGraph) =>
    new ApproverInstaller({
      installations: new TeamsAppInstallations(appGraph, config.graphBaseUrl),
      refs,
      settings: { teamsAppId, catalogAppId },
      logger,
      now,
    });
}

/** The composition root: config into adapter, bot, dialogs, identity, application services and server. */
export async function startApp(config: AppConfig, logger: Logger, options: AppOptions = {}): Promise<RunningApp> {
  const storage = options.storage ?? new MemoryStorage();
  const now = options.now ?? (() => new Date());
  const adapter = createAdapter(config, logger);
  // Azure Storage when the bot keeps its state there (shared by every instance); undefined in memory.
  const storageAccount = storageAccountOf(config.storage);
  adapter.use(new RedeliveryGuard(deliveryMarks(storageAccount, config.storage.container), logger));

  let tokens: UserTokenSource;
  if (config.mode === 'production') {
    const connection = config.oauthConnectionName!;
    // De-duplicates the SSO token exchange Teams sends to every client of the user.
    // Its dedupe needs create-if-absent, which BlobsStorage cannot do (see token-exchange-dedupe-storage).
    adapter.use(
      new TeamsSSOTokenExchangeMiddleware(
        tokenExchangeDedupeStorage(storage, storageAccount, config.storage.container),
        connection,
      ),
    );
    tokens = new TeamsSsoTokenSource(connection);
  } else {
    tokens = new DevIdentityTokenSource(new DevIdentity(config.entra, config.mode), options.now);
  }
  const observer = options.graphObserver ?? loggingObserver(logger);
  // Issue 13: the user's token is verified (and must name the activity's user) before it is used.
  // One OpenID metadata document and key set for the authority: the SSO tokens' and the step-up id_tokens' keys.
  const openIdKeys = new OpenIdKeys({ authorityHost: config.entra.authorityHost, tenantId: config.entra.tenantId });
  const verifier = new SsoTokenVerifier({
    keys: openIdKeys,
    authorityHost: config.entra.authorityHost,
    tenantId: config.entra.tenantId,
    audiences: config.inbound.ssoAudiences,
    allowedTenantIds: config.inbound.allowedTenantIds,
    // Not options.now: a token's exp/nbf are the authority's real time, whatever clock the tenant's schedules follow.
  });
  const pimSessions = new PimSessions({
    entra: config.entra,
    graphBaseUrl: config.graphBaseUrl,
    observer,
    now: options.now,
    // The metadata the verifier reads: the exchange asks the authority for tokens only.
    authorityMetadata: async () => (await openIdKeys.keySet()).document,
  });
  const sessions = new TurnSessions(tokens, pimSessions, verifier, logger);
  const scheduler = options.scheduler ?? createScheduler(config, logger, options.now);
  const botAppId = config.bot.appId ?? '';
  const refs = new ConversationReferenceStore(storage);
  // Each person's time zone and locale, for the cards they get when they are not chatting (issue 15, Time).
  const preferences = new UserPreferencesStore(storage);
  const messenger = new TeamsMessenger(adapter, botAppId, refs, { now, preferences });
  const services: ApplicationServices = buildApplicationServices({
    config,
    storage,
    messenger,
    scheduler,
    observer,
    logger,
    now,
    approverReach: approverReach(config, refs, logger, now),
  });

  // Pending step-up sign-ins live on the shared storage (sealed with a key from the app secret), so the
  // browser's callback may reach any instance; a job deletes the ones never finished.
  const stepUpStore = stepUpCleanup(storage, scheduler);
  const stepUpSessions = new StepUpSessions({
    publicBaseUrl: config.publicBaseUrl,
    storage,
    // A dedicated key (STEP_UP_SEALING_KEY, issue 13 finding 10); the app secret only when there is none.
    sealingSecret: stepUpSealingSecret(config),
    onStored: stepUpStore.onStored,
  });
  // "Activate again" while active: queued, submitted on the user's behalf when the running one ends.
  const queuedActivations = new QueuedActivations({
    requests: services.requests,
    store: storage,
    scheduler,
    messenger,
    activation: services.activation,
    sessions: new ProactiveRequesterSessions(adapter, botAppId, sessions),
    logger,
    now,
  });
  const resumer = new StepUpResumer(stepUpSessions, adapter, botAppId, logger, storage, stepUpStore.onStored);
  const cardActions = new CardActionHandlers({
    sessions,
    activation: services.activation,
    decisions: services.approvals.decisions,
    again: new ActivateAgainActions(queuedActivations, sessions, now),
    inbox: services.approvals.inbox,
    preferences,
    now,
  });
  const bot = new PimBot({
    conversationState: new ConversationState(storage),
    userState: new UserState(storage),
    mainDialog: new MainDialog({
      sessions,
      activation: services.activation,
      stepUp: resumer,
      inbox: services.approvals.inbox,
      bundles: services.bundles,
      // "cancel request" typed while a prompt waits is answered as outside a dialog.
      waitingRequests: cardActions,
      rules: { ticketPattern: config.ticketPattern, ticketSystem: config.ticketSystem },
      logger,
      now,
    }),
    cardActions,
    subscriptions: new ChannelSubscriptionCommands({
      store: services.subscriptions,
      names: services.subscriptionNames,
      directory: services.directory,
      adminGroupId: config.feed.adminGroupId,
      // The tenant(s) whose channels may opt in to justifications on feed cards (issue 13, finding 4).
      allowedTenantIds: config.inbound.allowedTenantIds,
      securityChannelId: config.feed.securityChannelId,
    }),
    refs,
    preferences,
    ticketPattern: config.ticketPattern,
    logger,
    botAppId,
    adapter,
  });
  resumer.attach(bot);

  const readiness: ReadinessCheck[] = [
    {
      name: 'store',
      async check() {
        await storage.read(['pimbot-readiness-probe']);
      },
    },
    graphReachable(config.graphBaseUrl),
  ];
  const server = await startServer({
    config,
    logger,
    adapter,
    bot,
    readiness,
    registerRoutes: (server) =>
      registerStepUpRoutes(server, {
        entra: config.entra,
        publicBaseUrl: config.publicBaseUrl,
        sessions: stepUpSessions,
        onSignedIn: (result) => resumer.onSignedIn(result),
        logger,
        openIdKeys,
      }),
  });
  const stopBackground = startBackgroundWork({
    config,
    logger,
    scheduler,
    jobHandlers: { ...services.jobHandlers(), ...stepUpStore.jobHandlers(), ...queuedActivations.jobHandlers() },
    watcher: services.watcher,
  });
  // Pending requests whose timers were never queued (queueing failed, or the instance stopped first).
  void services.approvals.timers
    .resume()
    .catch((err) => logger.warn({ err: errorSummary(err) }, 'could not queue timers of pending requests'));
  const shutdown = server.shutdown.bind(server);
  return Object.assign(server, {
    requests: services.requests,
    approvals: services.approvals.timers,
    watcher: services.watcher,
    feed: services.feed,
    lifecycle: services.lifecycle,
    scheduler,
    pimSessions,
    shutdown: async (reason: string) => {
      await stopBackground();
      await shutdown(reason);
    },
  });
}
