import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { assertValidCard } from '../cards/card-validation';
import { type BotHarness, cardActions, startBotHarness, visibleText } from '../support/bot-harness';

/**
 * Issue 15, "two languages": a German Teams client (activity.locale de-DE) asks for a role and reads the whole
 * activation in German — the form (labels, durations in Intl's German units, the policy's approval line, the
 * server's findings), the text dialog's questions and its confirmation card. The expected words are German as
 * a German admin reads them (docs/i18n.md's glossary), written out here; durations are CLDR's ("8 Stunden").
 * Role names are the tenant's data and stay as they are.
 */

const { requester: adele } = demoUsers;
const key = (roleDefinitionId: string, scope = '/') => `role:${roleDefinitionId}:${scope}`;
const GERMAN = { locale: 'de-DE' };
let h: BotHarness;

beforeAll(async () => {
  h = await startBotHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.stack.graph.loadFixture(demoTenant);
  h.connector.reset();
  h.newConversations();
});
afterEach(() => {
  expect(h.violations, h.contractReport()).toEqual([]);
  for (const call of h.connector.calls) {
    for (const attachment of call.body.attachments ?? []) {
      if (attachment.contentType === 'application/vnd.microsoft.card.adaptive') assertValidCard(attachment.content);
    }
  }
});

type Json = Record<string, unknown>;
const adaptive = (call: (typeof h.connector.calls)[number]) =>
  (call.body.attachments ?? []).map((a) => a.content as Json).filter((c) => c?.type === 'AdaptiveCard');
/** The last form card the bot sent or updated, and the id of its message. */
function lastForm(): { card: Json; id: string } {
  const call = h.connector.calls
    .filter((c) => adaptive(c).some((a) => JSON.stringify(a).includes('"form-title"')))
    .at(-1);
  expect(call, h.connector.sentTexts().join('\n---\n')).toBeDefined();
  return { card: adaptive(call!)[0]!, id: call!.activityId ?? call!.answeredId ?? '' };
}
const dataOf = (card: Json, pimbot: string) =>
  cardActions({ attachments: [{ contentType: 'x', content: card }] }).find((a) => a.data?.pimbot === pimbot)!.data!;
const cardText = (card: Json) =>
  visibleText({ attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] });
async function click(pimbot: string, inputs: Json): Promise<void> {
  const { card, id } = lastForm();
  h.connector.reset();
  await h.say(adele, '', { ...GERMAN, value: { ...dataOf(card, pimbot), ...inputs }, replyToId: id });
}

describe('the activation form in German', () => {
  it('the role step: title, label, placeholder and buttons in German; role names as the tenant has them', async () => {
    await h.say(adele, 'activate', GERMAN);
    const text = cardText(lastForm().card);
    expect(text).toContain('Rolle oder Gruppe aktivieren');
    expect(text).toContain('Rolle oder Gruppe');
    expect(text).toContain('Weiter');
    expect(text).toContain('Abbrechen');
    // Adele is eligible for Authentication Administrator tenant-wide and at the Sales AU (demo tenant).
    expect(text).toContain('Authentication Administrator — gesamtes Verzeichnis');
    expect(text).toContain('Authentication Administrator — Sales AU');
    expect(text).not.toMatch(/Activate a role|Next\b|whole directory/);
  });

  it('shaped for Exchange Administrator (PT8H, MFA, justification): German durations and fields', async () => {
    await h.say(adele, 'activate', GERMAN);
    await click('activationFormRole', { role: key(demoRoles.exchangeAdministrator) });
    const text = cardText(lastForm().card);
    expect(text).toContain('Wie lange (höchstens 8 Stunden)');
    expect(text).toContain('30 Minuten');
    expect(text).toContain('1 Stunde');
    expect(text).toContain('Begründung');
    expect(text).toContain('Keine Genehmigung nötig: Die Rolle ist aktiv, sobald Sie bestätigen.');
    expect(text).toContain('Aktivieren');
    expect(text).not.toMatch(/How long|hours?\b|Justification/);
  });

  it("the server's findings are German: too long, and no justification", async () => {
    await h.say(adele, 'activate', GERMAN);
    await click('activationFormRole', { role: key(demoRoles.exchangeAdministrator) });
    await click('activationForm', { role: key(demoRoles.exchangeAdministrator), durationCustom: '9h' });
    const text = cardText(lastForm().card);
    expect(text).toContain('Bitte prüfen Sie die unten markierten Felder.');
    expect(text).toContain('Exchange Administrator erlaubt höchstens 8 Stunden.');
    expect(text).toContain('Bitte geben Sie eine kurze Begründung an.');
    expect(h.stack.graph.snapshot().requests.filter((r) => r.action === 'selfActivate')).toHaveLength(0);
  });
});

describe('the text dialog in German (a one-liner that leaves the duration open)', () => {
  it('asks how long in German, refuses too much in German, then confirms on a German card', async () => {
    await h.say(adele, 'activate Exchange Administrator', GERMAN);
    expect(h.connector.sentTexts().join('\n')).toContain(
      'Wie lange benötigen Sie Exchange Administrator? Höchstens 8 Stunden (z. B. 2h, 90m oder 1.5 hours).',
    );
    h.connector.reset();
    await h.say(adele, '9h', GERMAN);
    expect(h.connector.sentTexts().join('\n')).toContain(
      'Exchange Administrator erlaubt höchstens 8 Stunden. Wie lange benötigen Sie die Rolle?',
    );
    await h.say(adele, '2h', GERMAN);
    h.connector.reset();
    await h.say(adele, 'Postfachregeln korrigieren', GERMAN);
    const confirmation = h.connector.calls.flatMap(adaptive).at(-1)!;
    const text = cardText(confirmation);
    expect(text).toContain('Jetzt aktivieren?');
    expect(text).toContain('2 Stunden');
    expect(text).toContain('Keine Genehmigung nötig');
    expect(text).toContain('Postfachregeln korrigieren');
  });
});
