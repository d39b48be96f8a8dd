import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConversationReference,
  MemoryStorage,
} from 'botbuilder';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Notice } from '../../src/notifications/messenger';
import { newRequest } from '../../src/requests/pim-request';
import { ConversationReferenceStore } from '../../src/teams/conversation-references';
import { TeamsMessenger } from '../../src/teams/teams-messenger';
import { type CaptureConnector, startCaptureConnector } from '../support/capture-connector';

/**
 * Proactive sends and updates over a real CloudAdapter against a capture server playing the Bot
 * Connector. botbuilder hands errors of proactive logic to onTurnError and swallows them; the
 * messenger must report them to its caller instead (so a job can retry, and nothing is posted).
 */

let connector: CaptureConnector;
let adapter: CloudAdapter;
const turnErrors: unknown[] = [];

beforeAll(async () => {
  connector = await startCaptureConnector();
  adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = async (context, error) => {
    turnErrors.push(error);
    await context.sendActivity('Sorry, something went wrong on my side.');
  };
});
afterAll(async () => connector?.close());
beforeEach(() => {
  connector.reset();
  turnErrors.length = 0;
});

const chat = (): Partial<ConversationReference> => ({
  channelId: 'msteams',
  serviceUrl: connector.serviceUrl,
  bot: { id: '28:pim-bot', name: 'PIM Bot' },
  conversation: { id: 'a:adele', isGroup: false, conversationType: 'personal', name: '', tenantId: 't1' },
});

const request = newRequest({
  id: 'req-1',
  target: { kind: 'role', roleDefinitionId: 'r', directoryScopeId: '/', displayName: 'Exchange Administrator' },
  requester: { aadObjectId: 'adele', name: 'Adele Vance' },
  durationMinutes: 60,
  requestedAt: '2026-11-22T09:00:00Z',
  status: 'pendingApproval',
});
/** A notice Teams shows as plain text. */
const reminder: Notice = { kind: 'approvalReminder', request };
const messenger = () => new TeamsMessenger(adapter, '', new ConversationReferenceStore(new MemoryStorage()));

describe('TeamsMessenger', () => {
  it('send returns the id the connector gave the activity', async () => {
    const posted = await messenger().send(chat(), reminder);
    expect(posted.activityId).toBe(connector.calls[0]?.answeredId);
    expect(connector.sentTexts()).toEqual([
      'Reminder: Adele Vance is still waiting for your decision on Exchange Administrator.',
    ]);
  });

  it('a failed card update rejects with the connector error; onTurnError is not involved and nothing is posted', async () => {
    connector.failNext(404, 'NotFound');
    await expect(messenger().update({ conversation: chat(), activityId: 'gone' }, reminder)).rejects.toMatchObject({
      statusCode: 404,
    });
    expect(turnErrors).toEqual([]);
    expect(connector.calls.filter((c) => c.operation !== 'update')).toEqual([]);
  });

  it('a 1:1 chat the connector cannot send into rejects with its error, without a "Sorry" message', async () => {
    // The chat is created, then the send into it fails (the Agents Playground answers "User not found").
    connector.failNext(404, 'UserNotFound', 'reply');
    const sending = messenger().sendToPerson(
      { aadObjectId: 'nestor', name: 'Nestor Wilke', mri: '29:nestor' },
      reminder,
      chat(),
    );
    await expect(sending).rejects.toMatchObject({ statusCode: 404 });
    expect(turnErrors).toEqual([]);
    expect(connector.sentTexts().join('\n')).not.toMatch(/Sorry/);
  });

  it('a channel post goes through the given conversation, else the remembered one, else the fallback', async () => {
    // Two Teams clients with two services (the demo's two Playgrounds): a subscription names the one its
    // subscriber reads the channel through, whoever spoke in the channel last.
    const other = await startCaptureConnector();
    try {
      const channel = '19:general@thread.tacv2';
      const inChannel = (serviceUrl: string): Partial<ConversationReference> => ({
        channelId: 'msteams',
        serviceUrl,
        bot: { id: '28:pim-bot', name: 'PIM Bot' },
        conversation: { id: channel, isGroup: true, conversationType: 'channel', name: '', tenantId: 't1' },
      });
      const refs = new ConversationReferenceStore(new MemoryStorage());
      const messenger = new TeamsMessenger(adapter, '', refs);
      await messenger.postToChannel(channel, reminder, { fallback: inChannel(connector.serviceUrl) });
      expect(connector.calls.map((c) => c.operation)).toEqual(['createConversation']);

      await refs.rememberChannel(channel, inChannel(other.serviceUrl));
      await messenger.postToChannel(channel, reminder, { fallback: inChannel(connector.serviceUrl) });
      expect(other.calls.map((c) => c.operation)).toEqual(['createConversation']);

      await messenger.postToChannel(channel, reminder, { via: inChannel(connector.serviceUrl) });
      expect(connector.calls.map((c) => c.operation)).toEqual(['createConversation', 'createConversation']);
      expect(other.calls).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});
