import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  ConversationState,
  MemoryStorage,
  type Storage,
  TeamsSSOTokenExchangeMiddleware,
  UserState,
} from 'botbuilder';
import type { DialogServices } from '../dialogs/dialog-services';
import { MainDialog } from '../dialogs/main-dialog';
import { ActivationService } from './activation/activation-service';
import { TeamsChannelAuthentication } from './bot-framework-auth';
import { PimSessions } from './activation/pim-sessions';
import { PimBot } from './bot/pim-bot';
import { StepUpResumer } from './bot/step-up-resumer';
import type { AppConfig } from './config';
import { graphReachable, type ReadinessCheck } from './health/readiness';
import { DevIdentity } from './identity/dev-identity';
import { registerStepUpRoutes, StepUpSessions } from './identity/step-up';
import { stepUpCleanup } from './identity/step-up/cleanup';
import { DevIdentityTokenSource, TeamsSsoTokenSource, type UserTokenSource } from './identity/user-token-source';
import type { Logger } from './observability/logger';
import { ApprovalService } from './approvals/approval-service';
import { startBackgroundWork } from './background-work';
import { ActivationFeed } from './notifications/activation-feed';
import { ActivationWatcher } from './notifications/activation-watcher';
import { ChannelSubscriptionStore } from './notifications/channel-subscriptions';
import { appCredential } from './identity/graph-credentials';
import { TeamsMessenger } from './notifications/teams-messenger';
import { DirectoryClient } from './pim/directory-client';
import { GraphTransport } from './pim/graph-transport';
import { ConversationReferenceStore } from './store/conversation-references';
import { TrackedRequestStore } from './store/tracked-requests';
import type { GraphCallObserver } from './pim/graph-middleware';
import { errorSummary } from './observability/error-summary';
import { type RunningServer, startServer } from './server';
import { ActivationLifecycle } from './activation/activation-lifecycle';
import { PimActivityReader } from './pim/pim-reader';
import { createScheduler } from './scheduler/create-scheduler';
import type { Scheduler } from './scheduler/scheduler';
import { ActivationRecordStore } from './store/activation-records';

