import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { demoGroups, demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { formatLocalTime } from '../../src/shared/local-time';
import { cardActions, visibleText } from '../support/bot-harness';
import { useBotHarness } from '../support/use-bot-harness';

/**
 * "roles" through the real bot: each eligible role or group, marked when it is already active (with its
 * end and the time left), and a PIM for Groups bundle with the Entra roles its group holds.
 */

const { requester: adele } = demoUsers;
const h = useBotHarness();

/** The rows of the roles card: each row's text, by the name on its first line. */
async function rolesCardRows(): Promise<Map<string, string>> {
  h.connector.reset();
  await h.say(adele, 'roles');
  const card = h.connector.calls.find((c) => /Roles you can activate/.test(visibleText(c.body)))?.body as
    | Partial<Activity>
    | undefined;
  expect(card).toBeDefined();
  const body = (card!.attachments![0]!.content as { body: Array<{ id?: string }> }).body;
  const rows = new Map<string, string>();
  for (const row of body.filter((b) => /^role-\d+$/.test(b.id ?? ''))) {
    const text = visibleText({ attachments: [{ contentType: 'x', content: row }] });
    rows.set(text.split('\n')[0]!, text);
  }
  return rows;
}

/** A role's display name in the demo tenant (the fixture's, not the bot's). */
function roleName(id: string): string {
  return demoTenant.roleDefinitions.find((r) => r.id === id)!.displayName;
}

describe('roles', () => {
  it('marks a role that is already active with its end and the time left; the others are not marked', async () => {
    await h.say(adele, 'activate Exchange Administrator 2h INC-42 fix mailbox rules');
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    await h.submit(adele, confirm!.data!);
    const activation = h.stack.graph
      .snapshot()
      .activations.find((a) => a.principalId === adele.id && a.isActive === true)!;
    const end = new Date(activation.endDateTime as string);
    h.stack.clock.set(new Date(end.getTime() - 80 * 60_000));

    const rows = await rolesCardRows();
    const exchange = rows.get(roleName(demoRoles.exchangeAdministrator));
    expect(exchange).toContain(
      `Active until ${formatLocalTime(end, 'Europe/Berlin', 'en-GB', h.stack.clock.now())}, 1 hour 20 minutes left`,
    );
    const marked = [...rows.values()].filter((text) => /Active until/.test(text));
    expect(marked).toHaveLength(1);
  });

  it('a PIM for Groups bundle lists the roles its group holds', async () => {
    const expected = demoTenant.roleAssignments
      .filter((a) => a.principalId === demoGroups.helpdeskBundle.id)
      .map((a) => roleName(a.roleDefinitionId))
      .sort((a, b) => a.localeCompare(b));
    expect(expected).toHaveLength(3);
    const rows = await rolesCardRows();
    const bundle = rows.get(demoGroups.helpdeskBundle.displayName);
    expect(bundle).toContain(`Grants: ${expected.join(', ')}`);
    // A directory role grants nothing more: no such line.
    expect(rows.get(roleName(demoRoles.exchangeAdministrator))).not.toMatch(/Grants:/);
  });
});
