import type { GroupBundles } from '../src/activation/group-bundles';
import type { AccessToken } from '@azure/identity';
import type { TurnContext } from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import type { AdaptiveCard } from '../cards';
import type { ActivationService } from '../src/activation/activation-service';
import type { RequestRules } from '../src/activation/request-rules';
import type { ApprovalInbox } from '../src/approvals/approval-inbox';
import type { SessionBlock } from '../src/identity/obo-refusal';
import type { Logger } from '../src/observability/logger';
import type { PimClient } from '../src/pim/pim-client';

/** The signed-in user of a turn, as the dialogs need them: their PIM client, or how to sign in. */
export interface UserSessions {
  /** The user's PIM client for this turn (on-behalf-of their token), or undefined when they must sign in. */
  pimFor(context: TurnContext, claims?: string): Promise<PimClient | undefined>;
  /** A PIM client on the Graph token of a completed step-up sign-in (memory only). */
  pimForToken(token: AccessToken, userId: string): PimClient;
  /** Whether the user has a token for the bot now. */
  hasToken(context: TurnContext): Promise<boolean>;
  /**
   * For a signed-in user: what a new Teams sign-in cannot fix, if anything: Conditional Access on the on-behalf-of
   * exchange (run the step-up sign-in with its claims), or admin consent missing (tell the user).
   */
  blocked?(context: TurnContext): Promise<SessionBlock | undefined>;
  /** The Graph token of the step-up sign-in that met that Conditional Access challenge serves the user from now on. */
  adoptStepUp?(context: TurnContext, token: AccessToken): Promise<void>;
  /** After a failure: whether it was the user's session ending (then they are signed out, to sign in again). */
  endedSession?(context: TurnContext): Promise<boolean>;
  /** A dialog that signs the user in interactively, when the deployment has one (Teams SSO). */
  readonly signInDialog?: Dialog;
  /** Why there is no token and what to do, in the reader's language. */
  signInHelp(locale?: string | null): string;
}

/** Begins an interactive step-up sign-in and returns the URL of the bot's /auth/start for it. */
export interface StepUpStarter {
  begin(context: TurnContext, input: { claims: string; resumeKey: string }): Promise<string>;
}

/** Withdraws the user's request waiting for approval ("cancel request"), with the answer to show. */
export interface WaitingRequestCanceller {
  cancelTyped(context: TurnContext, targetText: string | undefined): Promise<AdaptiveCard | string>;
}

/** What the dialogs need from the application: services and ports, no transport details. */
export interface DialogServices {
  sessions: UserSessions;
  activation: ActivationService;
  stepUp?: StepUpStarter;
  /** The approver's inbox ("pending"), when approvals are enabled. */
  inbox?: ApprovalInbox;
  /** The roles each PIM for Groups bundle grants, listed under the group in "roles". */
  bundles?: GroupBundles;
  /** "cancel request" typed while a prompt waits, when approvals are handled by this bot. */
  waitingRequests?: WaitingRequestCanceller;
  /** Ticket pattern and system, and the input limits every request meets. */
  rules: RequestRules;
  logger: Logger;
  /** The app's clock, for times on cards. */
  now: () => Date;
}
