/**
 * `npm run playground -- --production-stack`: the bot in production mode (inbound Bot Connector auth on,
 * Teams SSO through the OAuth connection, outbound replies with a bot token), every Microsoft service it
 * calls replaced by a local stand-in, and a small Teams-like console to drive it. The Agents Playground
 * cannot do SSO, so the console is the client: it posts signed activities as the Bot Connector does and,
 * when the bot sends its OAuth card, answers with the user's SSO token as Teams does silently.
 * Started by scripts/playground.ts with NODE_EXTRA_CA_CERTS at the local CA (read only at process start).
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Activity } from 'botbuilder';
import type { ConnectorCall } from '../simulators/botframework/bot-connector';
import { demoUsers } from '../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../simulators/tenant/tenant-fixture';
import { loadOrCreateCertificateAuthority } from '../simulators/tls/certificate-authority';
import { cardActions, visibleText } from '../test/support/bot-harness';
import { exchangeResourceId } from '../test/support/oauth-card';
import { OAUTH_CONNECTION, type ProductionStack, startProductionStack } from '../test/support/production-stack';
import type { TeamsUser } from '../test/support/teams-driver';

const root = fileURLToPath(new URL('..', import.meta.url));
type Action = ReturnType<typeof cardActions>[number];

/** Who the console can be: the demo tenant's people, by first name. */
const people: Record<string, FixtureUser> = Object.fromEntries(
  Object.values(demoUsers).map((u) => [u.displayName.split(' ')[0]?.toLowerCase() ?? u.id, u]),
);

const HELP = [
  'Type to the bot as the current user, or:',
  `  :as <name>     switch user (${Object.keys(people).join(', ')})`,
  '  :click <n>     click button n of the last card shown (Action.Execute or Action.Submit)',
  '  :quit          stop everything',
].join('\n');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Prints each connector call (the bot's replies) as it arrives; answers OAuth cards with the user's SSO token. */
async function follow(stack: ProductionStack, onCard: (actions: Action[]) => void, stopped: () => boolean) {
  let seen = 0;
  while (!stopped()) {
    const calls = stack.connector.calls;
    // A call at or past `seen`: resolves at once when one is already there, else on the next.
    await stack.connector.waitFor((c) => calls.indexOf(c) >= seen, 2_147_000_000).catch(() => undefined);
    for (; seen < calls.length; seen++) await show(stack, calls[seen] as ConnectorCall, onCard);
  }
}

async function show(stack: ProductionStack, call: ConnectorCall, onCard: (actions: Action[]) => void) {
  if (call.operation === 'createConversation') return;
  const body = call.body as Partial<Activity>;
  const who = call.conversationId.replace(/^a:personal-/, '');
  const user = Object.values(demoUsers).find((u) => u.id === who);
  const to = user ? user.displayName : call.conversationId;
  const exchangeId = exchangeResourceId(call);
  if (exchangeId && user) {
    say(`[bot -> ${to}] OAuth card: signing in silently with ${user.displayName}'s Teams SSO token`);
    const r = await stack.driver.tokenExchange(stack.teamsUser(user.id), exchangeId, OAUTH_CONNECTION);
    say(`[teams] signin/tokenExchange -> ${r.status}`);
    return;
  }
  const actions = cardActions(body);
  say(`[bot -> ${to}] (${call.operation}, bot token checked) ${visibleText(body).replace(/\s+/g, ' ').slice(0, 400)}`);
  if (actions.length > 0) {
    actions.forEach((a, i) => void say(`    [${i + 1}] ${a.title ?? a.verb ?? a.type}`));
    onCard(actions);
  }
}

async function main(): Promise<void> {
  const ca = loadOrCreateCertificateAuthority(process.env.PIMBOT_CA_DIR ?? join(root, '.local', 'ca'));
  const stack = await startProductionStack({ ca, botPort: Number(process.env.PORT ?? 3978) });
  let user: TeamsUser = stack.teamsUser(demoUsers.requester.id);
  let lastActions: Action[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stack.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());

  say('');
  say('PIM Bot in production mode, every Microsoft service a local stand-in:');
  say(`  Bot (inbound auth on)        ${stack.bot.url}/api/messages`);
  say(`  Entra authority              ${stack.local.authority.url}`);
  say(`  Graph simulator              ${stack.local.graph.url}/v1.0`);
  say(`  Bot Connector OpenID/keys    ${stack.channel.openIdMetadataUrl}`);
  say(`  Bot token authority          ${stack.botAuthority.loginUrl}`);
  say(`  Token Service (OAuth conn.)  ${stack.tokenService.url}   connection "${OAUTH_CONNECTION}"`);
  say(`  Bot Connector (serviceUrl)   ${stack.connector.serviceUrl}`);
  say('');
  say(HELP);
  say(`Try: activate Exchange Administrator 2h INC-42 fix mailbox rules   (then :click 1)`);
  say('');
  const remember = (actions: Action[]) => {
    lastActions = actions;
  };
  void follow(stack, remember, () => stopped);

  const rl = createInterface({ input: process.stdin });
  const prompt = () => process.stdout.write(`${user.name}> `);
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    try {
      if (line === ':quit') break;
      if (line.startsWith(':as ')) {
        const person = people[line.slice(4).trim().toLowerCase()];
        if (person) user = stack.teamsUser(person.id);
        else say(`No such person; one of: ${Object.keys(people).join(', ')}`);
      } else if (line.startsWith(':click ')) {
        const action = lastActions[Number(line.slice(7)) - 1];
        if (!action?.data) say('No such button on the last card.');
        else if (action.type === 'Action.Execute') {
          const r = await stack.driver.universalAction(user, action.data, action.verb ?? '');
          say(
            `[teams] adaptiveCard/action -> ${r.status}${r.loginRequest ? ' (after a loginRequest: resent with the SSO token)' : ''}`,
          );
          const text = visibleText({
            attachments: [
              {
                contentType: 'application/vnd.microsoft.card.adaptive',
                content: (r.body as { value?: unknown })?.value,
              },
            ],
          });
          if (text) say(`[bot -> ${user.name}] (invoke response) ${text.replace(/\s+/g, ' ').slice(0, 400)}`);
        } else await stack.driver.post(stack.driver.personalSubmit(user, action.data));
      } else if (line) {
        const r = await stack.driver.post(stack.driver.personalMessage(user, line));
        say(`[teams] signed message -> ${r.status}`);
      }
    } catch (err) {
      say(`! ${err instanceof Error ? err.message : String(err)}`);
    }
    prompt();
  }
  await stop();
}

main().catch((err) => {
  process.stderr.write(`The production stack failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
