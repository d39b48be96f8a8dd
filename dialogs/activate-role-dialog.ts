import { CancellableDialog } from './cancellable-dialog';
import { randomUUID } from 'node:crypto';
import { type Activity, CardFactory, MessageFactory, TurnContext } from 'botbuilder';
import {
  type DialogTurnResult,
  type PromptValidatorContext,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { confirmationCard, myRolesCard, signInCard, statusCard } from '../cards';
import type { StatusCardModel } from '../cards';
import { parseDuration, validateDuration } from '../src/activation/duration-parser';
import { findTarget, sameTarget, targetKey } from '../src/activation/target-key';
import { matchTarget } from '../src/activation/target-matcher';
import { describeMinutes } from '../src/pim/iso-duration';
import { PimError } from '../src/pim/pim-error';
import type { PimClient } from '../src/pim/pim-client';
import type { ActivationPolicy, PimTarget, ScheduleRequest } from '../src/pim/pim-types';
import { formatLocalTime } from '../src/shared/local-time';
import { errorSummary } from '../src/observability/error-summary';
import type { TrackedActivation } from '../src/activation/activation-lifecycle';
import { type ChatInput, ChatInputPrompt, cardTargetOf, cardVerb } from './chat-input-prompt';
import { type DialogServices, STEP_UP_TOKEN, type StepUpResult } from './dialog-services';
import { policyBadges, roleItems } from './role-view';

export const ACTIVATE_ROLE_DIALOG = 'activateRole';

/** What the user already said ("activate Exchange Administrator 2h INC-42 fix mailbox rules"). */
export interface ActivateRoleOptions {
  targetText?: string;
  /** A target key from a card button. */
  targetKey?: string;
  minutes?: number;
  durationText?: string;
  ticket?: string;
  justification?: string;
}

/** Dialog state: ids, the policy and the answers. Never a token. */
interface ActivationState extends ActivateRoleOptions {
  target?: PimTarget;
  policy?: ActivationPolicy;
  statusActivityId?: string;
  resumeKey?: string;
  /** A reason to show with the next duration question (the one-line command asked for too much). */
  durationProblem?: string;
}

const TARGET_PROMPT = 'activate.target';
const DURATION_PROMPT = 'activate.duration';
const JUSTIFICATION_PROMPT = 'activate.justification';
const TICKET_PROMPT = 'activate.ticket';
const CONFIRM_PROMPT = 'activate.confirm';
const STEP_UP_PROMPT = 'activate.stepUp';
const JUSTIFICATION_MAX = 500;

/**
 * Asks only for what is missing and what the role's policy needs: role → duration → justification →
 * ticket → confirmation → submit, then one status card updated in place. `cancel` works at every step
 * (the bot handler interrupts).
 */
export class ActivateRoleDialog extends CancellableDialog {
  constructor(private readonly services: DialogServices) {
    super(ACTIVATE_ROLE_DIALOG);
    this.addDialog(new ChatInputPrompt(TARGET_PROMPT, (p) => this.validateTarget(p)));
    this.addDialog(new ChatInputPrompt(DURATION_PROMPT, (p) => this.validateDuration(p)));
    this.addDialog(new ChatInputPrompt(JUSTIFICATION_PROMPT, (p) => this.validateJustification(p)));
    this.addDialog(new ChatInputPrompt(TICKET_PROMPT, (p) => this.validateTicket(p)));
    this.addDialog(new ChatInputPrompt(CONFIRM_PROMPT, (p) => this.validateConfirm(p)));
    this.addDialog(new ChatInputPrompt(STEP_UP_PROMPT, (p) => this.validateStepUp(p)));
    if (services.sessions.tokens.signInDialog) this.addDialog(services.sessions.tokens.signInDialog);
    this.addDialog(
      new WaterfallDialog(`${ACTIVATE_ROLE_DIALOG}.steps`, [
        (s) => this.signIn(s),
        (s) => this.chooseTarget(s),
        (s) => this.loadPolicy(s),
        (s) => this.askDuration(s),
        (s) => this.askJustification(s),
        (s) => this.askTicket(s),
        (s) => this.confirm(s),
        (s) => this.submit(s),
        (s) => this.resumeAfterStepUp(s),
      ]),
    );
    this.initialDialogId = `${ACTIVATE_ROLE_DIALOG}.steps`;
  }

  private state(step: WaterfallStepContext): ActivationState {
    if (!(step.values as Record<string, unknown>).activation)
      (step.values as Record<string, unknown>).activation = { ...(step.options as ActivateRoleOptions) };
    return (step.values as Record<string, unknown>).activation as ActivationState;
  }

  /** The user's PIM client for this turn; tells them to sign in and ends when there is no token. */
  private async pim(step: WaterfallStepContext): Promise<PimClient | undefined> {
    const pim = await this.services.sessions.forTurn(step.context);
    if (!pim)
      await step.context.sendActivity(
        `I could not get your sign-in. ${this.services.sessions.tokens.missingTokenHelp}`,
      );
    return pim;
  }

  private async signIn(step: WaterfallStepContext): Promise<DialogTurnResult> {
    this.state(step);
    const tokens = this.services.sessions.tokens;
    if (tokens.signInDialog && !(await tokens.getUserAssertion(step.context))) {
      return step.beginDialog(tokens.signInDialog.id);
    }
    return step.next();
  }

  private async chooseTarget(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const pim = await this.pim(step);
    if (!pim) return step.endDialog();
    const userId = userIdOf(step.context);
    const eligible = (await this.services.activation.eligibleTargets(pim, userId)).map((e) => e.target);
    if (eligible.length === 0) {
      await step.context.sendActivity(
        'You have no eligible roles or groups in PIM, so there is nothing to activate. Ask a PIM administrator to make you eligible.',
      );
      return step.endDialog();
    }
    const byKey = state.targetKey ? findTarget(eligible, state.targetKey) : undefined;
    if (byKey) {
      // "Activate again" from a card while the activation is still running: PIM would refuse at the
      // end of the dialog, so say it now.
      // The user's own active list (filterByCurrentUser: allowed for every user, unlike the tenant-wide list).
      const running = await this.services.activation
        .active(pim)
        .then((active) =>
          active.find((a) => sameTarget(a.target, byKey) && (a.assignmentType ?? '').toLowerCase() === 'activated'),
        )
        .catch(() => undefined);
      const until = running?.endDateTime;
      const now = new Date();
      if (until && until.getTime() > now.getTime()) {
        const { localTimezone, locale } = step.context.activity;
        await step.context.sendActivity(
          `${byKey.displayName} is still active until ${formatLocalTime(until, localTimezone, locale, now)}. PIM cannot extend a running activation: click Activate again once it has ended (your status card offers it then), or deactivate it first.`,
        );
        return step.endDialog();
      }
      return step.next(byKey);
    }
    if (state.targetText) {
      const match = matchTarget(state.targetText, eligible);
      if (match.kind === 'exact') return step.next(match.target);
      const options = match.kind === 'ambiguous' ? match.options : eligible;
      const intro =
        match.kind === 'ambiguous'
          ? `"${state.targetText}" matches more than one of your roles. Which one?`
          : `I could not find "${state.targetText}" among your eligible roles and groups. Pick one:`;
      return this.promptForTarget(step, pim, options, intro);
    }
    return this.promptForTarget(step, pim, eligible, 'Which role or group do you need?');
  }

  private async promptForTarget(
    step: WaterfallStepContext,
    pim: PimClient,
    options: PimTarget[],
    intro: string,
  ): Promise<DialogTurnResult> {
    (step.values as Record<string, unknown>).targetChoices = options;
    const policies = await Promise.all(
      options.map((t) => this.services.activation.policyFor(pim, t).catch(() => undefined)),
    );
    const card = myRolesCard({ items: roleItems(options, policies), emptyText: 'No eligible roles.' });
    return step.prompt(TARGET_PROMPT, {
      prompt: MessageFactory.attachment(CardFactory.adaptiveCard(card), intro) as Partial<Activity>,
      retryPrompt: MessageFactory.text(
        'Pick a role with its Activate button, or type its name (for example "Exchange Administrator"). Say cancel to stop.',
      ) as Partial<Activity>,
      validations: options,
    });
  }

  private async validateTarget(prompt: PromptValidatorContext<ChatInput>): Promise<boolean> {
    return (
      this.targetFromAnswer(prompt.recognized.value, prompt.options.validations as PimTarget[] | undefined) !==
      undefined
    );
  }

  private targetFromAnswer(answer: ChatInput | undefined, choices: PimTarget[] | undefined): PimTarget | undefined {
    if (!answer || !choices) return undefined;
    if (cardVerb(answer) === 'activate') return findTarget(choices, cardTargetOf(answer));
    if (!answer.text) return undefined;
    const match = matchTarget(answer.text, choices);
    return match.kind === 'exact' ? match.target : undefined;
  }

  private async loadPolicy(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const chosen =
      (step.result as PimTarget | ChatInput | undefined) && 'kind' in (step.result as object)
        ? (step.result as PimTarget)
        : this.targetFromAnswer(
            step.result as ChatInput,
            (step.values as Record<string, unknown>).targetChoices as PimTarget[],
          );
    if (!chosen) return step.endDialog();
    state.target = chosen;
    state.targetKey = targetKey(chosen);
    const pim = await this.pim(step);
    if (!pim) return step.endDialog();
    try {
      state.policy = await this.services.activation.policyFor(pim, chosen);
    } catch (err) {
      return this.fail(step, err);
    }
    return step.next();
  }

  private async askDuration(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const policy = state.policy!;
    const name = state.target!.displayName;
    if (state.minutes !== undefined) {
      const check = validateDuration(state.minutes, { maxMinutes: policy.maxDurationMinutes, targetName: name });
      if (check.ok) return step.next();
      state.durationProblem = check.reason;
      state.minutes = undefined;
    }
    const problem = state.durationProblem ? `${state.durationProblem} ` : '';
    return step.prompt(DURATION_PROMPT, {
      prompt: MessageFactory.text(
        `${problem}How long do you need ${name}? Up to ${describeMinutes(policy.maxDurationMinutes)} (for example 2h, 90m or 1.5 hours).`,
      ) as Partial<Activity>,
      validations: { maxMinutes: policy.maxDurationMinutes, targetName: name },
    });
  }

  private async validateDuration(prompt: PromptValidatorContext<ChatInput>): Promise<boolean> {
    const limits = prompt.options.validations as { maxMinutes: number; targetName: string };
    const text = prompt.recognized.value?.text ?? '';
    const parsed = parseDuration(text);
    if (!parsed.ok) {
      await prompt.context.sendActivity(`${parsed.reason} Say cancel to stop.`);
      return false;
    }
    const check = validateDuration(parsed.minutes, limits);
    if (!check.ok) {
      await prompt.context.sendActivity(`${check.reason} How long do you need it?`);
      return false;
    }
    return true;
  }

  private async askJustification(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (step.result && (step.result as ChatInput).text !== undefined) {
      const parsed = parseDuration((step.result as ChatInput).text);
      if (parsed.ok) state.minutes = parsed.minutes;
    }
    state.durationProblem = undefined;
    if (!state.policy!.requiresJustification || state.justification) return step.next();
    return step.prompt(JUSTIFICATION_PROMPT, {
      prompt: MessageFactory.text(
        `${state.target!.displayName} requires a justification. Why do you need it?`,
      ) as Partial<Activity>,
      retryPrompt: MessageFactory.text(
        `Please give a short reason (up to ${JUSTIFICATION_MAX} characters), or say cancel.`,
      ) as Partial<Activity>,
    });
  }

  private async validateJustification(prompt: PromptValidatorContext<ChatInput>): Promise<boolean> {
    const text = prompt.recognized.value?.text ?? '';
    return text.length > 0 && text.length <= JUSTIFICATION_MAX;
  }

  private async askTicket(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (step.result && typeof (step.result as ChatInput).text === 'string' && !state.justification) {
      state.justification = (step.result as ChatInput).text;
    }
    if (!state.policy!.requiresTicket || state.ticket) return step.next();
    return step.prompt(TICKET_PROMPT, {
      prompt: MessageFactory.text(
        `${state.target!.displayName} requires a ticket number. Which ${this.services.ticketSystem} ticket is this for (for example INC-42)?`,
      ) as Partial<Activity>,
      retryPrompt: MessageFactory.text(
        'That does not look like a ticket number. Type it like INC-42 or CHG0012345, or say cancel.',
      ) as Partial<Activity>,
    });
  }

  private async validateTicket(prompt: PromptValidatorContext<ChatInput>): Promise<boolean> {
    const text = prompt.recognized.value?.text ?? '';
    return this.services.ticketPattern.test(text);
  }

  private async confirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (step.result && typeof (step.result as ChatInput).text === 'string' && !state.ticket) {
      state.ticket = (step.result as ChatInput).text;
    }
    const policy = state.policy!;
    const card = confirmationCard({
      key: state.targetKey!,
      targetName: state.target!.displayName,
      durationText: describeMinutes(state.minutes!),
      justification: state.justification,
      ticketNumber: state.ticket,
      approvalText: approvalText(policy),
      stepUpText: policy.authContext
        ? 'This role asks for a stronger sign-in; you may be asked to sign in again.'
        : null,
    });
    return step.prompt(CONFIRM_PROMPT, {
      prompt: MessageFactory.attachment(CardFactory.adaptiveCard(card)) as Partial<Activity>,
      retryPrompt: MessageFactory.text('Click Activate (or say yes) to submit, or say cancel.') as Partial<Activity>,
    });
  }

  private async validateConfirm(prompt: PromptValidatorContext<ChatInput>): Promise<boolean> {
    const answer = prompt.recognized.value;
    if (cardVerb(answer) === 'confirm') return true;
    return /^(y|yes|ok|okay|confirm|activate|go|submit|sure)\b/i.test(answer?.text ?? '');
  }

  private async submit(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const status = await step.context.sendActivity(
      MessageFactory.attachment(CardFactory.adaptiveCard(statusCard(this.statusView(state, 'submitting')))),
    );
    state.statusActivityId = status?.id;
    const pim = await this.pim(step);
    if (!pim) return step.endDialog();
    return this.activateWith(step, pim);
  }

  private async activateWith(step: WaterfallStepContext, pim: PimClient, steppedUp = false): Promise<DialogTurnResult> {
    try {
      return await this.tryActivate(step, pim);
    } catch (err) {
      if (err instanceof PimError && err.kind === 'StepUpRequired' && !steppedUp) {
        return this.stepUp(step, err);
      }
      return this.fail(step, err);
    }
  }

  /** Submits and shows the outcome; PIM refusals are thrown to the caller. */
  private async tryActivate(step: WaterfallStepContext, pim: PimClient): Promise<DialogTurnResult> {
    const state = this.state(step);
    const request = await this.services.activation.activate(
      pim,
      userIdOf(step.context),
      {
        target: state.target!,
        durationMinutes: state.minutes!,
        justification: state.justification,
        ticket: state.ticket ? { ticketNumber: state.ticket, ticketSystem: this.services.ticketSystem } : undefined,
      },
      state.policy,
    );
    await this.showRequest(step.context, state, request);
    return step.endDialog(request);
  }

  /**
   * PIM wants MFA or an authentication context the token lacks. MFA first tries a silent on-behalf-of
   * exchange with the claims (a Teams session often has MFA already); otherwise, and always for an
   * authentication context, the user signs in again through the bot's /auth/start.
   */
  private async stepUp(step: WaterfallStepContext, err: PimError): Promise<DialogTurnResult> {
    const state = this.state(step);
    const claims = err.claims;
    if (claims && err.failedRules.includes('MfaRule')) {
      const silent = await this.services.sessions.forTurn(step.context, claims);
      if (silent) {
        try {
          return await this.tryActivate(step, silent);
        } catch (silentErr) {
          // Entra needs the user in front of a sign-in page: continue with the interactive step-up.
          if (!(silentErr instanceof PimError) || silentErr.kind !== 'Unauthenticated')
            return this.fail(step, silentErr);
        }
      }
    }
    if (!claims || !this.services.stepUp) return this.fail(step, err);
    state.resumeKey = randomUUID();
    const url = await this.services.stepUp.begin(step.context, { claims, resumeKey: state.resumeKey });
    const card = signInCard({
      title: 'Sign in again to continue',
      text: `${err.message} Your request is kept; it continues as soon as you have signed in.`,
      url,
      buttonTitle: 'Sign in',
    });
    return step.prompt(STEP_UP_PROMPT, {
      prompt: MessageFactory.attachment(CardFactory.adaptiveCard(card)) as Partial<Activity>,
      retryPrompt: MessageFactory.text(
        'Finish signing in with the card above and your request continues, or say cancel.',
      ) as Partial<Activity>,
      validations: { resumeKey: state.resumeKey },
    });
  }

  private async validateStepUp(prompt: PromptValidatorContext<ChatInput>): Promise<boolean> {
    const expected = (prompt.options.validations as { resumeKey: string }).resumeKey;
    const result = prompt.context.turnState.get(STEP_UP_TOKEN) as StepUpResult | undefined;
    return prompt.recognized.value?.eventName !== undefined && result?.resumeKey === expected;
  }

  private async resumeAfterStepUp(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const result = step.context.turnState.get(STEP_UP_TOKEN) as StepUpResult | undefined;
    if (!result) return step.endDialog();
    const pim = this.services.sessions.forAccessToken(result.token, userIdOf(step.context));
    await step.context.sendActivity('Thanks, you are signed in. Submitting your request now.');
    return this.activateWith(step, pim, true);
  }

  private statusView(
    state: ActivationState,
    kind: StatusCardModel['state'],
    extra: Partial<StatusCardModel> = {},
  ): StatusCardModel {
    return {
      requestKey: state.targetKey ?? 'unknown',
      state: kind,
      targetName: state.target?.displayName ?? 'role',
      durationText: state.minutes ? describeMinutes(state.minutes) : '',
      justification: state.justification,
      ticketNumber: state.ticket,
      ...extra,
    };
  }

  private async showRequest(context: TurnContext, state: ActivationState, request: ScheduleRequest): Promise<void> {
    const status = request.status.toLowerCase();
    let view: StatusCardModel;
    let track: Omit<TrackedActivation, 'statusActivityId'> | undefined;
    if (status === 'pendingapproval') {
      view = this.statusView(state, 'pendingApproval', { approversText: approvalText(state.policy!) });
    } else if (
      status === 'granted' ||
      status === 'provisioned' ||
      status === 'scheduled' ||
      status === 'schedulecreated'
    ) {
      const start = request.startDateTime ?? request.createdDateTime ?? new Date();
      const end = new Date(start.getTime() + state.minutes! * 60_000);
      view = this.statusView(state, 'active', {
        activeUntilText: formatLocalTime(end, context.activity.localTimezone, context.activity.locale, start),
        deactivateKey: state.targetKey,
      });
      await this.services.feed
        ?.announce({
          key: request.id,
          principalId: userIdOf(context),
          principalName: context.activity.from?.name ?? 'A user',
          target: state.target!,
          startDateTime: start,
          endDateTime: end,
          justification: state.justification,
          ticket: state.ticket,
          ticketSystem: this.services.ticketSystem,
          source: 'bot',
          scheduleId: request.targetScheduleId,
        })
        .catch((err) => this.services.logger.warn({ err: errorSummary(err) }, 'activation not announced'));
      track = {
        requestId: request.id,
        requester: { aadObjectId: userIdOf(context), name: context.activity.from?.name ?? 'A user' },
        target: state.target!,
        start,
        end,
        durationMinutes: state.minutes!,
        justification: state.justification,
        ticket: state.ticket,
        timeZone: context.activity.localTimezone,
        locale: context.activity.locale,
        conversation: TurnContext.getConversationReference(context.activity),
      };
    } else {
      view = this.statusView(state, 'failed', {
        failure: {
          message: `PIM answered "${request.status}".`,
          fix: 'Check the request in the Entra admin center.',
          requestId: request.id,
        },
      });
    }
    await this.updateStatus(context, state, view);
    if (track && this.services.lifecycle) {
      // The warning before it ends, and the Expired card after, need the status card's id.
      await this.services.lifecycle
        .track({ ...track, statusActivityId: state.statusActivityId })
        .catch((err) => this.services.logger.warn({ err: errorSummary(err) }, 'expiry warning not scheduled'));
    }
    if (status === 'pendingapproval' && this.services.approvals) {
      try {
        await this.services.approvals.route({
          request,
          target: state.target!,
          policy: state.policy!,
          requester: {
            aadObjectId: userIdOf(context),
            name: context.activity.from?.name ?? 'A user',
            mri: context.activity.from?.id,
          },
          requesterConversation: TurnContext.getConversationReference(context.activity),
          statusActivityId: state.statusActivityId,
          durationMinutes: state.minutes!,
          justification: state.justification,
          ticket: state.ticket,
          ticketSystem: this.services.ticketSystem,
          timeZone: context.activity.localTimezone,
        });
      } catch (err) {
        // The request is in PIM either way; approvers still get PIM's own e-mail.
        this.services.logger.error({ err: errorSummary(err) }, 'could not route the approval');
        await context.sendActivity(
          "Your request is waiting for approval in PIM, but I could not reach the approvers in Teams. They will get PIM's e-mail.",
        );
      }
    }
  }

  private async updateStatus(context: TurnContext, state: ActivationState, view: StatusCardModel): Promise<void> {
    const attachment = CardFactory.adaptiveCard(statusCard(view));
    if (state.statusActivityId) {
      try {
        await context.updateActivity({
          ...MessageFactory.attachment(attachment),
          id: state.statusActivityId,
          conversation: context.activity.conversation,
        });
        return;
      } catch (err) {
        // The request went through; if the card cannot be edited, say it in a new one rather than fail.
        this.services.logger.warn({ err: errorSummary(err) }, 'status card update failed; sending a new one');
      }
      const sent = await context.sendActivity(MessageFactory.attachment(attachment));
      state.statusActivityId = sent?.id;
    } else {
      const sent = await context.sendActivity(MessageFactory.attachment(attachment));
      state.statusActivityId = sent?.id;
    }
  }

  private async fail(step: WaterfallStepContext, err: unknown): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (!(err instanceof PimError)) throw err;
    this.services.logger.info(
      { kind: err.kind, graphCode: err.graphCode, graphRequestId: err.requestId },
      'activation refused by PIM',
    );
    await this.updateStatus(
      step.context,
      state,
      this.statusView(state, 'failed', {
        failure: { message: err.message, fix: err.fix, graphCode: err.graphCode, requestId: err.requestId },
      }),
    );
    return step.endDialog();
  }
}

function userIdOf(context: TurnContext): string {
  return context.activity.from?.aadObjectId ?? context.activity.from?.id ?? 'unknown';
}

/** "Needs approval by Megan Bowen or PIM Approvers", or that none is needed. */
export function approvalText(policy: ActivationPolicy): string {
  if (!policy.requiresApproval) return 'No approval needed: it is active as soon as you confirm.';
  const names = policy.approvers.map((a) =>
    a.type === 'requestorManager' ? 'your manager' : (a.description ?? (a.type === 'user' ? a.userId : a.groupId)),
  );
  return names.length ? `Needs approval by ${names.join(' or ')}.` : 'Needs approval.';
}

export { policyBadges };
