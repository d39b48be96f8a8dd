import type { Activity, Middleware, TurnContext } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ActivateRoleDialog, type ActivateRoleOptions } from '../../dialogs/activate-role-dialog';
import {
  type DialogServices,
  STEP_UP_EVENT,
  STEP_UP_TOKEN,
  type StepUpResult,
  type StepUpStarter,
} from '../../dialogs/dialog-services';
import { ActivationService } from '../../src/activation/activation-service';
import { PimSessions } from '../../src/activation/pim-sessions';
import { targetKey } from '../../src/activation/target-key';
import { DEFAULT_TICKET_PATTERN } from '../../src/config';
import type { UserTokenSource } from '../../src/identity/user-token-source';
import { demoGroups, demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { cardActions, visibleText } from '../support/bot-harness';
import { type PimTestStack, startPimTestStack, TEST_RETRY } from '../support/pim-stack';

/**
 * Every branch of the activation dialog, driven with botbuilder-testing's DialogTestClient against the
 * real PIM client, local authority and Graph simulator.
 */

const { requester: adele, noAccess: lee } = demoUsers;
let t: PimTestStack;
/** Authentication methods of the simulated Teams sign-in, per test. */
let amr: string[] = ['pwd', 'mfa'];
const stepUps: Array<{ claims: string; resumeKey: string }> = [];

beforeAll(async () => {
  t = await startPimTestStack();
});
afterAll(async () => t?.close());
beforeEach(() => {
  t.stack.graph.loadFixture(demoTenant);
  amr = ['pwd', 'mfa'];
  stepUps.length = 0;
});
afterEach(() => {
  expect(t.violations, t.contractReport()).toEqual([]);
});

function services(): DialogServices {
  const tokens: UserTokenSource = {
    missingTokenHelp: 'Sign in first.',
    async getUserAssertion(context: TurnContext) {
      const id = context.activity.from?.aadObjectId;
      return id
        ? t.stack.authority.issueTeamsSsoToken({ userId: id, clientId: t.stack.botApp.clientId, amr })
        : undefined;
    },
  };
  const stepUp: StepUpStarter = {
    async begin(_context, input) {
      stepUps.push(input);
      return `https://pimbot.example/auth/start?state=${input.resumeKey}`;
    },
  };
  return {
    sessions: new PimSessions({ entra: t.entra, graphBaseUrl: t.stack.graph.url, tokens, retry: TEST_RETRY }),
    activation: new ActivationService(),
    stepUp,
    ticketPattern: new RegExp(DEFAULT_TICKET_PATTERN),
    ticketSystem: 'ServiceNow',
    logger: pino({ level: 'silent' }),
  };
}

/** Puts the step-up token into the resumed turn's memory, as the /auth/callback resumer does. */
let pendingStepUpToken: StepUpResult | undefined;
const stepUpMiddleware: Middleware = {
  async onTurn(context, next) {
    if (context.activity.name === STEP_UP_EVENT && pendingStepUpToken)
      context.turnState.set(STEP_UP_TOKEN, pendingStepUpToken);
    await next();
  },
};

interface Chat {
  client: DialogTestClient;
  user: FixtureUser;
  /** Sends text (or a card submission) and returns every reply of that turn. */
  send(input: string | Record<string, unknown>): Promise<Partial<Activity>[]>;
}

function chat(options: ActivateRoleOptions = {}, user: FixtureUser = adele): Chat {
  const client = new DialogTestClient('msteams', new ActivateRoleDialog(services()), options, [stepUpMiddleware]);
  const from = { id: `29:${user.id}`, aadObjectId: user.id, name: user.displayName };
  return {
    client,
    user,
    async send(input) {
      const activity: Partial<Activity> =
        typeof input === 'string' ? { type: 'message', text: input, from } : { type: 'message', value: input, from };
      // sendActivity hands back the turn's first reply; getNextReply the rest.
      const first = (await client.sendActivity({ ...activity, localTimezone: 'UTC', locale: 'en-GB' })) as
        | Partial<Activity>
        | undefined;
      const replies: Partial<Activity>[] = first ? [first] : [];
      for (let reply = client.getNextReply(); reply; reply = client.getNextReply()) replies.push(reply);
      return replies;
    },
  };
}

const text = (replies: Partial<Activity>[]) => replies.map(visibleText).join('\n');
const confirm = (replies: Partial<Activity>[]) =>
  replies.flatMap((r) => cardActions(r)).find((a) => a.data?.pimbot === 'confirm')!.data!;
const activeFor = (id: string) =>
  t.stack.graph.snapshot().activations.filter((a) => a.principalId === id && a.isActive === true);
const exchangeKey = targetKey({
  kind: 'role',
  roleDefinitionId: demoRoles.exchangeAdministrator,
  directoryScopeId: '/',
});

describe('choosing the role', () => {
  it('a user with no eligibility is told so and the dialog ends', async () => {
    const c = chat({ targetText: 'exchange' }, lee);
    expect(text(await c.send('go'))).toMatch(/no eligible roles or groups/);
    expect(c.client.dialogTurnResult.status).toBe('complete');
  });

  it('no role named: shows the roles card; an Activate button picks one', async () => {
    const c = chat();
    const first = await c.send('start');
    expect(text(first)).toMatch(/Which role or group do you need/);
    expect(cardActions(first[0]).some((a) => a.data?.pimbot === 'activate')).toBe(true);
    expect(text(await c.send({ pimbot: 'activate', key: exchangeKey }))).toMatch(
      /How long do you need Exchange Administrator/,
    );
  });

  it('an ambiguous name asks which one; a typed name answers', async () => {
    const c = chat({ targetText: 'helpdesk' });
    expect(text(await c.send('go'))).toMatch(/matches more than one/);
    expect(text(await c.send('not a role at all'))).toMatch(/Pick a role with its Activate button/);
    expect(text(await c.send('Helpdesk Administrator'))).toMatch(/How long do you need Helpdesk Administrator/);
  });

  it('an unknown name lists what the user can activate', async () => {
    const c = chat({ targetText: 'Cosmos DB Operator' });
    expect(text(await c.send('go'))).toMatch(/could not find "Cosmos DB Operator"/);
  });
});

describe('duration, justification and ticket', () => {
  it('re-asks an unreadable duration and one over the maximum, with the reason', async () => {
    const c = chat({ targetText: 'Exchange Administrator' });
    expect(text(await c.send('go'))).toMatch(/Up to 8 hours/);
    expect(text(await c.send('a while'))).toMatch(/e\.g\. 2h, 90m or 1\.5 hours/);
    expect(text(await c.send('9h'))).toMatch(/Exchange Administrator allows at most 8 hours/);
    expect(text(await c.send('3m'))).toMatch(/at least 5 minutes/);
    expect(text(await c.send('1.5h'))).toMatch(/requires a justification/);
  });

  it('a duration over the maximum given up front is re-asked with the reason', async () => {
    const c = chat({ targetText: 'Exchange Administrator', minutes: 600 });
    expect(text(await c.send('go'))).toMatch(/allows at most 8 hours\. How long do you need Exchange Administrator/);
  });

  it('asks for a justification only when the policy requires it', async () => {
    const reader = chat({ targetText: 'Reports Reader', minutes: 60 });
    const replies = await reader.send('go');
    expect(text(replies)).not.toMatch(/justification/i);
    expect(text(replies)).toMatch(/Reports Reader/);
    expect(confirm(replies)).toBeDefined();
  });

  it('re-asks a justification that is too long', async () => {
    const c = chat({ targetText: 'Exchange Administrator', minutes: 60 });
    await c.send('go');
    expect(text(await c.send('x'.repeat(501)))).toMatch(/up to 500 characters/);
    expect(text(await c.send('mailbox migration'))).toMatch(/No approval needed/);
  });

  it('asks for a ticket when required and re-asks one that does not look like a ticket', async () => {
    const c = chat({ targetText: 'Global Administrator', minutes: 60, justification: 'CA policy change' });
    expect(text(await c.send('go'))).toMatch(/requires a ticket number\. Which ServiceNow ticket/);
    expect(text(await c.send('soon'))).toMatch(/does not look like a ticket/);
    const confirmation = await c.send('CHG-1042');
    expect(text(confirmation)).toMatch(/CHG-1042/);
    expect(text(confirmation)).toMatch(/Needs approval by Megan Bowen or PIM Approvers/);
  });
});

describe('confirmation and submission', () => {
  it('submits after confirming with the button: status card Submitting, then updated to Active', async () => {
    const c = chat({
      targetText: 'Exchange Administrator',
      minutes: 120,
      justification: 'fix mailbox rules',
      ticket: 'INC-42',
    });
    const replies = await c.send('go');
    const done = await c.send(confirm(replies));
    // The test adapter applies updateActivity to the queued reply: one card, now showing Active.
    expect(done).toHaveLength(1);
    expect(text(done)).toMatch(/^Active/);
    expect(text(done)).toMatch(/Deactivate now/);
    expect(activeFor(adele.id)).toHaveLength(1);
    expect(c.client.dialogTurnResult.status).toBe('complete');
  });

  it('"yes" confirms too; anything else re-asks', async () => {
    const c = chat({ targetText: 'Reports Reader', minutes: 60 });
    await c.send('go');
    expect(text(await c.send('hmm'))).toMatch(/Click Activate \(or say yes\)/);
    await c.send('yes');
    expect(activeFor(adele.id)).toHaveLength(1);
  });

  it('a role needing approval ends pending, with nothing active yet', async () => {
    const c = chat({ targetText: 'GA', minutes: 60, justification: 'CA policy change', ticket: 'CHG-1' });
    await c.send(confirm(await c.send('go')));
    expect(t.stack.graph.snapshot().requests.find((r) => r.principalId === adele.id)?.status).toBe('PendingApproval');
    expect(activeFor(adele.id)).toEqual([]);
  });

  it('a Graph refusal fails the card with the reason and the fix', async () => {
    t.stack.graph.activate({
      principalId: adele.id,
      roleDefinitionId: demoRoles.exchangeAdministrator,
      duration: 'PT1H',
      justification: 'made in the portal',
    });
    const c = chat({ targetText: 'Exchange Administrator', minutes: 60, justification: 'again' });
    const failed = await c.send(confirm(await c.send('go')));
    expect(text(failed)).toMatch(/Activation failed/);
    expect(text(failed)).toMatch(/Exchange Administrator is already active for you/);
    expect(text(failed)).toMatch(/RoleAssignmentExists/);
    expect(t.stack.graph.snapshot().requests.filter((r) => r.principalId === adele.id)).toHaveLength(1);
  });

  it('a group membership goes through the same steps', async () => {
    const c = chat({ targetText: 'helpdesk admins', minutes: 60, justification: 'queue' });
    await c.send(confirm(await c.send('go')));
    expect(activeFor(adele.id).some((a) => a.groupId === demoGroups.helpdeskBundle.id)).toBe(true);
  });
});

describe('cancel', () => {
  for (const [step, options] of [
    ['the role choice', {}],
    ['the duration', { targetText: 'Exchange Administrator' }],
    ['the justification', { targetText: 'Exchange Administrator', minutes: 60 }],
    ['the ticket', { targetText: 'GA', minutes: 60, justification: 'x' }],
    ['the confirmation', { targetText: 'Reports Reader', minutes: 60 }],
  ] as Array<[string, ActivateRoleOptions]>) {
    it(`works at ${step}, and nothing is submitted`, async () => {
      const c = chat(options);
      await c.send('go');
      expect(text(await c.send('cancel'))).toMatch(/Cancelled\. Nothing was submitted/);
      expect(c.client.dialogTurnResult.status).not.toBe('waiting');
      expect(t.stack.graph.snapshot().requests).toEqual([]);
    });
  }

  it('the Cancel button of a card works the same', async () => {
    const c = chat({ targetText: 'Reports Reader', minutes: 60 });
    await c.send('go');
    expect(text(await c.send({ pimbot: 'cancel' }))).toMatch(/Cancelled/);
  });
});

describe('step-up', () => {
  it('MFA: a sign-in without MFA gets the sign-in card; after it, the activation goes through', async () => {
    amr = ['pwd'];
    const c = chat({ targetText: 'Exchange Administrator', minutes: 60, justification: 'mailbox migration' });
    const signIn = await c.send(confirm(await c.send('go')));
    expect(text(signIn)).toMatch(/multi-factor authentication/);
    expect(signIn.flatMap((r) => cardActions(r)).find((a) => a.type === 'Action.OpenUrl')?.url).toMatch(/auth\/start/);
    expect(stepUps).toHaveLength(1);
    expect(text(await c.send('still waiting?'))).toMatch(/Finish signing in/);

    // The user signs in with MFA: the callback hands a token meeting the claims to the resumed turn.
    const credential = await t.credentialFor(adele, { amr: ['pwd', 'mfa'] });
    const token = await credential.getToken('https://graph.microsoft.com/.default');
    pendingStepUpToken = { resumeKey: stepUps[0]!.resumeKey, token: token! };
    const resumed = (await c.client.sendActivity({
      type: 'event',
      name: STEP_UP_EVENT,
      value: { resumeKey: stepUps[0]!.resumeKey },
      from: { id: `29:${adele.id}`, aadObjectId: adele.id, name: adele.displayName },
    })) as Partial<Activity>;
    expect(visibleText(resumed)).toMatch(/you are signed in/);
    expect(activeFor(adele.id)).toHaveLength(1);
    expect(c.client.dialogTurnResult.status).toBe('complete');
  });

  it('a resume event for another sign-in is ignored', async () => {
    const c = chat({ targetText: 'PRA', minutes: 60, justification: 'delegate', ticket: 'INC-9' });
    await c.send(confirm(await c.send('go')));
    expect(JSON.parse(stepUps[0]!.claims)).toEqual({ access_token: { acrs: { essential: true, value: 'c1' } } });
    const credential = await t.credentialFor(adele);
    pendingStepUpToken = {
      resumeKey: 'someone-else',
      token: (await credential.getToken('https://graph.microsoft.com/.default'))!,
    };
    await c.client.sendActivity({
      type: 'event',
      name: STEP_UP_EVENT,
      value: { resumeKey: 'someone-else' },
      from: { id: `29:${adele.id}`, aadObjectId: adele.id, name: adele.displayName },
    });
    expect(t.stack.graph.snapshot().requests).toEqual([]);
    expect(c.client.dialogTurnResult.status).toBe('waiting');
  });
});
