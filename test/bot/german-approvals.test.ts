import type { Activity } from 'botbuilder';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoGroups, demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { assertValidCard } from '../cards/card-validation';
import { type BotHarness, cardActions, startBotHarness, visibleText } from '../support/bot-harness';
import { tenantWhereMeganApproves } from '../support/approval-tenant';

/**
 * Issue 15, "two languages", for the cards approvers and channels read, through the real bot over HTTP (capture
 * connector, Graph simulator): each person reads their own Teams locale (remembered from their last message, or
 * the locale of the click), a channel the locale of whoever subscribed it. Expected words are the German resources
 * (src/i18n/locales/de/approval.json, inbox.json, feed.json, requestStatus.json), written out here as the spec;
 * durations are CLDR's German units ("2 Stunden", "2 Std.").
 */

const { requester: adele, approver: megan, secondApprover: nestor } = demoUsers;
const GERMAN = { locale: 'de-DE' };

/** Exchange and SharePoint Administrator need Megan's approval (justification only): the inbox's requests. */
const INBOX_ROLES: string[] = [demoRoles.exchangeAdministrator, demoRoles.sharePointAdministrator];
const inboxTenant = tenantWhereMeganApproves(INBOX_ROLES);

let h: BotHarness;
let channels = 0;

beforeAll(async () => {
  h = await startBotHarness({ FEED_ADMIN_GROUP_ID: demoGroups.pimApprovers.id, WATCHER_INTERVAL_SECONDS: '0' });
});
afterAll(async () => h?.close());
afterEach(() => {
  expect(h.violations, h.contractReport()).toEqual([]);
  expect(h.connector.unmatched).toEqual([]);
  for (const call of h.connector.calls) {
    const activity = (call.body.activity as Partial<Activity> | undefined) ?? call.body;
    for (const a of activity.attachments ?? []) {
      if (a.contentType === 'application/vnd.microsoft.card.adaptive') assertValidCard(a.content);
    }
  }
});

type Card = Record<string, unknown>;
const asActivity = (card: Card) => ({
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
});
const invokeCard = (body: unknown) => (body as { value: Card }).value;
const textOf = (card: Card) => visibleText(asActivity(card));

function callsIn(conversationId: string) {
  return h.connector.calls.filter(
    (c) => !c.failedWith && (c.conversationId === conversationId || c.conversationId.startsWith(`${conversationId};`)),
  );
}
const approvalCardFor = (user: FixtureUser) =>
  callsIn(h.personalConversationId(user)).find((c) => cardActions(c.body).some((a) => a.verb === 'approve'))?.body;
const textsIn = (user: FixtureUser) =>
  callsIn(h.personalConversationId(user))
    .map((c) => visibleText(c.body))
    .join('\n');

/** `user` asks through the bot for a role that needs approval and confirms; resolves with PIM's request id. */
async function askThroughBot(user: FixtureUser, text: string): Promise<string> {
  const before = new Set(h.stack.graph.snapshot().requests.map((r) => r.id));
  await h.say(user, text);
  const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
  expect(confirm).toBeDefined();
  await h.submit(user, confirm!.data!);
  const request = h.stack.graph
    .snapshot()
    .requests.find((r) => !before.has(r.id as string) && r.principalId === user.id && r.status === 'PendingApproval');
  expect(request).toBeDefined();
  return request!.id as string;
}

describe('the approval card in each reader’s language (HTTP)', () => {
  it('a German approver gets it in German, an English approver and the English requester in English', async () => {
    h.stack.graph.loadFixture(demoTenant);
    h.newConversations();
    // The approvers talked to the bot before: Megan's Teams client is German, Nestor's English (remembered).
    await h.say(megan, 'help', GERMAN);
    await h.say(nestor, 'help');
    h.connector.reset();
    const requestId = await askThroughBot(adele, 'activate Global Administrator 2h CHG-1042 conditional access change');

    const german = visibleText(approvalCardFor(megan));
    for (const words of [
      'Genehmigung erforderlich',
      'Microsoft Entra-Rolle',
      'Angefordert von',
      'Bereich',
      'Verzeichnis (mandantenweit)',
      'Dauer',
      '2 Stunden',
      'Begründung',
      'conditional access change',
      'Entscheiden bis',
      '⚠ Global Administrator ist eine der Rollen mit den meisten Berechtigungen.',
      'Kommentar (zum Ablehnen erforderlich)',
      'Genehmigen',
      'Ablehnen',
    ])
      expect(german).toContain(words);
    expect(german).not.toMatch(/Approval needed|Requested by|Decide by|hours/);

    const english = visibleText(approvalCardFor(nestor));
    expect(english).toContain('Approval needed');
    expect(english).toContain('Directory (tenant-wide)');
    expect(english).toContain('2 hours');
    expect(english).toContain('⚠ Global Administrator is one of the most privileged roles.');
    expect(textsIn(adele)).toContain('Waiting for approval');

    // Deny without a reason, from a German client: the answer is in German, nothing was decided.
    const refused = await h.invoke(megan, 'deny', { pimbot: 'deny', requestId }, GERMAN);
    expect(textOf(invokeCard(refused.body))).toContain('Zum Ablehnen ist eine Begründung erforderlich.');

    h.connector.reset();
    const approved = await h.invoke(megan, 'approve', { pimbot: 'approve', requestId }, GERMAN);
    const answer = textOf(invokeCard(approved.body));
    expect(answer).toContain('Genehmigt');
    expect(answer).toContain('Genehmigt von');
    expect(answer).toContain('Megan Bowen');
    expect(answer).not.toContain('Genehmigen');
    // The requester's own card and message stay English.
    const adeles = textsIn(adele);
    expect(adeles).toContain('Megan Bowen approved your request for Global Administrator.');
    expect(adeles).toMatch(/Approved by Megan Bowen/);
    expect(adeles).not.toMatch(/Genehmigt|Angefordert/);
    // Nestor's copy is updated for him, in English.
    const nestors = callsIn(h.personalConversationId(nestor)).filter((c) => c.operation === 'update');
    expect(visibleText(nestors.at(-1)?.body)).toContain('Approved by');
  });
});

