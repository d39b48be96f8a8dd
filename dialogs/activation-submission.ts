import { type TurnContext, TurnContext as Turn } from 'botbuilder';
import { statusCard } from '../cards';
import type { ActivationRequest, SubmitOutcome } from '../src/activation/activation-service';
import { errorSummary } from '../src/observability/error-summary';
import type { PimClient } from '../src/pim/pim-client';
import type { RequesterChat } from '../src/requests/pim-request';
import type { StatusCardModel } from '../cards';
import { translator } from '../src/i18n';
import { pimErrorWords } from '../src/views/pim-error-words';
import { approvalText } from '../src/views/role-view';
import { draftStatusModel, requestStatusModel } from '../src/views/status-view';
import { cardMessage, userIdOf } from './dialog-replies';
import type { DialogServices } from './dialog-services';

/** Where the request's status card is, and the requester's clock, kept in dialog state (never a token). */
export interface SubmissionState {
  request: ActivationRequest;
  statusActivityId?: string;
  timeZone?: string;
  locale?: string;
}

/** What is left to do after a submission: nothing, or an interactive sign-in PIM asked for. */
export type SubmissionResult = { done: true } | { done: false; claims: string; message: string };

/**
 * The parent's side of an activation: the status card (Submitting, then what PIM answered, updated in
 * place), the submission through the ActivationService, and a silent retry with the claims PIM asked
 * for (a Teams session often has MFA already) before an interactive sign-in is needed.
 */
export class ActivationSubmission {
  constructor(private readonly services: DialogServices) {}

  /** A new submission: the Submitting card first, then PIM's answer on it. */
  async begin(
    context: TurnContext,
    request: ActivationRequest,
  ): Promise<{ state: SubmissionState; result: SubmissionResult }> {
    const state: SubmissionState = {
      request,
      timeZone: context.activity.localTimezone,
      locale: context.activity.locale,
    };
    const { locale } = context.activity;
    const submitting = draftStatusModel(request, 'submitting', undefined, locale);
    const sent = await context.sendActivity(cardMessage(statusCard(submitting, { locale })));
    state.statusActivityId = sent?.id;
    const pim = await this.services.sessions.pimFor(context);
    if (!pim) {
      const help = this.services.sessions.signInHelp(context.activity.locale);
      await context.sendActivity(translator(context.activity.locale)('chat:signInMissing', { help }));
      return { state, result: { done: true } };
    }
    return { state, result: await this.submit(context, state, pim, true) };
  }

  /**
   * Submits with this client and shows the outcome. `mayStepUp`: a MFA/authentication-context refusal
   * tries the silent exchange, then asks for the interactive sign-in (once; not after a step-up).
   */
  async submit(
    context: TurnContext,
    state: SubmissionState,
    pim: PimClient,
    mayStepUp: boolean,
  ): Promise<SubmissionResult> {
    const activation = this.services.activation;
    // A refusal that a stronger sign-in may fix is not shown yet: the retry's answer is.
    const holdStepUp = (outcome: SubmitOutcome) =>
      mayStepUp && outcome.kind === 'refused' && outcome.error.kind === 'StepUpRequired';
    const show = async (outcome: SubmitOutcome) => {
      if (!holdStepUp(outcome)) await this.show(context, state, outcome);
    };
    const outcome = await activation.submit(this.requester(context, state, pim), state.request, show);
    if (holdStepUp(outcome) && outcome.kind === 'refused') {
      const err = outcome.error;
      const claims = err.claims;
      if (claims && err.failedRules.includes('MfaRule')) {
        const silent = await this.services.sessions.pimFor(context, claims);
        if (silent) {
          // Entra needs the user in front of a sign-in page when the silent retry is Unauthenticated.
          const interactive = (o: SubmitOutcome) => o.kind === 'refused' && o.error.kind === 'Unauthenticated';
          const retried = await activation.submit(this.requester(context, state, silent), state.request, (o) =>
            interactive(o) ? Promise.resolve() : this.show(context, state, o),
          );
          if (!interactive(retried)) return this.after(context, retried);
        }
      }
      if (claims && this.services.stepUp) return { done: false, claims, message: err.message };
      await this.show(context, state, outcome);
    }
    return this.after(context, outcome);
  }

