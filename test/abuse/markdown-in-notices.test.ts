import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { demoGroups, demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser, TenantFixture } from '../../simulators/tenant/tenant-fixture';
import { cardActions } from '../support/bot-harness';
import { useBotHarness } from '../support/use-bot-harness';

/**
 * Issue 13, finding 6: display names, role names and an approver's comment were put as they are into plain
 * messages, which Teams renders as markdown and a subset of HTML: `[click](https://evil)` became a link "from PIM
 * Bot", `<at>…</at>` a mention, `# …` a heading. Through the real bot (HTTP in, capture connector out), with a
 * tenant whose names are hostile: every plain message must say textFormat 'plain' and carry no markup at all.
 */

const HOSTILE_REQUESTER = 'Adele [click me](https://evil.example/a) <at>Megan Bowen</at>';
const HOSTILE_APPROVER = 'Nestor ![pixel](https://evil.example/p.png) <img src=x onerror=alert(1)>';
const HOSTILE_ROLE = 'Global Administrator **now** <a href="https://evil.example/r">docs</a>';
const HOSTILE_EXCHANGE = 'Exchange Administrator [admin](https://evil.example/e) <at>Adele</at>';
const HOSTILE_COMMENT =
  '# Denied\n[re-apply here](https://evil.example/c) <at>Adele</at> <script>alert(1)</script> _x_ ~~y~~ `z` > quote &lt;b&gt;';

