import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { cardActions, visibleText } from '../support/bot-harness';
import { useBotHarness } from '../support/use-bot-harness';

/**
 * Every time a person reads is in their own time zone (issue 15): the zone each Teams client sends
 * (`localTimezone`, or the clientInfo entity) is remembered per user, so cards sent to them proactively, in
 * someone else's turn, use it. Expected times come straight from Intl.DateTimeFormat (ECMA-402) with the zone,
 * never from the bot's formatter.
 */

const { requester: adele, approver: megan, secondApprover: nestor } = demoUsers;
const NEW_YORK = { localTimezone: 'America/New_York', locale: 'en-US' };
const h = useBotHarness();

/** "14:05 CET": hour and minute in `timeZone` as ECMA-402 writes them for `locale`. */
function clock(at: Date, timeZone: string, locale = 'en-GB'): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZoneName: 'short',
  }).format(at);
}
/** The same for each minute of [from, to]: the tenant clock runs on while the bot works. */
function clocks(from: Date, to: Date, timeZone: string, locale = 'en-GB'): string[] {
  const out = new Set<string>();
  for (let t = from.getTime() - 60_000; t <= to.getTime() + 60_000; t += 30_000)
    out.add(clock(new Date(t), timeZone, locale));
  return [...out];
}
const containsOneOf = (text: string, options: string[]) => options.some((o) => text.includes(o));

function callsIn(conversationId: string) {
  return h.connector.calls.filter((c) => c.conversationId === conversationId && !c.failedWith);
}
function approvalCardFor(user: typeof megan): Partial<Activity> | undefined {
  return callsIn(h.personalConversationId(user)).find((c) => cardActions(c.body).some((a) => a.verb === 'approve'))
    ?.body;
}

describe('approval cards and status updates in each reader’s zone', () => {
  it('the approver (Tokyo, from clientInfo only) and the requester (New York) each see their own zone on cards sent in the other one’s turn', async () => {
    // Megan's client reports her zone only in the clientInfo entity; Nestor's says Europe/Berlin (the harness).
    await h.say(megan, 'help', {
      localTimezone: undefined,
      locale: undefined,
      entities: [{ type: 'clientInfo', timezone: 'Asia/Tokyo', locale: 'en-GB', platform: 'web', country: 'JP' }],
    });
    await h.say(nestor, 'help');
    h.connector.reset();

    const before = h.stack.clock.now();
    await h.say(adele, 'activate Global Administrator 2h CHG-1042 conditional access change', NEW_YORK);
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    expect(confirm).toBeDefined();
    await h.say(adele, '', { ...NEW_YORK, value: confirm!.data! });
    const after = h.stack.clock.now();

    // The approval cards were sent during Adele's turn (New York): each approver's shows their own zone.
    const forMegan = visibleText(approvalCardFor(megan));
    const forNestor = visibleText(approvalCardFor(nestor));
    expect(containsOneOf(forMegan, clocks(before, after, 'Asia/Tokyo')), forMegan).toBe(true);
    expect(containsOneOf(forNestor, clocks(before, after, 'Europe/Berlin')), forNestor).toBe(true);
    for (const text of [forMegan, forNestor]) {
      expect(containsOneOf(text, clocks(before, after, 'America/New_York', 'en-US'))).toBe(false);
      expect(containsOneOf(text, clocks(before, after, 'UTC'))).toBe(false);
    }

    // Megan approves (her turn, Berlin per the harness' activity): Adele's status card update is in New York time.
    const requestId = h.stack.graph
      .snapshot()
      .requests.find((r) => r.principalId === adele.id && r.status === 'PendingApproval')?.id as string;
    h.connector.reset();
    await h.invoke(megan, 'approve', { pimbot: 'approve', requestId });
    h.stack.clock.advance(60_000);
    await h.jobs.runDue();
    const activation = h.stack.graph
      .snapshot()
      .activations.find((a) => a.principalId === adele.id && a.isActive === true);
    expect(activation).toBeDefined();
    const end = new Date(activation!.endDateTime as string);
    const adeleCards = callsIn(h.personalConversationId(adele)).map((c) => visibleText(c.body));
    const until = clock(end, 'America/New_York', 'en-US');
    expect(
      adeleCards.some((t) => t.includes(until)),
      adeleCards.join('\n---\n'),
    ).toBe(true);
    expect(adeleCards.some((t) => t.includes(clock(end, 'Europe/Berlin')))).toBe(false);
  });

  it('a turn whose client sends no zone keeps the one remembered from before (not overwritten, not UTC)', async () => {
    await h.say(nestor, 'help', { localTimezone: 'Asia/Kolkata' });
    await h.say(nestor, 'help', { localTimezone: undefined, locale: undefined });
    h.connector.reset();
    const before = h.stack.clock.now();
    await h.say(adele, 'activate Global Administrator 2h CHG-1042 conditional access change', NEW_YORK);
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    await h.say(adele, '', { ...NEW_YORK, value: confirm!.data! });
    const after = h.stack.clock.now();
    const forNestor = visibleText(approvalCardFor(nestor));
    expect(containsOneOf(forNestor, clocks(before, after, 'Asia/Kolkata')), forNestor).toBe(true);
  });
});

describe('active list', () => {
  it('shows the time left and the end in the reader’s zone', async () => {
    await h.say(adele, 'activate Exchange Administrator 2h INC-42 fix mailbox rules', NEW_YORK);
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    await h.say(adele, '', { ...NEW_YORK, value: confirm!.data! });
    const activation = h.stack.graph
      .snapshot()
      .activations.find((a) => a.principalId === adele.id && a.isActive === true);
    const end = new Date(activation!.endDateTime as string);
    h.stack.clock.set(new Date(end.getTime() - 80 * 60_000));
    h.connector.reset();

    await h.say(adele, 'active', NEW_YORK);
    const text = visibleText(h.connector.calls.at(-1)?.body);
    // ECMA-402 units: 1 hour and 20 minutes, short, as en-US writes them, joined as a unit list.
    const unit = (u: string, n: number) =>
      new Intl.NumberFormat('en-US', { style: 'unit', unit: u, unitDisplay: 'short' }).format(n);
    const left = new Intl.ListFormat('en-US', { type: 'unit', style: 'narrow' }).format([
      unit('hour', 1),
      unit('minute', 20),
    ]);
    expect(text).toContain(`${left} left`);
    expect(text).toContain(clock(end, 'America/New_York', 'en-US'));
  });
});
