import { browse } from '../support/browser';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../simulators/local-stack';
import { demoBotApplication } from '../../simulators/demo-app';
import { demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { startAzurite, type TestAzurite, uniqueName } from '../support/azurite';
import { cardActions, visibleText } from '../support/bot-harness';
import { type BotProcess, startBotProcess } from '../support/bot-process';
import { type CaptureConnector, startCaptureConnector } from '../support/capture-connector';
import { PUBLIC_BASE_URL, PUBLIC_CALLBACK_URL, viaFrontDoor } from '../support/front-door';
import { testCertificateAuthority } from '../support/local-ca';

/**
 * State that survives restarts and scale-out: two bot processes share one Azurite and one Graph
 * simulator. A request made through A is approved through B; a reminder fires once; the activation
 * watcher runs on exactly one instance and moves to the other when its process is killed; a bot
 * stopped in the middle of a dialog continues it after a restart.
 */

const { requester: adele, approver: megan, secondApprover: nestor } = demoUsers;
let azurite: TestAzurite;
let stack: LocalStack;
let connector: CaptureConnector;
let a: BotProcess;
let b: BotProcess;
let env: Record<string, string>;

/** Azurite keeps its data here, so the secret scan can read every blob and queue message as stored. */
const azuriteData = mkdtempSync(join(tmpdir(), 'pimbot-scale-out-'));

beforeAll(async () => {
  azurite = await startAzurite({ location: azuriteData });
  stack = await startLocalStack({
    ca: testCertificateAuthority(),
    // Both instances behind one public URL (the load balancer's): one redirect URI.
    botApp: demoBotApplication([PUBLIC_CALLBACK_URL]),
  });
  connector = await startCaptureConnector();
  env = {
    STORAGE_CONNECTION_STRING: azurite.connectionString,
    STORAGE_CONTAINER: uniqueName('state'),
    WATCHER_INTERVAL_SECONDS: '1',
    JOB_POLL_SECONDS: '0.5',
    APPROVAL_REMINDER_MINUTES: '0.05',
  };
  [a, b] = await Promise.all([startBotProcess(stack, env), startBotProcess(stack, env)]);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([a?.kill(), b?.kill()]);
  await connector?.close();
  await stack?.close();
  await azurite?.stop();
  rmSync(azuriteData, { recursive: true, force: true });
});

function activity(user: FixtureUser, conversation: string, extra: Partial<Activity>): Partial<Activity> {
  return {
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    from: { id: `29:${user.id}`, aadObjectId: user.id, name: user.displayName },
    recipient: { id: '28:pim-bot', name: 'PIM Bot' },
    conversation: {
      id: conversation,
      conversationType: 'personal',
      tenantId: demoTenant.tenantId,
      isGroup: false,
      name: '',
    },
    channelData: { tenant: { id: demoTenant.tenantId } },
    localTimezone: 'UTC',
    ...extra,
  };
}

async function post(bot: BotProcess, body: Partial<Activity>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${bot.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const say = (bot: BotProcess, user: FixtureUser, conversation: string, text: string) =>
  post(bot, activity(user, conversation, { type: 'message', text }));

// One story, never shuffled: an instance is killed part-way (the takeover), and the last test scans everything
// the story wrote to Azure Storage and the logs for secrets.
describe('two instances on one Azure Storage', { shuffle: false }, () => {
  it('the activation watcher runs on exactly one instance', async () => {
    await Promise.race([
      a.waitForLog(/now runs the activation watcher/),
      b.waitForLog(/now runs the activation watcher/),
    ]);
    await new Promise((r) => setTimeout(r, 1500));
    const leaders = [a, b].filter((p) => p.lines.some((l) => /now runs the activation watcher/.test(l)));
    expect(leaders).toHaveLength(1);
  });

  it('a request made through A is approved through B, and its reminder fires once', async () => {
    const conv = `a:adele-${randomUUID()}`;
    await say(b, megan, `a:megan-${randomUUID()}`, 'help');
    await say(a, nestor, `a:nestor-${randomUUID()}`, 'help');
    connector.reset();

    await say(a, adele, conv, 'activate Global Administrator 1h CHG-7 conditional access change');
    const confirm = connector.calls.flatMap((c) => cardActions(c.body)).find((x) => x.data?.pimbot === 'confirm');
    expect(confirm).toBeDefined();
    await post(a, activity(adele, conv, { type: 'message', value: confirm!.data }));
    const request = stack.graph
      .snapshot()
      .requests.find((r) => r.principalId === adele.id && r.status === 'PendingApproval');
    expect(request).toBeDefined();

    // The reminder is a job on the shared queue (due 3 s after the request); both instances poll it.
    await connector.waitFor((calls) => calls.some((c) => /Reminder: Adele Vance/.test(c.body.text ?? '')), 15_000);
    await new Promise((r) => setTimeout(r, 2_000));
    const reminders = connector.calls.filter((c) => /Reminder: Adele Vance/.test(c.body.text ?? ''));
    expect(reminders).toHaveLength(2); // one per approver, once
    const ran = [a, b].map((p) => p.lines.filter((l) => l.includes('approvers reminded')).length);
    expect(ran[0]! + ran[1]!).toBe(1);

    const decided = await post(b, {
      ...activity(megan, `a:megan-${randomUUID()}`, {}),
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: {
        action: { type: 'Action.Execute', verb: 'approve', data: { pimbot: 'approve', requestId: request!.id } },
      },
    });
    expect(decided.status).toBe(200);
    expect(JSON.stringify(decided.body)).toMatch(/Approved/);
    expect(stack.graph.snapshot().requests.find((r) => r.id === request!.id)?.status).toBe('Provisioned');
    // B updated the requester's status card that A had posted.
    await connector.waitFor((calls) =>
      calls.some(
        (c) =>
          c.operation === 'update' && c.conversationId === conv && /Approved by Megan Bowen/.test(visibleText(c.body)),
      ),
    );
    // The follow-up job (on whichever instance took it) saw the activation provisioned: "Active until".
    await connector.waitFor(
      (calls) =>
        calls.some(
          (c) => c.operation === 'update' && c.conversationId === conv && /Active until/.test(visibleText(c.body)),
        ),
      15_000,
    );
  });

  it('when the watcher instance dies, the other takes over within the lease time', async () => {
    const leader = [a, b].find((p) => p.lines.some((l) => /now runs the activation watcher/.test(l)))!;
    const other = leader === a ? b : a;
    await leader.kill();
    await other.waitForLog(/now runs the activation watcher/, 30_000);
    // Restarted (on a new port; the load balancer's public URL stays), for the tests below.
    if (leader === a) a = await startBotProcess(stack, env);
    else b = await startBotProcess(stack, env);
  }, 60_000);

  it('a bot restarted in the middle of a dialog continues it', async () => {
    const conv = `a:adele-${randomUUID()}`;
    connector.reset();
    await say(a, adele, conv, 'activate Global Administrator');
    expect(connector.sentTexts().join('\n')).toMatch(/How long do you need Global Administrator/);
    await a.stop();
    a = await startBotProcess(stack, env);
    connector.reset();
    await say(a, adele, conv, '1h');
    expect(connector.sentTexts().join('\n')).toMatch(/Global Administrator requires a justification/);
  }, 60_000);

  it('a step-up sign-in begun on A is finished on B (the load balancer sends the browser anywhere)', async () => {
    const conv = `a:adele-${randomUUID()}`;
    connector.reset();
    await say(a, adele, conv, 'activate Privileged Role Administrator 1h INC-9 delegate PIM settings');
    const confirm = connector.calls.flatMap((c) => cardActions(c.body)).find((x) => x.data?.pimbot === 'confirm');
    await post(a, activity(adele, conv, { type: 'message', value: confirm!.data }));
    const signIn = connector.calls.flatMap((c) => cardActions(c.body)).find((x) => x.type === 'Action.OpenUrl');
    expect(signIn?.url?.startsWith(`${PUBLIC_BASE_URL}/auth/start?state=`), signIn?.url).toBe(true);

    // The browser reaches B for both /auth/start and the callback.
    const landed = await browse(signIn!.url!, { rewriteUrl: viaFrontDoor(b.url) });
    const page = landed.text;
    const url = landed.url;
    expect(page).toMatch(/signed in/i);
    expect(url.startsWith(b.url)).toBe(true);
    // B resumed the dialog A had started: the request is in PIM and the status card says so.
    await connector.waitFor(
      (calls) =>
        calls.some(
          (c) =>
            c.conversationId === conv && c.operation === 'update' && /Waiting for approval/.test(visibleText(c.body)),
        ),
      10_000,
    );
    expect(
      stack.graph
        .snapshot()
        .requests.filter(
          (r) => r.principalId === adele.id && r.roleDefinitionId === demoRoles.privilegedRoleAdministrator,
        ),
    ).toHaveLength(1);
  }, 30_000);

  it('nothing secret in Azure Storage or the logs: no token, no client secret, no Authorization header', async () => {
    const { BlobServiceClient } = await import('@azure/storage-blob');
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      env.STORAGE_CONTAINER!,
    );
    const texts: string[] = [];
    for await (const blob of container.listBlobsFlat()) {
      texts.push((await container.getBlobClient(blob.name).downloadToBuffer()).toString('utf8'));
    }
    // Queue messages as Azurite stores them (also those not visible yet: jobs due in hours), base64 decoded.
    const stored = filesUnder(azuriteData).map((file) => readFileSync(file).toString('latin1'));
    const decoded = stored.flatMap((text) =>
      [...text.matchAll(/[A-Za-z0-9+/]{40,}={0,2}/g)].map((m) => Buffer.from(m[0], 'base64').toString('latin1')),
    );
    const jobs = decoded.filter((t) => /"type":"(approval|activation)\.[a-z]+"/.test(t));
    const logs = [...a.lines, ...b.lines];
    console.log(
      `secret-scan: ${texts.length} blobs, ${stored.length} Azurite files (${jobs.length} job messages), ${logs.length} log lines scanned`,
    );
    expect(jobs.length).toBeGreaterThan(0);
    texts.push(...stored, ...decoded);
    expect(texts.length).toBeGreaterThan(5);
    expect(logs.length).toBeGreaterThan(5);
    for (const text of [...texts, ...logs]) {
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./);
      expect(text).not.toContain(stack.botApp.clientSecret);
      expect(text).not.toMatch(/Bearer [A-Za-z0-9]/);
    }
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
