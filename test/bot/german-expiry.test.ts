import { describe, expect, it } from 'vitest';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { cardActions, visibleText } from '../support/bot-harness';
import { useBotHarness } from '../support/use-bot-harness';

/**
 * Issue 15, "two languages": the end of an activation in German for a requester whose Teams client is de-DE —
 * the proactive expiry warning (sent by a job, with no incoming message to take the locale from: it comes from
 * the chat the request was made in) and the card of an activation queued to follow the running one. Expected
 * words are the German resources' as a German admin reads them, written out; durations are Intl's ("15 Minuten").
 */

const { requester: adele } = demoUsers;
const WARNING_MINUTES = 15;
const GERMAN = { locale: 'de-DE' };
const h = useBotHarness({ config: { EXPIRY_WARNING_MINUTES: String(WARNING_MINUTES) }, botPerTest: true });

const inAdeleChat = () => h.connector.calls.filter((c) => c.conversationId.startsWith(h.personalConversationId(adele)));

describe('the end of an activation, in German', () => {
  it('the expiry warning and the queued "activate again" card are German', async () => {
    await h.say(adele, 'activate Exchange Administrator 2h INC-42 Postfachregeln korrigieren', GERMAN);
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    expect(confirm).toBeDefined();
    await h.say(adele, '', { ...GERMAN, value: confirm!.data });
    const activation = h.stack.graph.snapshot().activations.find((a) => a.principalId === adele.id && a.isActive);
    const end = new Date(activation!.endDateTime as string);

    h.stack.clock.set(new Date(end.getTime() - WARNING_MINUTES * 60_000));
    await h.jobs.runDue();
    const warning = inAdeleChat()
      .filter((c) => c.operation !== 'update')
      .find((c) => cardActions(c.body).some((a) => a.data?.pimbot === 'activateAgain'));
    expect(warning, h.connector.sentTexts().join('\n---\n')).toBeDefined();
    const text = visibleText(warning!.body);
    expect(text).toContain('Endet in 15 Minuten');
    expect(text).toContain('Aktiv bis');
    expect(cardActions(warning!.body).map((a) => a.title)).toEqual(
      expect.arrayContaining(['Jetzt deaktivieren', 'Erneut aktivieren']),
    );

    h.connector.reset();
    const again = cardActions(warning!.body).find((a) => a.data?.pimbot === 'activateAgain')!;
    await h.say(adele, '', { ...GERMAN, value: again.data });
    const queued = visibleText(h.connector.calls.at(-1)?.body);
    expect(queued).toMatch(/Wird um .* erneut aktiviert/);
    expect(queued).toContain('für 2 Stunden erneut aktiviert');
  });
});
