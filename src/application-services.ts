import { ActivationLifecycle } from './activation/activation-lifecycle';
import { GroupBundles } from './activation/group-bundles';
import { ActivationService, APPROVAL_ROUTING } from './activation/activation-service';
import { ApprovalCopies } from './approvals/approval-copies';
import { ApprovalDecisions } from './approvals/approval-decisions';
import { ApprovalInbox } from './approvals/approval-inbox';
import { APPROVAL_JOBS } from './approvals/approval-jobs';
import { ApprovalReconciler } from './approvals/approval-reconciler';
import { ApprovalRouting } from './approvals/approval-routing';
import { ApprovalTimers } from './approvals/approval-timers';
import type { ApproverReach } from './approvals/approver-reach';
import { PimRequestStates } from './approvals/pim-request-states';
import type { AppConfig } from './config';
import { appCredential } from './identity/graph-credentials';
import { ActivationFeed } from './notifications/activation-feed';
import { ActivationWatcher } from './notifications/activation-watcher';
import { ChannelSubscriptionStore } from './notifications/channel-subscriptions';
import { SubscriptionNames } from './notifications/subscription-names';
import type { Messenger } from './notifications/messenger';
import { errorSummary } from './observability/error-summary';
import type { Logger } from './observability/logger';
import { DirectoryClient } from './pim/directory-client';
import type { GraphCallObserver } from './pim/graph-middleware';
import { PimAuditReader } from './pim/audit-reader';
import { GraphTransport } from './pim/graph-transport';
import { PimActivityReader } from './pim/pim-reader';
import { PimRequestStore } from './requests/pim-request-store';
import { RequestEvents } from './requests/request-events';
import type { DueJobHandler, Scheduler } from './scheduler/scheduler';
import type { KeyValueStore } from './store/key-value-store';

export interface ApplicationServicesDependencies {
  config: AppConfig;
  storage: KeyValueStore;
  messenger: Messenger;
  scheduler: Scheduler;
  observer: GraphCallObserver;
  logger: Logger;
  now: () => Date;
  /** The Teams side of reaching approvers who never opened the bot, given the app-only Graph transport. */
  approverReach?: (appGraph: GraphTransport) => ApproverReach;
}

/** Everything the bot does for requests, behind the ports: built from the configuration, no Teams here. */
export interface ApplicationServices {
  requests: PimRequestStore;
  events: RequestEvents;
  activation: ActivationService;
  lifecycle: ActivationLifecycle;
  /** The roles each PIM for Groups bundle grants (read app-only), for the "roles" list. */
  bundles: GroupBundles;
  feed: ActivationFeed;
  watcher: ActivationWatcher;
  subscriptions: ChannelSubscriptionStore;
  /** The role and group names a channel may subscribe to. */
  subscriptionNames: SubscriptionNames;
  directory: DirectoryClient;
  approvals: {
    routing: ApprovalRouting;
    timers: ApprovalTimers;
    decisions: ApprovalDecisions;
    inbox: ApprovalInbox;
    reconciler: ApprovalReconciler;
  };
  jobHandlers(): Record<string, DueJobHandler>;
}

/**
 * The application services and who follows whom: a submitted request is routed to its approvers when
 * PIM answered PendingApproval; an activation in effect (at once, or once approved and provisioned) is
 * announced to the feed and followed to its end.
 */