export interface AppOptions {
  storage?: Storage;
  /** Time source for approvals, the feed and the watcher (tests pass the simulator's clock). */
  now?: () => Date;
  /** Sees every Graph call (tests check them against Microsoft's OpenAPI description). */
  graphObserver?: GraphCallObserver;
  /** Where jobs run (default: the Azure Storage queue with STORAGE_CONNECTION_STRING, else in memory). */
  scheduler?: Scheduler;
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

/** Wires config into adapter, bot, dialogs, identity, store and server: the composition root. */
/** The running bot, and the services a scheduler (or a test) drives directly. */
export interface RunningApp extends RunningServer {
  approvals: ApprovalService;
  watcher: ActivationWatcher;
  feed: ActivationFeed;
  lifecycle: ActivationLifecycle;
  scheduler: Scheduler;
}

export async function startApp(config: AppConfig, logger: Logger, options: AppOptions = {}): Promise<RunningApp> {
  const storage = options.storage ?? new MemoryStorage();
  const authOptions: ConfigurationBotFrameworkAuthenticationOptions =
    config.mode === 'production'
      ? {
          MicrosoftAppId: config.bot.appId,
          MicrosoftAppPassword: config.bot.appPassword,
          MicrosoftAppType: config.bot.appType,
          MicrosoftAppTenantId: config.bot.appTenantId,
        }
      : // No app id: the adapter accepts unauthenticated requests, as the Agents Playground sends them.
        {};
  const adapter = new CloudAdapter(
    config.mode === 'production'
      ? new TeamsChannelAuthentication(authOptions)
      : new ConfigurationBotFrameworkAuthentication(authOptions),
  );
  adapter.onTurnError = async (context, error) => {
    logger.error({ err: errorSummary(error), activityId: context.activity.id }, 'unhandled error in a turn');
    try {
      await context.sendActivity(
        'Sorry, something went wrong on my side. Type "active" or "pending" to check whether your request went through before trying again.',
      );
    } catch {
      // The connector may be what failed; the error is already logged.
    }
  };

  let tokens: UserTokenSource;
  if (config.mode === 'production') {
    const connection = config.oauthConnectionName!;
    // De-duplicates the SSO token exchange Teams sends to every client of the user.
    adapter.use(new TeamsSSOTokenExchangeMiddleware(storage, connection));
    tokens = new TeamsSsoTokenSource(connection);
  } else {
    tokens = new DevIdentityTokenSource(new DevIdentity(config.entra, config.mode), options.now);
  }

  const observer = options.graphObserver ?? loggingObserver(logger);
  const sessions = new PimSessions({
    entra: config.entra,
    graphBaseUrl: config.graphBaseUrl,
    tokens,
    observer,
    now: options.now,
  });
  const scheduler = options.scheduler ?? createScheduler(config, logger, options.now);
  // Pending step-up sign-ins live on the shared storage (sealed with a key from the app secret), so the
  // browser's callback may reach any instance; a job deletes the ones never finished.
  const stepUpStore = stepUpCleanup(storage, scheduler);
  const stepUpSessions = new StepUpSessions({
    publicBaseUrl: config.publicBaseUrl,
    storage,
    sealingSecret: config.entra.clientSecret,
    onStored: stepUpStore.onStored,
  });
  const botAppId = config.bot.appId ?? '';
  const resumer = new StepUpResumer(stepUpSessions, adapter, botAppId, logger, storage, stepUpStore.onStored);
  const refs = new ConversationReferenceStore(storage);
  const messenger = new TeamsMessenger(adapter, botAppId);
  const appGraph = new GraphTransport({
    credential: appCredential(config.entra),
    graphBaseUrl: config.graphBaseUrl,
    observer,
  });
  const directory = new DirectoryClient(appGraph);
  const subscriptions = new ChannelSubscriptionStore(storage);
  const feed = new ActivationFeed({
    storage,
    subscriptions,
    messenger,
    refs,
    logger,
    securityChannelId: config.feed.securityChannelId,
    breakGlassIds: config.approvals.breakGlassIds,
    now: options.now,
  });
  const tracked = new TrackedRequestStore(storage);
  const channels = config.approvals.channels;
  const reader = new PimActivityReader(appGraph);
  const lifecycle = new ActivationLifecycle({
    records: new ActivationRecordStore(storage),
    scheduler,
    messenger,
    reader,
    feed,
    logger,
    warningMinutes: config.jobs.expiryWarningMinutes,
    now: options.now,
  });
  const approvals = new ApprovalService({
    tracked,
    refs,
    messenger,
    directory,
    sessions,
    logger,
    feed,
    scheduler,
    reader,
    lifecycle,
    now: options.now,
    settings: {
      breakGlassIds: new Set(config.approvals.breakGlassIds.map((id) => id.toLowerCase())),
      approvalChannelFor: (target) => channels[target.displayName] ?? channels['*'],
      fallbackChannelId: config.approvals.fallbackChannelId,
      reminderAfterMs: config.approvals.reminderAfterMinutes * 60_000,
      escalateAfterMs: config.approvals.escalateAfterMinutes * 60_000,
    },
  });
  const services: DialogServices = {
    sessions,
    activation: new ActivationService(),
    stepUp: resumer,
    approvals,
    feed,
    lifecycle,
    ticketPattern: config.ticketPattern,
    ticketSystem: config.ticketSystem,
    logger,
  };
  const bot = new PimBot({
    conversationState: new ConversationState(storage),
    userState: new UserState(storage),
    mainDialog: new MainDialog(services),
    services,
    logger,
    botAppId,
    adapter,
    refs,
    approvals,
    subscriptions: { store: subscriptions, directory, adminGroupId: config.feed.adminGroupId },
  });
  resumer.attach(bot);
  const watcher = new ActivationWatcher({
    graph: appGraph,
    storage,
    feed,
    // The bot announces its own activations (with their approver); the watcher only those made elsewhere.
    isBotMade: async (requestId) =>
      (await feed.get(requestId)) !== undefined || (await tracked.get(requestId)) !== undefined,
    logger,
    groupIds: config.feed.watchedGroupIds,
    now: options.now,
  });

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
      }),
  });
  const stopTimers = startBackgroundWork({
    config,
    logger,
    scheduler,
    jobHandlers: { ...approvals.jobHandlers(), ...lifecycle.jobHandlers(), ...stepUpStore.jobHandlers() },
    watcher,
  });
  // Pending requests whose timers were never queued (an earlier version kept them in process).
  void approvals
    .resumeTimers()
    .catch((err) => logger.warn({ err: errorSummary(err) }, 'could not queue timers of pending requests'));
  const shutdown = server.shutdown.bind(server);
  return Object.assign(server, {
    approvals,
    watcher,
    feed,
    lifecycle,
    scheduler,
    shutdown: async (reason: string) => {
      await stopTimers();
      await shutdown(reason);
    },
  });
}
