import type { TurnContext } from 'botbuilder';
import { type AdaptiveCard, activeRolesCard, helpCard, myRolesCard, pendingApprovalsCard, TEXT_LIMITS } from '../cards';
import { translator } from '../src/i18n';
import type { PimClient } from '../src/pim/pim-client';
import { PimError } from '../src/pim/pim-error';
import { activeItems } from '../src/views/active-view';
import { pimErrorText } from '../src/views/pim-error-words';
import { plainMessage, plainPart } from '../src/views/plain-message';
import { ApprovalInbox } from '../src/approvals/approval-inbox';
import { inboxCardModel } from '../src/views/inbox-view';
import { roleItems } from '../src/views/role-view';
import { cardMessage, userIdOf } from './dialog-replies';
import type { DialogServices } from './dialog-services';
import { helpCommands } from './help-commands';

/** The read-only answers: the user's roles, what is active for them, and the approver's inbox. */
export class Listings {
  constructor(private readonly services: DialogServices) {}

  /** The user's eligible roles and groups: what each needs, which are active now, what each group grants. */
  roles(context: TurnContext): Promise<void> {
    const { activation, bundles } = this.services;
    return this.reply(context, async (pim) => {
      // What is active and what a group grants only add to the list: without them it is still the list.
      const [eligible, active] = await Promise.all([
        activation.eligibleTargets(pim, userIdOf(context)),
        activation.active(pim).catch(() => []),
      ]);
      const targets = eligible.map((e) => e.target);
      const [policies, grants] = await Promise.all([
        Promise.all(targets.map((t) => activation.policyFor(pim, t).catch(() => undefined))),
        Promise.all(
          targets.map((t) =>
            t.kind === 'group' && bundles ? bundles.rolesOf(t.groupId).catch(() => undefined) : undefined,
          ),
        ),
      ]);
      const { localTimezone, locale } = context.activity;
      return myRolesCard(
        {
          items: roleItems(targets, policies, {
            active,
            grants,
            now: this.services.now(),
            timeZone: localTimezone,
            locale,
          }),
          emptyText: translator(locale)('chat:listings.noEligible'),
        },
        { locale },
      );
    });
  }

  active(context: TurnContext): Promise<void> {
    const { localTimezone, locale } = context.activity;
    return this.reply(context, async (pim) =>
      activeRolesCard(
        {
          items: activeItems(await this.services.activation.active(pim), {
            timeZone: localTimezone,
            locale,
            now: this.services.now(),
          }),
          emptyText: translator(locale)('chat:listings.nothingActive'),
        },
        { locale },
      ),
    );
  }

  pending(context: TurnContext): Promise<void> {
    const inbox = this.services.inbox;
    const { locale } = context.activity;
    return this.reply(context, async (pim) =>
      inbox
        ? pendingApprovalsCard(
            // The first page (at most 5); Next / Previous and the decisions are card actions (src/bot/inbox-actions).
            inboxCardModel(ApprovalInbox.page(await inbox.entries(pim), 0), {
              now: this.services.now(),
              reader: { timeZone: context.activity.localTimezone, locale },
              viewerId: context.activity.from?.id,
            }),
            { locale },
          )
        : helpCard(
            { intro: translator(locale)('help:intro.approvalsOff'), commands: helpCommands(locale) },
            { locale },
          ),
    );
  }

  /** Runs a read for the signed-in user and replies with its card, or says what went wrong. */
  private async reply(context: TurnContext, build: (pim: PimClient) => Promise<AdaptiveCard>): Promise<void> {
    const pim = await this.services.sessions.pimFor(context);
    if (!pim) {
      const help = this.services.sessions.signInHelp(context.activity.locale);
      await context.sendActivity(translator(context.activity.locale)('chat:signInMissing', { help }));
      return;
    }
    try {
      await context.sendActivity(cardMessage(await build(pim)));
    } catch (err) {
      if (!(err instanceof PimError)) throw err;
      // It names the role (a directory name): plain, like every text message with outside names in it.
      await context.sendActivity(
        plainMessage(plainPart(pimErrorText(err, context.activity.locale), TEXT_LIMITS.message)),
      );
    }
  }
}
