import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import {
  auScope,
  demoAdministrativeUnits,
  demoGroups,
  demoRoles,
  demoTenant,
  demoUsers,
} from '../../simulators/tenant/demo-tenant';
import { cardActions, visibleText } from '../support/bot-harness';
import { useBotHarness } from '../support/use-bot-harness';

/**
 * The one-card activation over HTTP: `activate` (or a role's Activate on the roles card) shows one form,
 * its Next shapes it for the chosen role's policy, its Activate submits through the same path as the text
 * dialog. Expected choices and rules come from the demo tenant's fixture (Adele's eligibilities and the role
 * policies), never from the bot.
 */

const { requester: adele, noAccess: lee } = demoUsers;
const salesScope = auScope(demoAdministrativeUnits.sales.id);
const key = (roleDefinitionId: string, scope = '/') => `role:${roleDefinitionId}:${scope}`;
const h = useBotHarness();

type Json = Record<string, unknown>;

/** The form card as it stands: the last form the bot sent or updated, and the id of its message. */
function form(): { card: Json; id: string } {
  const calls = h.connector.calls.filter((c) =>
    (c.body.attachments ?? []).some(
      (a) => (a.content as Json)?.body && JSON.stringify(a.content).includes('"form-title"'),
    ),
  );
  const last = calls[calls.length - 1];
  expect(last, h.connector.sentTexts().join('\n---\n')).toBeDefined();
  const sent = h.connector.calls.find(
    (c) => c.operation === 'send' && c.answeredId && JSON.stringify(c.body).includes('"form-title"'),
  );
  return { card: last!.body.attachments![0]!.content as Json, id: last!.activityId ?? sent?.answeredId ?? '' };
}
function input(card: Json, id: string): Json | undefined {
  let found: Json | undefined;
  const walk = (node: unknown) => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const o = node as Json;
    if (o.id === id && typeof o.type === 'string' && o.type.startsWith('Input.')) found = o;
    else for (const v of Object.values(o)) walk(v);
  };
  walk(card);
  return found;
}
const choices = (card: Json, id: string) => (input(card, id)?.choices as Array<{ title: string; value: string }>) ?? [];
function actionData(card: Json, pimbot: string): Json {
  const action = cardActions({ attachments: [{ contentType: 'x', content: card }] } as Partial<Activity>).find(
    (a) => a.data?.pimbot === pimbot,
  );
  expect(action, JSON.stringify(card)).toBeDefined();
  return action!.data!;
}
/** Clicks an Action.Submit of the form with these inputs, as Teams does: data merged with the inputs, replyToId set. */
async function click(pimbot: string, inputs: Json, user = adele): Promise<void> {
  const { card, id } = form();
  h.connector.reset();
  await h.say(user, '', { value: { ...actionData(card, pimbot), ...inputs }, replyToId: id });
}
const requestsOf = (userId: string) =>
  h.stack.graph.snapshot().requests.filter((r) => r.principalId === userId && r.action === 'selfActivate');