export function buildApplicationServices(deps: ApplicationServicesDependencies): ApplicationServices {
  const { config, storage, messenger, scheduler, logger, now } = deps;
  // App-only Graph (the bot's own identity): reads only, never PIM actions.
  const appGraph = new GraphTransport({
    credential: appCredential(config.entra),
    graphBaseUrl: config.graphBaseUrl,
    observer: deps.observer,
  });
  const directory = new DirectoryClient(appGraph);
  const reader = new PimActivityReader(appGraph);
  const requests = new PimRequestStore(storage, (err, requestId) =>
    logger.warn({ err: errorSummary(err), requestId }, 'request index not updated; the record was'),
  );
  const events = new RequestEvents(logger);
  const subscriptions = new ChannelSubscriptionStore(storage);
  const breakGlassIds = config.approvals.breakGlassIds;
  const feed = new ActivationFeed({
    requests,
    subscriptions,
    messenger,
    logger,
    securityChannelId: config.feed.securityChannelId,
    breakGlassIds,
    now,
  });
  const lifecycle = new ActivationLifecycle({
    requests,
    scheduler,
    messenger,
    reader,
    feed,
    logger,
    warningMinutes: config.jobs.expiryWarningMinutes,
    now,
  });
  const copies = new ApprovalCopies(messenger, logger);
  // The reconciliation follows the timers it hands approvals to: bound once both exist.
  let pimTruth: ApprovalReconciler | undefined;
  const timers = new ApprovalTimers({
    requests,
    messenger,
    scheduler,
    copies,
    reader,
    events,
    pim: {
      kick: async () => pimTruth?.kick(),
      settleOne: async (requestId) => pimTruth?.settleOne(requestId),
    },
    settings: {
      fallbackChannelId: config.approvals.fallbackChannelId,
      reminderAfterMs: config.approvals.reminderAfterMinutes * 60_000,
      escalateAfterMs: config.approvals.escalateAfterMinutes * 60_000,
    },
    logger,
    now,
  });
  const reconciler = new ApprovalReconciler({
    requests,
    storage,
    scheduler,
    copies,
    timers,
    states: new PimRequestStates(appGraph),
    logger,
    now,
  });
  pimTruth = reconciler;
  const channels = config.approvals.channels;
  const routing = new ApprovalRouting({
    requests,
    messenger,
    directory,
    scheduler,
    copies,
    timers,
    reach: deps.approverReach?.(appGraph),
    settings: {
      breakGlassIds: new Set(breakGlassIds.map((id) => id.toLowerCase())),
      approvalChannelFor: (target) => channels[target.displayName] ?? channels['*'],
    },
    logger,
    now,
  });
  const decisions = new ApprovalDecisions({
    requests,
    copies,
    timers,
    settleInPim: (requestId) => reconciler.settleOne(requestId),
    logger,
    now,
  });
  const activation = new ActivationService({
    requests,
    events,
    now,
    onUntracked: (err, requestId) =>
      logger.error(
        { err: errorSummary(err), requestId },
        'request accepted by PIM but not recorded: nothing follows it',
      ),
  });

  events.subscribe('expiry', (event) => lifecycle.onEvent(event));
  events.subscribe('feed', (event) => feed.onEvent(event));
  events.subscribe(APPROVAL_ROUTING, async (event) => {
    if (event.type === 'submitted' && event.request.status === 'pendingApproval')
      await routing.route(event.request, event.policy, event.approvalId);
  });

  const watcher = new ActivationWatcher({
    reader,
    directory,
    storage,
    feed,
    ends: lifecycle,
    // The bot announces its own activations (with their approver); the watcher only those made elsewhere.
    isBotMade: async (requestId) => (await requests.get(requestId))?.source === 'bot',
    logger,
    groupIds: config.feed.watchedGroupIds,
    // The change cursor (AuditLog.Read.All); without it the watcher reads every request.
    audit: new PimAuditReader(appGraph, (message) => logger.warn(`activation feed: ${message}`)),
    now,
  });

  return {
    requests,
    events,
    activation,
    lifecycle,
    bundles: new GroupBundles(reader, now),
    feed,
    watcher,
    subscriptions,
    subscriptionNames: new SubscriptionNames(
      {
        roleNames: () => reader.listRoleNames(),
        // A watched group that cannot be read is left out (not subscribable by name), not an error for the rest.
        groupNames: async () =>
          (await Promise.allSettled(config.feed.watchedGroupIds.map((id) => directory.getGroup(id)))).flatMap((r) =>
            r.status === 'fulfilled' ? [r.value.displayName] : [],
          ),
      },
      () => now().getTime(),
    ),
    directory,
    approvals: {
      routing,
      timers,
      decisions,
      inbox: new ApprovalInbox(requests, directory, decisions, logger),
      reconciler,
    },
    jobHandlers: () => ({
      [APPROVAL_JOBS.deliver]: (job) => routing.deliver(job.id),
      ...timers.jobHandlers(),
      ...reconciler.jobHandlers(),
      ...lifecycle.jobHandlers(),
    }),
  };
}
