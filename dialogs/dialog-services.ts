import type { AccessToken } from '@azure/identity';
import type { TurnContext } from 'botbuilder';
import type { ActivationService } from '../src/activation/activation-service';
import type { AdaptiveCard } from '../cards';
import type { PimSessions } from '../src/activation/pim-sessions';
import type { PimClient } from '../src/pim/pim-client';
import type { RouteInput } from '../src/approvals/approval-service';
import type { FeedActivation } from '../src/notifications/activation-feed';
import type { Logger } from '../src/observability/logger';
import type { TrackedActivation } from '../src/activation/activation-lifecycle';
import type { PimTargetRef } from '../src/pim/pim-types';

/** Begins an interactive step-up sign-in and returns the URL of the bot's /auth/start for it. */
export interface StepUpStarter {
  begin(context: TurnContext, input: { claims: string; resumeKey: string }): Promise<string>;
}

/** turnState key under which a resumed turn finds the step-up token (memory only, never state). */
export const STEP_UP_TOKEN = Symbol('pimbot.stepUpToken');
export const STEP_UP_EVENT = 'pimbot/stepUpCompleted';

export interface StepUpResult {
  resumeKey: string;
  token: AccessToken;
}

/** Hands a request that needs approval to the approval workflow (cards to every approver). */
export interface ApprovalRouter {
  route(input: RouteInput): Promise<unknown>;
  /** The approver's inbox card ("pending"). */
  inbox(pim: PimClient, timeZone?: string): Promise<AdaptiveCard>;
}

/** Announces an activation to the subscribed channels (and break-glass alerts). */
export interface ActivationAnnouncer {
  announce(activation: FeedActivation): Promise<void>;
}

/** Follows an activation to its end: the expiry warning, then its status card turned Expired. */
export interface ActivationTracker {
  track(activation: TrackedActivation): Promise<void>;
  /** The user deactivated it through the bot. */
  deactivatedByUser(userId: string, target: PimTargetRef): Promise<void>;
}

/** What the dialogs need from the application: the ports, no transport details. */
export interface DialogServices {
  sessions: PimSessions;
  activation: ActivationService;
  stepUp?: StepUpStarter;
  approvals?: ApprovalRouter;
  feed?: ActivationAnnouncer;
  lifecycle?: ActivationTracker;
  /** Ticket numbers users may type, e.g. INC-42 or CHG0012345. */
  ticketPattern: RegExp;
  /** Shown on the ticket prompt and sent as ticketInfo.ticketSystem. */
  ticketSystem: string;
  logger: Logger;
}