/** Characters and sequences that make markup in a Teams text message (markdown, HTML, mentions, entities). */
const MARKUP = [/[[\]<>*_~`\\]/, /:\/\//, /(^|\n)\s*#/, /&#?[0-9a-z]+;/i];

const adele: FixtureUser = { ...demoUsers.requester, displayName: HOSTILE_REQUESTER };
const megan: FixtureUser = demoUsers.approver;
const nestor: FixtureUser = { ...demoUsers.secondApprover, displayName: HOSTILE_APPROVER };
const hostileTenant: TenantFixture = {
  ...demoTenant,
  users: demoTenant.users.map((u) => (u.id === adele.id ? adele : u.id === nestor.id ? nestor : u)),
  roleDefinitions: demoTenant.roleDefinitions.map((r) =>
    r.id === demoRoles.globalAdministrator
      ? { ...r, displayName: HOSTILE_ROLE }
      : r.id === demoRoles.exchangeAdministrator
        ? { ...r, displayName: HOSTILE_EXCHANGE }
        : r,
  ),
};

// Each test starts from the hostile tenant afresh (no request or activation of another test in Graph) in new chats.
const h = useBotHarness({ config: { FEED_ADMIN_GROUP_ID: demoGroups.pimApprovers.id }, tenant: hostileTenant });

/** The text messages (no card) the bot sent. */
function plainMessages(): Partial<Activity>[] {
  return h.connector
    .sentActivities()
    .filter((a) => (a.type ?? 'message') === 'message' && !a.attachments?.length && typeof a.text === 'string');
}

describe('plain-text notices with hostile names and comments', () => {
  it('the reminder and the denial reach their readers as plain text, with no markup left', async () => {
    await h.say(megan, 'help');
    await h.say(nestor, 'help');
    await h.say(adele, 'activate Global Administrator 2h CHG-1042 conditional access change');
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    expect(confirm).toBeDefined();
    await h.submit(adele, confirm!.data!);
    const request = h.stack.graph
      .snapshot()
      .requests.find((r) => r.principalId === adele.id && r.roleDefinitionId === demoRoles.globalAdministrator);
    expect(request?.status).toBe('PendingApproval');
    const requestId = request!.id as string;
    h.connector.reset();

    // The reminder (requester and role names), one hour in.
    h.stack.clock.advance(61 * 60_000);
    await h.jobs.runDue();
    // The denial (approver name, role name, the comment).
    const denied = await h.invoke(nestor, 'deny', { pimbot: 'deny', requestId, comment: HOSTILE_COMMENT });
    expect(denied.status).toBe(200);
    expect(h.stack.graph.snapshot().requests.find((r) => r.id === requestId)?.status).toBe('Denied');

    const messages = plainMessages();
    const texts = messages.map((m) => m.text ?? '');
    const reminders = texts.filter((t) => t.startsWith('Reminder:'));
    const denials = texts.filter((t) => t.includes('denied your request'));
    const withMarkup = texts.filter((t) => MARKUP.some((p) => p.test(t)));
    const notPlain = messages.filter((m) => m.textFormat !== 'plain');
    console.log(
      `hostile names/comment: ${messages.length} plain messages (${reminders.length} reminders, ${denials.length} denial), ` +
        `${withMarkup.length} with markup left, ${notPlain.length} without textFormat plain`,
    );
    expect(reminders).toHaveLength(2); // one per approver
    expect(denials).toHaveLength(1);
    expect(withMarkup).toEqual([]);
    expect(notPlain).toEqual([]);
    // Neutralised, not dropped: the reader still sees the words.
    expect(reminders[0]).toMatch(/Adele .click me.\(https：\/\/evil\.example\/a\)/);
    expect(reminders[0]).toMatch(/Global Administrator .{2}now.{2} .a href="https：\/\/evil\.example\/r".docs./);
    expect(denials[0]).toMatch(/re-apply here/);
    expect(denials[0]).toMatch(/^Nestor /);
  });

  it('channel replies echo a hostile filter as plain text with no markup', async () => {
    const channel = '19:general@thread.tacv2';
    h.connector.reset();
    await h.say(megan, '<at>PIM Bot</at> subscribe [Exchange](https://evil.example/f) <at>Adele</at>, # Heads', {
      conversation: {
        id: `${channel};messageid=1`,
        conversationType: 'channel',
        tenantId: demoTenant.tenantId,
        isGroup: true,
        name: 'General',
      },
      channelData: { channel: { id: channel }, tenant: { id: demoTenant.tenantId } },
    });
    const messages = plainMessages();
    const withMarkup = messages.filter((m) => MARKUP.some((p) => p.test(m.text ?? '')));
    console.log(`hostile subscribe filter: ${messages.length} reply, ${withMarkup.length} with markup left`);
    expect(messages).toHaveLength(1);
    // Not a role of the tenant: refused, the typed name (and the hostile role names suggested) echoed inert.
    expect(messages[0]?.text).toMatch(/^I don't know a role or group called ".Exchange.\(https：/);
    expect(messages[0]?.textFormat).toBe('plain');
    expect(withMarkup).toEqual([]);
  });

  it("the activation dialog's questions name a hostile role as plain text with no markup", async () => {
    h.newConversations();
    h.connector.reset();
    // Global Administrator (hostile name) asks for a duration, a justification and a ticket (the demo policy).
    await h.say(adele, 'activate global administrator');
    await h.say(adele, '2h');
    await h.say(adele, 'conditional access change');
    const questions = plainMessages().filter((m) =>
      /How long do you need|Why do you need|requires a/.test(m.text ?? ''),
    );
    const withMarkup = questions.filter((m) => MARKUP.some((p) => p.test(m.text ?? '')));
    console.log(
      `hostile role name in the dialog's questions: ${questions.length} asked, ${withMarkup.length} with markup left`,
    );
    expect(questions.map((m) => m.text?.match(/How long|justification|ticket number/)?.[0])).toEqual([
      'How long',
      'justification',
      'ticket number',
    ]);
    expect(questions.every((m) => m.textFormat === 'plain')).toBe(true);
    expect(withMarkup).toEqual([]);
    await h.say(adele, 'cancel');
  });

  it("the chat's own replies that name a role (deactivated) are plain text with no markup", async () => {
    h.newConversations();
    await h.say(adele, 'activate Exchange Administrator 1h INC-42 fix mailbox rules');
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    expect(confirm).toBeDefined();
    await h.submit(adele, confirm!.data!);
    h.stack.clock.advance(6 * 60_000);
    h.connector.reset();
    await h.say(adele, 'deactivate exchange');
    const messages = plainMessages();
    const deactivated = messages.filter((m) => /is deactivated/.test(m.text ?? ''));
    const withMarkup = messages.filter((m) => MARKUP.some((p) => p.test(m.text ?? '')));
    console.log(`hostile role name on deactivate: ${deactivated.length} reply, ${withMarkup.length} with markup left`);
    expect(deactivated).toHaveLength(1);
    expect(deactivated[0]?.text).toMatch(/^Exchange Administrator .admin.\(https：/);
    expect(deactivated[0]?.textFormat).toBe('plain');
    expect(withMarkup).toEqual([]);
  });
});
