import type { Activity, Middleware, TurnContext } from 'botbuilder';
import { MemoryStorage } from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { DialogServices, StepUpStarter, UserSessions } from '../../dialogs/dialog-services';
import { ActivationService } from '../../src/activation/activation-service';
import { DEFAULT_TICKET_PATTERN } from '../../src/config';
import { PimSessions } from '../../src/identity/pim-sessions';
import { STEP_UP_EVENT, STEP_UP_TOKEN, type StepUpResult } from '../../src/identity/step-up/resume';
import { PimRequestStore } from '../../src/requests/pim-request-store';
import type { KeyValueStore } from '../../src/store/key-value-store';
import { type RequestEvent, RequestEvents } from '../../src/requests/request-events';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { visibleText } from '../support/bot-harness';
import { demoTenant } from '../../simulators/tenant/demo-tenant';
import { type PimTestStack, startPimTestStack, TEST_RETRY } from '../support/pim-stack';

/**
 * The dialogs against the real PIM client, local authority and Graph simulator, driven with
 * botbuilder-testing's DialogTestClient: what a test needs to talk to one dialog as a Teams user.
 */

export interface DialogWorld {
  /** Authentication methods of the simulated Teams sign-in (the test sets them). */
  amr: string[];
  /** Step-up sign-ins the dialogs began. */
  stepUps: Array<{ claims: string; resumeKey: string }>;
  /** Request events the application services published. */
  events: RequestEvent[];
  /** The bot's storage refuses to write request records (an outage), when set. */
  storageDown: boolean;
  /** The step-up token the next resume event carries (as the /auth/callback resumer puts it in the turn). */
  pendingStepUpToken?: StepUpResult;
  services(): DialogServices;
  middleware: Middleware;
}

/**
 * The stack for one test file (local authority, Graph simulator, contract checks) and a fresh world per
 * test: the demo tenant reloaded, sign-in with MFA, no step-ups or events. Every test ends with no
 * contract violation.
 */
export function useDialogWorld(): { world: DialogWorld; stack: () => PimTestStack } {
  let t: PimTestStack | undefined;
  const stack = () => {
    if (!t) throw new Error('The dialog test stack is not started.');
    return t;
  };
  const world = dialogWorld(stack);
  beforeAll(async () => {
    t = await startPimTestStack();
  });
  afterAll(async () => t?.close());
  beforeEach(() => {
    stack().stack.graph.loadFixture(demoTenant);
    world.amr = ['pwd', 'mfa'];
    world.stepUps.length = 0;
    world.events.length = 0;
    world.pendingStepUpToken = undefined;
    world.storageDown = false;
  });
  afterEach(() => {
    expect(stack().violations, stack().contractReport()).toEqual([]);
  });
  return { world, stack };
}

export function dialogWorld(t: () => PimTestStack): DialogWorld {
  const world: DialogWorld = {
    amr: ['pwd', 'mfa'],
    stepUps: [],
    events: [],
    storageDown: false,
    services() {
      const stack = t();
      const pims = new PimSessions({ entra: stack.entra, graphBaseUrl: stack.stack.graph.url, retry: TEST_RETRY });
      const assertion = async (context: TurnContext) => {
        const id = context.activity.from?.aadObjectId;
        return id
          ? stack.stack.authority.issueTeamsSsoToken({
              userId: id,
              clientId: stack.stack.botApp.clientId,
              amr: world.amr,
            })
          : undefined;
      };
      const sessions: UserSessions = {
        signInHelp: () => 'Sign in first.',
        async hasToken(context) {
          return (await assertion(context)) !== undefined;
        },
        async pimFor(context, claims) {
          const token = await assertion(context);
          return token ? pims.forAssertion(token, context.activity.from?.aadObjectId, claims) : undefined;
        },
        pimForToken: (token, userId) => pims.forAccessToken(token, userId),
      };
      const stepUp: StepUpStarter = {
        async begin(_context, input) {
          world.stepUps.push(input);
          return `https://pimbot.example/auth/start?state=${input.resumeKey}`;
        },
      };
      const logger = pino({ level: 'silent' });
      const events = new RequestEvents(logger);
      events.subscribe('recorder', async (event) => {
        world.events.push(event);
      });
      const now = () => stack.stack.clock.now();
      const memory = new MemoryStorage();
      const storage: KeyValueStore = {
        read: (keys) => memory.read(keys),
        delete: (keys) => memory.delete(keys),
        async write(changes) {
          if (world.storageDown) throw Object.assign(new Error('Azure Storage is unreachable'), { statusCode: 503 });
          return memory.write(changes);
        },
      };
      return {
        sessions,
        activation: new ActivationService({ requests: new PimRequestStore(storage), events, now }),
        stepUp,
        rules: { ticketPattern: new RegExp(DEFAULT_TICKET_PATTERN), ticketSystem: 'ServiceNow' },
        logger,
        now,
      };
    },
    middleware: {
      async onTurn(context, next) {
        if (context.activity.name === STEP_UP_EVENT && world.pendingStepUpToken)
          context.turnState.set(STEP_UP_TOKEN, world.pendingStepUpToken);
        await next();
      },
    },
  };
  return world;
}

export interface Chat {
  client: DialogTestClient;
  user: FixtureUser;
  /** Sends text (or a card submission) and returns every reply of that turn. */
  send(input: string | Record<string, unknown>): Promise<Partial<Activity>[]>;
  /** The step-up sign-in completes: the resume event reaches the conversation. */
  resume(resumeKey: string): Promise<Partial<Activity>[]>;
}

/**
 * `locale` is the Teams client's (`activity.locale` on every message the user sends); `channelId`: 'msteams'
 * (Teams and the Playground: the activation form), or another channel (the text dialog).
 */
export function chatWith(
  dialog: Dialog,
  options: unknown,
  user: FixtureUser,
  world: DialogWorld,
  locale = 'en-GB',
  channelId = 'msteams',
): Chat {
  const client = new DialogTestClient(channelId, dialog, options, [world.middleware]);
  const from = { id: `29:${user.id}`, aadObjectId: user.id, name: user.displayName };
  const turn = async (activity: Partial<Activity>) => {
    // sendActivity hands back the turn's first reply; getNextReply the rest.
    const first = (await client.sendActivity(activity)) as Partial<Activity> | undefined;
    const replies: Partial<Activity>[] = first ? [first] : [];
    for (let reply = client.getNextReply(); reply; reply = client.getNextReply()) replies.push(reply);
    return replies;
  };
  return {
    client,
    user,
    send(input) {
      const activity: Partial<Activity> =
        typeof input === 'string' ? { type: 'message', text: input, from } : { type: 'message', value: input, from };
      return turn({ ...activity, localTimezone: 'UTC', locale });
    },
    resume(resumeKey) {
      return turn({ type: 'event', name: STEP_UP_EVENT, value: { resumeKey }, from });
    },
  };
}

export const text = (replies: Partial<Activity>[]) => replies.map(visibleText).join('\n');
