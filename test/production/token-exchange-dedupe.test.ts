import { BlobServiceClient } from '@azure/storage-blob';
import { MemoryStorage, type Storage, type StoreItems } from 'botbuilder';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { startAzurite, type TestAzurite, uniqueName } from '../support/azurite';
import { visibleText } from '../support/bot-harness';
import { type BotProcess, startBotProcess } from '../support/bot-process';
import { exchangeResourceId } from '../support/oauth-card';
import { OAUTH_CONNECTION, type ProductionStack, startProductionStack } from '../support/production-stack';
import type { DriverResponse, TeamsDriver, TeamsUser } from '../support/teams-driver';

// Teams sends the signin/tokenExchange invoke from every client of the user (desktop, web, mobile), all with the
// same value.id, and behind a load balancer they reach different instances of the bot. TeamsSSOTokenExchangeMiddleware
// (botbuilder 4.23, teams/teamsSSOTokenExchangeMiddleware.js) first exchanges the token on every instance ("in the
// case of failure due to consent required, every caller needs to receive a response"), then writes a mark keyed
// `{channelId}/{conversationId}/{value.id}` with eTag = value.id, which "will succeed only once": the instance whose
// write wins continues the turn (OAuthPrompt takes the token, exchanging it once more, and answers 200 with the id),
// the others answer 200 with no body and do nothing. Across instances that needs storage they share:
// create-if-absent blobs on Azure Storage (src/teams/token-exchange-dedupe-storage.ts).
let azurite: TestAzurite;
let stack: ProductionStack;
let container: string;
const processes: BotProcess[] = [];

beforeAll(async () => {
  azurite = await startAzurite();
  stack = await startProductionStack();
  container = uniqueName('state');
  const env = {
    ...stack.settings,
    STORAGE_CONNECTION_STRING: azurite.connectionString,
    STORAGE_CONTAINER: container,
    JOB_POLL_SECONDS: '0.5',
  };
  // One after the other: two compiling at once on a loaded machine can pass the start timeout.
  processes.push(await startBotProcess(stack.local, env));
  processes.push(await startBotProcess(stack.local, env));
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(processes.map((p) => p.stop()));
  await stack?.close();
  await azurite?.stop();
});

/** The user asks instance `first` for their roles; the OAuth card's exchange id. */
async function askForRoles(
  first: TeamsDriver,
  user: TeamsUser,
): Promise<{ conversationId: string; exchangeId: string }> {
  const message = first.personalMessage(user, 'roles');
  const conversationId = message.conversation?.id ?? '';
  const sent = await first.post(message);
  if (sent.status !== 200) throw new Error(`message refused: ${sent.status}`);
  const card = await stack.connector.waitFor((c) => c.conversationId === conversationId && !!exchangeResourceId(c));
  return { conversationId, exchangeId: exchangeResourceId(card) ?? '' };
}

/** The same invoke from two Teams clients, at the same moment, to two instances. */
async function fanOut(drivers: TeamsDriver[], user: TeamsUser, exchangeId: string): Promise<DriverResponse[]> {
  const ssoToken = await stack.local.authority.issueTeamsSsoToken({
    userId: user.aadObjectId,
    clientId: stack.botAppId,
    amr: ['pwd', 'mfa'],
  });
  return Promise.all(drivers.map((d) => d.tokenExchange(user, exchangeId, OAUTH_CONNECTION, ssoToken)));
}

/** What the fan-out did: the role lists sent in the chat, the answers, the Token Service's exchanges. */
function outcome(conversationId: string, user: TeamsUser, answers: DriverResponse[], exchangesBefore: number) {
  const lists = stack.connector.calls.filter(
    (c) => c.conversationId === conversationId && /Roles you can activate/.test(visibleText(c.body)),
  );
  const exchanges = stack.tokenService.exchanges.slice(exchangesBefore).filter((e) => e.userId === user.id);
  return {
    lists: lists.length,
    statuses: answers.map((a) => a.status),
    // The instance that went on answers with OAuthPrompt's { id, connectionName }; a duplicate with no body.
    acted: answers.filter((a) => (a.body as { id?: string } | undefined)?.id !== undefined).length,
    exchanges: exchanges.length,
    refusedExchanges: exchanges.filter((e) => !e.ok).length,
  };
}

