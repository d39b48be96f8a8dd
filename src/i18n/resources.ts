import deCards from './locales/de/cards.json' with { type: 'json' };
import deCommon from './locales/de/common.json' with { type: 'json' };
import enCards from './locales/en/cards.json' with { type: 'json' };
import enCommon from './locales/en/common.json' with { type: 'json' };
import deChat from './locales/de/chat.json' with { type: 'json' };
import enChat from './locales/en/chat.json' with { type: 'json' };
import deHelp from './locales/de/help.json' with { type: 'json' };
import enHelp from './locales/en/help.json' with { type: 'json' };
import deMyRoles from './locales/de/myRoles.json' with { type: 'json' };
import enMyRoles from './locales/en/myRoles.json' with { type: 'json' };
import deConfirmation from './locales/de/confirmation.json' with { type: 'json' };
import enConfirmation from './locales/en/confirmation.json' with { type: 'json' };
import deExpiry from './locales/de/expiry.json' with { type: 'json' };
import enExpiry from './locales/en/expiry.json' with { type: 'json' };
import deQueued from './locales/de/queued.json' with { type: 'json' };
import enQueued from './locales/en/queued.json' with { type: 'json' };
import enBot from './locales/en/bot.json' with { type: 'json' };
import enSubscriptions from './locales/en/subscriptions.json' with { type: 'json' };
import enErrors from './locales/en/errors.json' with { type: 'json' };
import deBot from './locales/de/bot.json' with { type: 'json' };
import deSubscriptions from './locales/de/subscriptions.json' with { type: 'json' };
import deErrors from './locales/de/errors.json' with { type: 'json' };
import deStatus from './locales/de/status.json' with { type: 'json' };
import enStatus from './locales/en/status.json' with { type: 'json' };
import deActivation from './locales/de/activation.json' with { type: 'json' };
import enActivation from './locales/en/activation.json' with { type: 'json' };
import enApproval from './locales/en/approval.json' with { type: 'json' };
import deApproval from './locales/de/approval.json' with { type: 'json' };
import enInbox from './locales/en/inbox.json' with { type: 'json' };
import deInbox from './locales/de/inbox.json' with { type: 'json' };
import enFeed from './locales/en/feed.json' with { type: 'json' };
import deFeed from './locales/de/feed.json' with { type: 'json' };
import enRequestStatus from './locales/en/requestStatus.json' with { type: 'json' };
import deRequestStatus from './locales/de/requestStatus.json' with { type: 'json' };
import enActions from './locales/en/actions.json' with { type: 'json' };
import deActions from './locales/de/actions.json' with { type: 'json' };
import enNotices from './locales/en/notices.json' with { type: 'json' };
import deNotices from './locales/de/notices.json' with { type: 'json' };
import type { Language } from './language';

/**
 * Every message and card text, one JSON file per namespace and language (src/i18n/locales/<lng>/<ns>.json),
 * bundled at build time: no loading, no I/O, the same text on every instance. A namespace is one area of the
 * bot (docs/i18n.md), so people converting different areas edit different files; adding one is two JSON
 * files and one line per language here.
 */
const en = {
  common: enCommon,
  cards: enCards,
  chat: enChat,
  help: enHelp,
  myRoles: enMyRoles,
  confirmation: enConfirmation,
  expiry: enExpiry,
  queued: enQueued,
  bot: enBot,
  subscriptions: enSubscriptions,
  errors: enErrors,
  status: enStatus,
  activation: enActivation,
  approval: enApproval,
  inbox: enInbox,
  feed: enFeed,
  requestStatus: enRequestStatus,
  actions: enActions,
  notices: enNotices,
};

/** The English resources: the source of truth for keys (TranslationKey is derived from this type). */
export type Resources = typeof en;

export type Namespace = keyof Resources;

export const NAMESPACES = Object.keys(en) as Namespace[];

/** Typed as Resources, so a namespace or key missing in German is already a type error. */
export const RESOURCES: Readonly<Record<Language, Resources>> = {
  en,
  de: {
    common: deCommon,
    cards: deCards,
    chat: deChat,
    help: deHelp,
    myRoles: deMyRoles,
    confirmation: deConfirmation,
    expiry: deExpiry,
    queued: deQueued,
    bot: deBot,
    subscriptions: deSubscriptions,
    errors: deErrors,
    status: deStatus,
    activation: deActivation,
    approval: deApproval,
    inbox: deInbox,
    feed: deFeed,
    requestStatus: deRequestStatus,
    actions: deActions,
    notices: deNotices,
  },
};
