import { MemoryStorage } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { ChannelSubscriptionStore } from '../../src/notifications/channel-subscriptions';
import { demoGroups, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { channelThread, visibleText } from '../support/bot-harness';
import { useBotHarness } from '../support/use-bot-harness';

/**
 * The bot's own replies and the channel subscription answers for German Teams users (issue 15, "Two
 * languages"): each message in the language of the person who typed the command, from their activity's locale
 * (de-DE), through the real bot over HTTP (capture connector, Graph simulator). Expected texts are the German
 * resources (src/i18n/locales/de/bot.json, subscriptions.json); lists are CLDR's German lists ("A, B und C",
 * "A oder B"). English for an English reader in the same channel stays as the English tests assert it.
 */

const { requester: adele, approver: megan, noAccess: lee } = demoUsers;
const GERMAN = { locale: 'de-DE' };

const storage = new MemoryStorage();
let channels = 0;
const h = useBotHarness({
  config: { FEED_ADMIN_GROUP_ID: demoGroups.pimApprovers.id, WATCHER_INTERVAL_SECONDS: '0' },
  options: { storage },
});

const newChannel = () => `19:de-subs-${++channels}@thread.tacv2`;
const stored = (channel: string) => new ChannelSubscriptionStore(storage).get(channel);

/** `user` @mentions the bot in `channel` with a Teams client in `locale`; resolves with the bot's replies there. */
async function say(user: FixtureUser, channel: string, text: string, locale = 'de-DE'): Promise<string> {
  h.connector.reset();
  await h.say(user, `<at>PIM Bot</at> ${text}`, { locale, ...channelThread(channel, demoTenant.tenantId, 'Ops') });
  return h.connector.sentTexts().join('\n');
}

describe('channel subscriptions for a German channel admin (HTTP)', () => {
  it('subscribe answers in German with a German list; the stored filters are the roles, whatever the language', async () => {
    const channel = newChannel();
    expect(await say(megan, channel, 'subscribe exch admin, GA, SharePoint Administrator')).toBe(
      'Abonniert: Dieser Kanal erhält jede Aktivierung von Exchange Administrator, Global Administrator und SharePoint Administrator. ' +
        'Karten zeigen die Rolle, wer, wann, bis wann und die Genehmigung; Begründungen und Tickets bleiben außerhalb des Kanals. ' +
        'Ein Administrator kann sie mit „subscribe … with details“ hinzufügen.',
    );
    expect((await stored(channel))?.filters).toEqual([
      'Exchange Administrator',
      'Global Administrator',
      'SharePoint Administrator',
    ]);
    // The same channel, an English admin: English, as before (en-GB's list; en-US's has CLDR's serial comma).
    expect(await say(megan, channel, 'subscribe Global Reader', 'en-GB')).toMatch(
      /^Subscribed: this channel gets every activation of Exchange Administrator, Global Administrator, SharePoint Administrator and Global Reader\./,
    );
    expect(await say(megan, channel, 'subscriptions', 'en-US')).toMatch(
      /^This channel gets every activation of Exchange Administrator, Global Administrator, SharePoint Administrator, and Global Reader\./,
    );
  });

  it('a name already there is said with the plural of its count', async () => {
    const channel = newChannel();
    await say(megan, channel, 'subscribe Teams Administrator, Global Reader');
    expect(await say(megan, channel, 'subscribe teams administrator, global reader')).toBe(
      'Nichts geändert: Dieser Kanal erhält bereits jede Aktivierung von Teams Administrator und Global Reader. ' +
        '(Teams Administrator und Global Reader waren bereits enthalten.) ' +
        'Karten zeigen die Rolle, wer, wann, bis wann und die Genehmigung; Begründungen und Tickets bleiben außerhalb des Kanals.',
    );
    expect(await say(megan, channel, 'subscribe teams administrator')).toMatch(
      /\(Teams Administrator war bereits enthalten\.\)/,
    );
  });

  it('an ambiguous or unknown name: German, the typed name quoted and inert, "oder" between the choices', async () => {
    const channel = newChannel();
    expect(await say(megan, channel, 'subscribe Exchange')).toBe(
      '„Exchange“ könnte Exchange Administrator oder Exchange Recipient Administrator sein: Sagen Sie, welche gemeint ist. Es wurde nichts geändert.',
    );
    expect(await say(megan, channel, 'subscribe Frobnicator')).toMatch(
      /^Ich kenne keine Rolle oder Gruppe namens „Frobnicator“\. Verwenden Sie den Namen, den Entra anzeigt .* Es wurde nichts geändert\.$/,
    );
    expect(await stored(channel)).toBeUndefined();
  });

  it('unsubscribe and subscriptions answer in German', async () => {
    const channel = newChannel();
    await say(megan, channel, 'subscribe Global Administrator, Exchange Administrator, Global Reader');
    expect(await say(megan, channel, 'unsubscribe GA')).toBe(
      'Global Administrator abbestellt: Dieser Kanal erhält weiterhin jede Aktivierung von Exchange Administrator und Global Reader.',
    );
    const listed = await say(lee, channel, 'subscriptions');
    expect(listed).toMatch(
      /^Dieser Kanal erhält jede Aktivierung von Exchange Administrator und Global Reader\. Karten zeigen/,
    );
    expect(listed).toMatch(/Administratoren: „subscribe <Rollen- oder Gruppennamen>“ fügt hinzu/);
    expect(await say(megan, channel, 'unsubscribe')).toBe('Abbestellt: Dieser Kanal erhält keine Aktivierungen mehr.');
    expect(await say(megan, channel, 'unsubscribe')).toBe(
      'Dieser Kanal hatte kein Abonnement. Es wurde nichts geändert.',
    );
  });

  it('someone who is not a feed admin is refused in German, naming the admin group', async () => {
    const channel = newChannel();
    expect(await say(lee, channel, 'subscribe Global Administrator')).toBe(
      'Nur Mitglieder der Gruppe PIM Approvers können das Abonnement dieses Kanals ändern. Fragen Sie eines der Mitglieder.',
    );
    expect(await stored(channel)).toBeUndefined();
  });
});

describe("the bot's own replies for a German user (HTTP)", () => {
  it('"cancel" with nothing to cancel, in the 1:1 chat', async () => {
    h.newConversations();
    h.connector.reset();
    await h.say(lee, 'cancel', GERMAN);
    expect(h.connector.sentTexts()).toEqual(['Es gibt nichts abzubrechen.']);
  });

  it('subscriptions asked in a group chat: German, the command quoted as typed', async () => {
    h.connector.reset();
    await h.say(lee, '<at>PIM Bot</at> subscriptions', {
      ...GERMAN,
      conversation: { id: '19:de-group@thread.v2', conversationType: 'groupChat', isGroup: true, name: '' },
    });
    expect(h.connector.sentTexts()).toEqual([
      'Abonnements funktionieren in einem Teamkanal: Erwähnen Sie mich dort mit @ und „subscribe“.',
    ]);
  });

  it('anything else in a channel: the help card introduced in German', async () => {
    h.connector.reset();
    await say(lee, newChannel(), 'hello');
    expect(h.connector.sentTexts().join('\n')).toContain(
      'Schreiben Sie mir in einem 1:1-Chat, um Rollen zu aktivieren. Ich kann:',
    );
  });

  it('activate asked in a channel: the 1:1 chat opens in German, nesting who reads the justification', async () => {
    h.connector.reset();
    const channel = { id: '19:de-approvals@thread.tacv2;messageid=1', conversationType: 'channel', isGroup: true };
    await h.say(adele, '<at>PIM Bot</at> activate Exchange Administrator', {
      ...GERMAN,
      conversation: { ...channel, tenantId: demoTenant.tenantId, name: 'Genehmigungen' },
    });
    const create = h.connector.calls.find((c) => c.operation === 'createConversation');
    const inPersonal = h.connector.calls.filter(
      (c) => c.conversationId === create?.conversationId && c.operation !== 'createConversation',
    );
    // The first message in the new chat.
    expect(visibleText(inPersonal[0]?.body)).toBe(
      'Sie haben mich in einem Kanal gefragt; machen wir in unserem 1:1-Chat weiter. ' +
        'Ihre Begründung geht an PIM und an Ihre genehmigenden Personen (in deren Chats und Genehmigungskanälen); ' +
        'ein Kanal-Feed zeigt sie nur, wenn ein Administrator den Kanal mit „with details“ abonniert hat.',
    );
  });

  it('"Activate again" on an activation that is not theirs: the card in German', async () => {
    h.newConversations();
    h.connector.reset();
    await h.say(megan, '', { ...GERMAN, value: { pimbot: 'activateAgain', requestId: 'no-such-request' } });
    const shown = h.connector.sentActivities().map(visibleText).join('\n');
    expect(shown).toContain('Nicht möglich');
    expect(shown).toContain('Diese Aktivierung ist PIM Bot nicht bekannt, oder sie gehört nicht Ihnen.');
    expect(shown).toContain('Geben Sie „roles“ ein und wählen Sie die Rolle aus, um sie zu aktivieren.');
  });
});