  /** What is left to say once everyone who follows requests was told. */
  private async after(context: TurnContext, outcome: SubmitOutcome): Promise<SubmissionResult> {
    if (outcome.kind === 'pendingApproval' && !outcome.approversReached) {
      // The request is in PIM either way; approvers still get PIM's own e-mail.
      await context.sendActivity(
        "Your request is waiting for approval in PIM, but I could not reach the approvers in Teams. They will get PIM's e-mail.",
      );
    }
    return { done: true };
  }

  private requester(context: TurnContext, state: SubmissionState, pim: PimClient) {
    const chat: RequesterChat = {
      conversation: Turn.getConversationReference(context.activity),
      statusMessageId: state.statusActivityId,
      timeZone: state.timeZone,
      locale: state.locale,
    };
    const from = context.activity.from;
    return {
      person: { aadObjectId: userIdOf(context), name: from?.name ?? 'A user', mri: from?.id },
      pim,
      chat,
    };
  }

  /** The status card says what PIM answered. */
  private async show(context: TurnContext, state: SubmissionState, outcome: SubmitOutcome): Promise<void> {
    const now = this.services.now();
    let view: StatusCardModel;
    switch (outcome.kind) {
      case 'active':
        view = requestStatusModel(outcome.request, { now });
        break;
      case 'pendingApproval':
        view = requestStatusModel(outcome.request, {
          now,
          pendingText: approvalText(state.request.policy, state.locale),
        });
        break;
      case 'refused': {
        const err = outcome.error;
        this.services.logger.info(
          { kind: err.kind, graphCode: err.graphCode, graphRequestId: err.requestId },
          'activation refused by PIM',
        );
        // PIM's reasons in the requester's words (pim-error-words.ts); the Graph code and request id stay as sent.
        const words = pimErrorWords(err, state.locale);
        view = draftStatusModel(
          state.request,
          'failed',
          {
            message: words.message,
            fix: words.fix,
            graphCode: err.graphCode,
            requestId: err.requestId,
          },
          state.locale,
        );
        break;
      }
      case 'unexpected':
        view = draftStatusModel(
          state.request,
          'failed',
          {
            message: translator(state.locale)('activation:submission.unexpectedStatus', { status: outcome.status }),
            fix: translator(state.locale)('activation:submission.unexpectedFix'),
            requestId: outcome.requestId,
          },
          state.locale,
        );
        break;
    }
    const moved = await this.updateStatus(context, state, view);
    if (moved && (outcome.kind === 'active' || outcome.kind === 'pendingApproval')) {
      await this.services.activation
        .statusCardMoved(outcome.request.id, moved)
        .catch((err) => this.services.logger.warn({ err: errorSummary(err) }, 'status card move not recorded'));
    }
  }

  /** Updates the status card in place; returns the new card's id when it had to be sent anew. */
  private async updateStatus(
    context: TurnContext,
    state: SubmissionState,
    view: StatusCardModel,
  ): Promise<string | undefined> {
    const message = cardMessage(statusCard(view, { aadObjectId: userIdOf(context), locale: state.locale }));
    if (state.statusActivityId) {
      try {
        await context.updateActivity({
          ...message,
          id: state.statusActivityId,
          conversation: context.activity.conversation,
        });
        return undefined;
      } catch (err) {
        // The request went through; if the card cannot be edited, say it in a new one rather than fail.
        this.services.logger.warn({ err: errorSummary(err) }, 'status card update failed; sending a new one');
      }
    }
    const sent = await context.sendActivity(message);
    state.statusActivityId = sent?.id;
    return sent?.id;
  }
}