describe('production mode: one token exchange across instances', () => {
  it('two bot processes on one Azurite: the same signin/tokenExchange to both, exactly one signs the user in and answers', async ({
    expect,
  }) => {
    const [a, b] = processes.map((p) => stack.driverFor(`${p.url}/api/messages`)) as [TeamsDriver, TeamsDriver];
    const adele = stack.teamsUser(demoUsers.requester.id);
    const { conversationId, exchangeId } = await askForRoles(a, adele);
    const exchangesBefore = stack.tokenService.exchanges.length;

    const answers = await fanOut([a, b], adele, exchangeId);
    // An invoke is answered when its turn has ended: every reply either instance makes is sent by now.
    const seen = outcome(conversationId, adele, answers, exchangesBefore);
    const marks: string[] = [];
    for await (const blob of BlobServiceClient.fromConnectionString(azurite.connectionString)
      .getContainerClient(container)
      .listBlobsFlat({ prefix: 'sso-token-exchange/' })) {
      marks.push(blob.name);
    }
    console.log(
      `token exchange fan-out to 2 processes on Azurite: ${JSON.stringify(seen)}, dedupe marks ${marks.length}`,
    );
    expect(seen).toEqual({
      lists: 1,
      statuses: [200, 200],
      acted: 1,
      // One exchange per instance in the middleware, one more by OAuthPrompt in the instance that went on.
      exchanges: 3,
      refusedExchanges: 0,
    });
    expect(marks).toEqual([`sso-token-exchange/${encodeURIComponent(`msteams/${conversationId}/${exchangeId}`)}`]);
  });

  it('negative: two instances sharing their state but each deduping in its own memory both sign the user in', async ({
    expect,
  }) => {
    // Both instances share the conversation state (so either may resume the sign-in), as on Azure Storage; only
    // the dedupe marks stay in each instance's memory, as MemoryStorage keeps them.
    const shared = new MemoryStorage();
    const one = await stack.startBot({ storage: new OwnDedupeMarks(shared) });
    const two = await stack.startBot({ storage: new OwnDedupeMarks(shared) });
    const megan = stack.teamsUser(demoUsers.approver.id);
    const { conversationId, exchangeId } = await askForRoles(one.driver, megan);
    const exchangesBefore = stack.tokenService.exchanges.length;

    const answers = await fanOut([one.driver, two.driver], megan, exchangeId);
    const seen = outcome(conversationId, megan, answers, exchangesBefore);
    console.log(`token exchange fan-out, dedupe per instance: ${JSON.stringify(seen)}`);
    expect(seen).toMatchObject({ lists: 2, acted: 2, exchanges: 4, refusedExchanges: 0 });
  });
});

/**
 * Storage shared between instances, except the token exchange dedupe marks (`msteams/{conversationId}/{value.id}`,
 * botbuilder's getStorageKey), which this instance keeps in its own memory.
 */
class OwnDedupeMarks implements Storage {
  private readonly own = new MemoryStorage();
  constructor(private readonly shared: Storage) {}

  private static isMark(key: string): boolean {
    return /^msteams\/(?!conversations\/|users\/)[^/]+\/[^/]+$/.test(key);
  }

  private split(keys: string[]): [string[], string[]] {
    return [keys.filter(OwnDedupeMarks.isMark), keys.filter((k) => !OwnDedupeMarks.isMark(k))];
  }

  async read(keys: string[]): Promise<StoreItems> {
    const [marks, rest] = this.split(keys);
    return { ...(await this.own.read(marks)), ...(await this.shared.read(rest)) };
  }

  async write(changes: StoreItems): Promise<void> {
    const [marks, rest] = this.split(Object.keys(changes));
    const pick = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, changes[k]]));
    if (marks.length) await this.own.write(pick(marks));
    if (rest.length) await this.shared.write(pick(rest));
  }

  async delete(keys: string[]): Promise<void> {
    const [marks, rest] = this.split(keys);
    await this.own.delete(marks);
    await this.shared.delete(rest);
  }
}