describe('activate without details shows one form', () => {
  it('lists every eligible role (with its scope) and group of the user, from the fixture', async () => {
    await h.say(adele, 'activate');
    const { card } = form();
    const names = new Map(demoTenant.roleDefinitions.map((r) => [r.id, r.displayName]));
    const expected = [
      ...demoTenant.roleEligibilities
        .filter((e) => e.principalId === adele.id)
        .map((e) => key(e.roleDefinitionId, e.directoryScopeId)),
      ...demoTenant.groupEligibilities
        .filter((e) => e.principalId === adele.id)
        .map((e) => `group:${e.groupId}:${e.accessId}`),
    ];
    const offered = choices(card, 'role');
    expect(offered.map((c) => c.value).sort()).toEqual(expected.sort());
    const title = (value: string) => offered.find((c) => c.value === value)?.title;
    expect(title(key(demoRoles.exchangeAdministrator))).toBe(names.get(demoRoles.exchangeAdministrator));
    // One role at two scopes: both listed, told apart by the scope.
    expect(title(key(demoRoles.authenticationAdministrator, salesScope))).toBe(
      'Authentication Administrator \u2014 Sales AU',
    );
    expect(title(key(demoRoles.authenticationAdministrator))).toBe(
      'Authentication Administrator \u2014 whole directory',
    );
    expect(title(`group:${demoGroups.helpdeskBundle.id}:member`)).toBe(demoGroups.helpdeskBundle.displayName);
    // Before a role is chosen there is nothing policy-shaped yet, and Next (not Activate).
    expect(input(card, 'duration')).toBeUndefined();
    expect(actionData(card, 'activationFormRole')).toEqual({
      pimbot: 'activationFormRole',
      requester: adele.id,
      formId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('Next shapes the card for the role: durations up to its maximum, justification and ticket as its policy needs', async () => {
    await h.say(adele, 'activate');
    await click('activationFormRole', { role: key(demoRoles.globalAdministrator) });
    // Updated in place (the clicked message), not a new card.
    expect(h.connector.calls.map((c) => c.operation)).toEqual(['update']);
    const { card } = form();
    // Global Administrator: PT4H, Justification and Ticketing (the fixture's highPrivilege policy).
    expect(choices(card, 'duration').map((c) => c.title)).toEqual(['30 minutes', '1 hour', '2 hours', '4 hours']);
    expect(input(card, 'justification')).toMatchObject({ isRequired: true, maxLength: 500 });
    expect(input(card, 'ticket')).toMatchObject({ isRequired: true, maxLength: 100 });
    expect(new RegExp(input(card, 'ticket')!.regex as string).test('INC-42')).toBe(true);
    // Another role chosen on the shaped card and Activate clicked: that role's fields first, nothing submitted.
    await click('activationForm', { role: key(demoRoles.reportsReader), duration: '60' });
    expect(requestsOf(adele.id)).toEqual([]);
    const reader = form().card;
    // Reports Reader needs neither.
    expect(input(reader, 'role')?.value).toBe(key(demoRoles.reportsReader));
    expect(input(reader, 'justification')).toBeUndefined();
    expect(input(reader, 'ticket')).toBeUndefined();
    expect(choices(reader, 'duration').at(-1)?.title).toBe('8 hours');
  });

  it('the roles card Activate opens the form for that role', async () => {
    await h.submit(adele, { pimbot: 'activate', target: key(demoRoles.exchangeAdministrator) });
    const { card } = form();
    expect(input(card, 'role')?.value).toBe(key(demoRoles.exchangeAdministrator));
    expect(input(card, 'justification')).toBeDefined();
    expect(input(card, 'ticket')).toBeUndefined();
  });
});

describe('Activate submits', () => {
  it('a valid form is one PIM request with the role, scope, duration, justification and ticket', async () => {
    await h.say(adele, 'activate');
    await click('activationFormRole', { role: key(demoRoles.globalAdministrator) });
    await click('activationForm', {
      role: key(demoRoles.globalAdministrator),
      duration: '120',
      durationCustom: '',
      justification: 'rotate the break-glass credentials',
      ticket: 'CHG-1042',
    });
    const [request, ...more] = requestsOf(adele.id);
    expect(more).toEqual([]);
    expect(request).toMatchObject({
      roleDefinitionId: demoRoles.globalAdministrator,
      directoryScopeId: '/',
      justification: 'rotate the break-glass credentials',
      ticketInfo: { ticketNumber: 'CHG-1042', ticketSystem: 'ServiceNow' },
      scheduleInfo: expect.objectContaining({ expiration: expect.objectContaining({ duration: 'PT2H' }) }),
    });
    expect(h.connector.calls.map((c) => visibleText(c.body)).join('\n')).toMatch(/Waiting for approval/);
  });

  it('once submitted, the form turns read-only in place; the same form clicked again sends nothing', async () => {
    await h.say(adele, 'activate');
    await click('activationFormRole', { role: key(demoRoles.exchangeAdministrator) });
    const { card: shaped, id: formMessage } = form();
    const inputs = { role: key(demoRoles.exchangeAdministrator), duration: '60', justification: 'mailbox migration' };
    await click('activationForm', inputs);
    expect(requestsOf(adele.id)).toHaveLength(1);
    // The clicked message was edited: what was asked for, no inputs, no buttons.
    const edited = h.connector.calls.filter((c) => c.activityId === formMessage && c.method === 'PUT').at(-1);
    expect(edited, 'the form message updated in place').toBeDefined();
    const now = edited!.body.attachments![0]!.content as Json;
    expect(JSON.stringify(now)).not.toMatch(/"Input\.|"Action\./);
    const text = visibleText({ attachments: [{ contentType: 'x', content: now }] });
    expect(text).toContain('Activation requested');
    expect(text).toContain('Exchange Administrator');
    expect(text).toContain('1 hour');
    expect(text).toContain('mailbox migration');

    // An older copy of the same form (a second quick click, another device): recognised by its id.
    h.connector.reset();
    await h.say(adele, '', { value: { ...actionData(shaped, 'activationForm'), ...inputs }, replyToId: formMessage });
    expect(requestsOf(adele.id)).toHaveLength(1);
    expect(h.connector.calls.map((c) => visibleText(c.body)).join('\n')).toContain('This form was already sent');
  });

  it('the same role at an administrative unit is activated at that scope, with a typed duration', async () => {
    await h.say(adele, 'activate');
    await click('activationFormRole', { role: key(demoRoles.authenticationAdministrator, salesScope) });
    await click('activationForm', {
      role: key(demoRoles.authenticationAdministrator, salesScope),
      duration: '60',
      durationCustom: '90m',
      justification: 'reset a Sales user password',
    });
    expect(requestsOf(adele.id)).toEqual([
      expect.objectContaining({
        roleDefinitionId: demoRoles.authenticationAdministrator,
        directoryScopeId: salesScope,
        scheduleInfo: expect.objectContaining({ expiration: expect.objectContaining({ duration: 'PT1H30M' }) }),
      }),
    ]);
    const active = h.stack.graph.snapshot().activations.filter((a) => a.principalId === adele.id);
    expect(active.map((a) => a.directoryScopeId)).toEqual([salesScope]);
  });

  it('a ticket that does not match the pattern and a duration over the maximum: the card again with why, values kept, nothing sent to PIM', async () => {
    await h.say(adele, 'activate');
    await click('activationFormRole', { role: key(demoRoles.globalAdministrator) });
    const posts = () => h.exchanges.filter((e) => e.method === 'POST' && /ScheduleRequests/.test(e.url)).length;
    const before = posts();
    await click('activationForm', {
      role: key(demoRoles.globalAdministrator),
      duration: '120',
      durationCustom: '9h',
      justification: 'rotate the break-glass credentials',
      ticket: 'not a ticket!',
    });
    expect(posts()).toBe(before);
    expect(requestsOf(adele.id)).toEqual([]);
    expect(h.connector.calls.map((c) => c.operation)).toEqual(['update']);
    const { card } = form();
    const text = visibleText({ attachments: [{ contentType: 'x', content: card }] } as Partial<Activity>);
    expect(text).toMatch(/at most 4 hours/);
    expect(text).toMatch(/does not look like a ticket number/);
    expect(input(card, 'role')?.value).toBe(key(demoRoles.globalAdministrator));
    expect(input(card, 'durationCustom')?.value).toBe('9h');
    expect(input(card, 'justification')?.value).toBe('rotate the break-glass credentials');
    expect(input(card, 'ticket')?.value).toBe('not a ticket!');
  });

  it('a form clicked after its dialog ended (cancelled, restarted) is still read and checked the same way', async () => {
    await h.say(adele, 'activate');
    await click('activationFormRole', { role: key(demoRoles.exchangeAdministrator) });
    const activate = actionData(form().card, 'activationForm');
    await h.say(adele, 'cancel');
    h.connector.reset();
    await h.submit(adele, { ...activate, role: key(demoRoles.exchangeAdministrator), duration: '60' });
    // Exchange Administrator needs a justification (the fixture's mediumPrivilege policy): asked, nothing sent.
    expect(requestsOf(adele.id)).toEqual([]);
    expect(visibleText(h.connector.calls.at(-1)?.body)).toMatch(/Please give a short reason/);
    await click('activationForm', {
      role: key(demoRoles.exchangeAdministrator),
      duration: '60',
      justification: 'mailbox rules',
    });
    expect(requestsOf(adele.id)).toEqual([
      expect.objectContaining({ roleDefinitionId: demoRoles.exchangeAdministrator, justification: 'mailbox rules' }),
    ]);
  });

  it('a form sent by someone else is refused and nothing reaches PIM', async () => {
    await h.say(adele, 'activate');
    const { card } = form();
    h.connector.reset();
    // Lee (no eligibility) posts Adele's form data from his own chat.
    await h.submit(lee, {
      ...actionData(card, 'activationFormRole'),
      pimbot: 'activationForm',
      shapedFor: key(demoRoles.exchangeAdministrator),
      role: key(demoRoles.exchangeAdministrator),
      duration: '60',
      justification: 'not mine',
    });
    expect(h.connector.sentTexts().join('\n')).toMatch(/made for someone else/);
    expect(requestsOf(lee.id)).toEqual([]);
    expect(requestsOf(adele.id)).toEqual([]);
  });
});

describe('one role at two scopes', () => {
  it('"activate Authentication Administrator 1h …" asks which scope on a form offering just the two', async () => {
    await h.say(adele, 'activate Authentication Administrator 1h reset MFA for a Sales user');
    const { card } = form();
    expect(
      choices(card, 'role')
        .map((c) => c.value)
        .sort(),
    ).toEqual(
      [key(demoRoles.authenticationAdministrator), key(demoRoles.authenticationAdministrator, salesScope)].sort(),
    );
    expect(visibleText({ attachments: [{ contentType: 'x', content: card }] } as Partial<Activity>)).toMatch(
      /Which one/,
    );
    expect(requestsOf(adele.id)).toEqual([]);
  });

  it('the narrowed form activates the scope picked on it', async () => {
    await h.say(adele, 'activate Authentication Administrator 1h reset MFA for a Sales user');
    await click('activationFormRole', { role: key(demoRoles.authenticationAdministrator, salesScope) });
    const { card } = form();
    // What the one-liner said is kept on the form.
    expect(input(card, 'durationCustom')?.value).toBe('1h');
    expect(input(card, 'justification')?.value).toBe('reset MFA for a Sales user');
    await click('activationForm', {
      role: key(demoRoles.authenticationAdministrator, salesScope),
      duration: '60',
      durationCustom: '1h',
      justification: 'reset MFA for a Sales user',
    });
    expect(requestsOf(adele.id)).toEqual([
      expect.objectContaining({
        roleDefinitionId: demoRoles.authenticationAdministrator,
        directoryScopeId: salesScope,
      }),
    ]);
  });

  it('one-liners with one match are unchanged: confirmation card, then the tenant-wide request', async () => {
    await h.say(adele, 'activate Exchange Administrator 2h INC-42 fix mailbox rules');
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    expect(confirm).toBeDefined();
    await h.submit(adele, confirm!.data!);
    expect(requestsOf(adele.id)).toEqual([
      expect.objectContaining({ roleDefinitionId: demoRoles.exchangeAdministrator, directoryScopeId: '/' }),
    ]);
  });
});