describe('the inbox in German (HTTP)', () => {
  async function inboxOf(locale: string): Promise<Card> {
    h.connector.reset();
    await h.say(megan, 'pending', { locale });
    const content = h.connector.calls.at(-1)?.body.attachments?.[0]?.content as Card;
    expect(content).toBeDefined();
    return content;
  }
  async function twoRequests(): Promise<string[]> {
    h.stack.graph.loadFixture(inboxTenant);
    const first = await askThroughBot(adele, 'activate Exchange Administrator 1h rotate connector certificate');
    h.stack.clock.advance(60_000);
    const second = await askThroughBot(adele, 'activate SharePoint Administrator 1h site collection cleanup');
    return [first, second];
  }

  it('lists, decides and recounts in German', async () => {
    const [first] = await twoRequests();
    const card = await inboxOf('de-DE');
    const text = textOf(card);
    for (const words of [
      'Wartet auf Ihre Genehmigung',
      '2 wartend',
      'Angefordert von Adele Vance, ',
      'Dauer',
      '1 Stunde',
      'Entscheiden bis',
      '⚠ Die anfordernde Person hat 1 weitere wartende Anforderung.',
      'Kommentar (zum Ablehnen erforderlich)',
    ])
      expect(text).toContain(words);
    const approve = cardActions(asActivity(card)).find((a) => a.verb === 'inboxApprove')!;
    expect(approve.title).toBe('Genehmigen');
    expect(approve.data?.requestId).toBe(first);

    const { body } = await h.invoke(megan, 'inboxApprove', approve.data!, GERMAN);
    const after = textOf(invokeCard(body));
    expect(after).toMatch(/Von Ihnen genehmigt um \d\d:\d\d MES?Z\./);
    expect(after).toContain('1 wartend');
    // Her other request no longer waits: the line is gone from the one left.
    expect(after).not.toContain('weitere wartende');
  });

  it('the "other requests waiting" line follows the decisions (English)', async () => {
    await twoRequests();
    const card = await inboxOf('en-GB');
    expect(textOf(card)).toContain('⚠ The requester has 1 other request waiting.');
    const approve = cardActions(asActivity(card)).find((a) => a.verb === 'inboxApprove')!;
    const { body } = await h.invoke(megan, 'inboxApprove', approve.data!);
    expect(textOf(invokeCard(body))).toContain('1 waiting');
    expect(textOf(invokeCard(body))).not.toContain('other request');
    // Paging answers recount too.
    const page = await h.invoke(megan, 'inboxPage', { pimbot: 'inboxPage', page: '0' });
    expect(textOf(invokeCard(page.body))).not.toContain('other request');
  });
});

describe('a channel feed in the language it was subscribed in (HTTP)', () => {
  async function subscribe(locale: string): Promise<string> {
    const channel = `19:de-feed-${++channels}@thread.tacv2`;
    await h.say(megan, '<at>PIM Bot</at> subscribe Exchange Administrator', {
      locale,
      conversation: {
        id: `${channel};messageid=1`,
        conversationType: 'channel',
        tenantId: demoTenant.tenantId,
        isGroup: true,
        name: 'Ops',
      },
      channelData: { channel: { id: channel }, tenant: { id: demoTenant.tenantId } },
    });
    return channel;
  }
  const postsIn = (channel: string) =>
    h.connector.calls.filter(
      (c) =>
        c.operation === 'createConversation' &&
        (c.body.channelData as { channel?: { id?: string } })?.channel?.id === channel,
    );
  const updatesIn = (channel: string) =>
    h.connector.calls.filter((c) => c.operation === 'update' && c.conversationId.startsWith(`${channel};`));

  it('subscribed with de-DE: German cards, posted and updated; a channel subscribed in English stays English', async () => {
    h.stack.graph.loadFixture(demoTenant);
    const german = await subscribe('de-DE');
    const english = await subscribe('en-GB');
    h.newConversations();
    await h.say(adele, 'activate Exchange Administrator 2h INC-42 fix mailbox rules');
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    h.connector.reset();
    await h.submit(adele, confirm!.data!);

    expect(postsIn(german)).toHaveLength(1);
    const posted = visibleText(postsIn(german)[0]!.body.activity as Partial<Activity>);
    for (const words of [
      'Rollenaktivierung',
      'Microsoft Entra-Rolle',
      'Aktiv',
      'Wer',
      'Adele Vance',
      'Bereich',
      'Verzeichnis (mandantenweit)',
      'Dauer',
      '2 Stunden',
      'Beginn',
      'Ende',
      'in 2 Std. (',
      'Genehmigung',
      'Keine Genehmigung erforderlich',
    ])
      expect(posted).toContain(words);
    expect(posted).not.toMatch(/Role activation|No approval needed|hours/);
    const englishPost = visibleText(postsIn(english)[0]?.body.activity as Partial<Activity>);
    expect(englishPost).toContain('Role activation');
    expect(englishPost).toContain('No approval needed');

    h.stack.clock.advance(6 * 60_000);
    h.connector.reset();
    await h.say(adele, 'deactivate exchange');
    const updated = visibleText(updatesIn(german).at(-1)?.body);
    expect(updated).toContain('Deaktiviert');
    expect(updated).toContain('Deaktiviert um');
    expect(visibleText(updatesIn(english).at(-1)?.body)).toContain('Deactivated at');
  });
});
