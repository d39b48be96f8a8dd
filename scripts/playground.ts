/**
 * `npm run playground`: the whole demo on this machine, no Azure and no tenant needed.
 * Starts the local Entra authority and the Graph PIM simulator (demo tenant "Contoso (demo)"), Azurite, the
 * bot in playground mode, and two Microsoft 365 Agents Playgrounds as the Teams clients: Adele Vance (the
 * requester) on PLAYGROUND_PORT and Megan Bowen (an approver) on APPROVER_PLAYGROUND_PORT. The Playground
 * cannot switch its current user, so each person gets a window of their own. Once everything answers it
 * prints a short walkthrough (with where each listens: a port of 0 takes one the system picks). `--no-client`
 * starts no Playground. Ctrl-C stops everything.
 * `--production-stack` runs scripts/production-stack.ts instead: the bot in production mode against the
 * Bot Framework stand-ins too, driven from a console that plays Teams (the Playground cannot do SSO).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalStack } from '../simulators/local-stack';
import { demoGroups, demoTenant, demoUsers } from '../simulators/tenant/demo-tenant';
import { loadOrCreateCertificateAuthority } from '../simulators/tls/certificate-authority';
import { startAzuriteProcess } from '../simulators/azurite/azurite-process';
import { botListening } from './bot-listening';
import { type PlaygroundSeat, playgroundConfigYaml, playgroundConversations } from './playground-config';

const root = fileURLToPath(new URL('..', import.meta.url));
const BOT_PORT = Number(process.env.PORT ?? 3978);
const PLAYGROUND_PORT = Number(process.env.PLAYGROUND_PORT ?? 56150);
const APPROVER_PLAYGROUND_PORT = Number(process.env.APPROVER_PLAYGROUND_PORT ?? 56151);
const withPlayground = !process.argv.includes('--no-client');
/** How long to wait for the bot and the Playgrounds to answer before printing the walkthrough anyway. */
const READY_TIMEOUT_MS = 60_000;
/** Set once Ctrl-C (or the bot's exit) stops the demo: exits after that are expected. */
let stopping = false;

/** One Teams window: a Playground whose current user is one demo user. */
interface DemoWindow {
  seat: PlaygroundSeat;
  /** "Adele Vance (requester)" */
  who: string;
  /** The port asked for (0: any); the Playground moves to a free one when it is taken. */
  port: number;
  /** Its own config and log, under .local/. */
  dir: string;
  /** Where it really listens, once it said so. */
  url: string;
}

const demoWindows: DemoWindow[] = [
  {
    seat: 'requester',
    who: `${demoUsers.requester.displayName} (requester)`,
    port: PLAYGROUND_PORT,
    dir: join(root, '.local', 'playground'),
    url: `http://127.0.0.1:${PLAYGROUND_PORT}`,
  },
  {
    seat: 'approver',
    who: `${demoUsers.approver.displayName} (approver)`,
    port: APPROVER_PLAYGROUND_PORT,
    dir: join(root, '.local', 'playground-approver'),
    url: `http://127.0.0.1:${APPROVER_PLAYGROUND_PORT}`,
  },
];

interface StartedPlayground {
  win: DemoWindow;
  child: ChildProcess;
  /** The port it listens on ("Listening on N" on its stdout), or undefined when it exits first. */
  listening: Promise<number | undefined>;
}

/**
 * Starts one Playground against the bot. It reads its config from M365_AGENTS_PLAYGROUND_CONFIG_PATH
 * (default ./.m365agentsplayground.yml) and, without a terminal on stdout, logs to
 * M365_AGENTS_PLAYGROUND_LOGFILE (default ./devTools/…); stdout then carries "Listening on N" and little
 * else. An exit with an error is reported with the log's error lines; the rest of the demo keeps running.
 */
function startPlayground(win: DemoWindow, botUrl: string): StartedPlayground {
  const cli = createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
  const configPath = join(win.dir, '.m365agentsplayground.yml');
  const logPath = join(win.dir, 'm365agentsplayground.log');
  mkdirSync(win.dir, { recursive: true });
  writeFileSync(configPath, playgroundConfigYaml(demoTenant, demoUsers, win.seat));
  const client = spawn(
    process.execPath,
    [cli, '-e', `${botUrl}/api/messages`, '-c', 'msteams', '-p', String(win.port), '--disable-telemetry'],
    {
      cwd: win.dir,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
        M365_AGENTS_PLAYGROUND_LOGFILE: logPath,
      },
    },
  );
  const listening = new Promise<number | undefined>((resolve) => {
    // Read until it says where it listens; later output is drained and dropped.
    let out: string | undefined = '';
    client.stdout?.on('data', (chunk: Buffer) => {
      if (out === undefined) return;
      out = (out + chunk.toString('utf8')).slice(-4_096);
      const port = /Listening on (\d+)/.exec(out)?.[1];
      if (port) {
        out = undefined;
        win.url = `http://127.0.0.1:${port}`;
        resolve(Number(port));
      }
    });
    client.once('exit', () => resolve(undefined));
  });
  // Any exit before the demo stops is a failure, whatever the code (a bad port exits with 0).
  client.once('exit', (code, signal) => {
    if (stopping) return;
    let reason = '';
    try {
      reason = readFileSync(logPath, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('error '))
        .join('\n');
    } catch {}
    process.stderr.write(
      `The Agents Playground of ${win.who} at ${win.url} exited (code ${code ?? signal}); see ${logPath}.\n${reason}\n`,
    );
  });
  return { win, child: client, listening };
}

/** Resolves true once `url` answers 2xx, false when `gone()` or the deadline says to stop waiting. */
async function answers(url: string, deadline: number, gone: () => boolean): Promise<boolean> {
  while (Date.now() < deadline && !gone()) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** A note when a Playground listens elsewhere than asked (its port was taken). */
function moved(win: DemoWindow): string {
  return win.port === 0 || win.url.endsWith(`:${win.port}`) ? '' : `   (port ${win.port} was taken)`;
}

/** What to print once the demo is up: where everything is, who you are in each window, what to type. */
function walkthrough(services: string[], problems: string[]): string {
  const [adele, megan] = demoWindows;
  const requester = demoUsers.requester.displayName;
  const approver = demoUsers.approver.displayName;
  const [requesterFirst] = requester.split(' ');
  const [approverFirst] = approver.split(' ');
  const { team } = playgroundConversations;
  const lines = [
    '',
    `PIM Bot demo is ${problems.length === 0 ? 'ready' : 'up, with problems (!)'} (tenant "${demoTenant.displayName}", everything on this machine):`,
    ...services,
    ...problems.map((problem) => `  ! ${problem}`),
    '',
  ];
  if (!withPlayground) {
    lines.push(
      'No Teams client (--no-client): point one at the bot above and type "help" to it.',
      'Ctrl-C stops everything; the data is kept in .local/azurite.',
      '',
    );
    return lines.join('\n');
  }
  lines.push(
    'Two Teams windows (Microsoft 365 Agents Playground), one person each. Open both:',
    `  ${adele.url}   you are ${requester}, the requester${moved(adele)}`,
    `  ${megan.url}   you are ${approver}, an approver (member of "${demoGroups.pimApprovers.displayName}")${moved(megan)}`,
    '',
    `1. As ${requesterFirst}, type in her chat with PIM Bot, then click Activate on the card:`,
    '     activate Exchange Administrator 2h INC-42 fix mailbox rules',
    '   No approval needed: the role is active at once.',
    '2. Then a role that needs approval (Activate again; the card says Waiting for approval):',
    '     activate Global Administrator 1h CHG-1042 conditional access change',
    `3. Switch to the approver: ${approverFirst}'s window. Her chat shows the approval card: click Approve or`,
    `   Deny (type pending there to list what waits for her). ${requesterFirst}'s card turns Active, and`,
    `   ${team.name} > ${team.channel.name} in ${requesterFirst}'s window shows the decision.`,
    `4. The channel feed: as ${approverFirst}, open ${team.name} > General and post (pick PIM Bot in the @ list):`,
    '     @PIM Bot subscribe',
    '   Every activation from then on posts a card there (subscribe first to see steps 1 and 2 in it).',
    '',
    'More to type: roles, active, deactivate exchange, pending, help.',
    'Ctrl-C stops everything; the data is kept in .local/azurite (delete it to start afresh).',
    '',
  );
  return lines.join('\n');
}

/** The production-mode stack in a process of its own: NODE_EXTRA_CA_CERTS is read only when a process starts. */
function runProductionStack(): void {
  const ca = loadOrCreateCertificateAuthority(process.env.PIMBOT_CA_DIR ?? join(root, '.local', 'ca'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'production-stack.ts')], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: ca.trustBundlePath, PORT: String(BOT_PORT) },
  });
  // Ctrl-C reaches the child through the terminal's process group; stay until it has stopped.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.once('exit', (code) => process.exit(code ?? 0));
}

async function main(): Promise<void> {
  if (process.argv.includes('--production-stack')) return runProductionStack();
  const ca = loadOrCreateCertificateAuthority(join(root, '.local', 'ca'));
  const stack = await startLocalStack({ ca });
  // Azure Storage, locally: state under .local/azurite, so a second start reuses it.
  const azurite = await startAzuriteProcess({ location: join(root, '.local', 'azurite') });
  const children: ChildProcess[] = [];

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
    await azurite.stop();
    await stack.close();
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  const bot = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'index.ts')], {
    cwd: root,
    // stdout passed on as it comes, and read for where the bot listens (PORT=0).
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      PIMBOT_MODE: 'playground',
      PORT: String(BOT_PORT),
      // Every approval card also goes to the team's Approvals channel.
      APPROVALS_CHANNELS: JSON.stringify({ '*': playgroundConversations.team.channel.id }),
      // Megan and Nestor ("PIM Approvers") may subscribe a channel to the activation feed.
      FEED_ADMIN_GROUP_ID: demoGroups.pimApprovers.id,
      BREAK_GLASS_IDS: demoUsers.breakGlass.id,
      // The bot trusts the local CA the same way a deployed bot trusts Microsoft's: by its trust store.
      NODE_EXTRA_CA_CERTS: ca.trustBundlePath,
      AAD_APP_TENANT_ID: stack.fixture.tenantId,
      AAD_APP_CLIENT_ID: stack.botApp.clientId,
      AAD_APP_CLIENT_SECRET: stack.botApp.clientSecret,
      AAD_APP_OAUTH_AUTHORITY_HOST: stack.authority.url,
      GRAPH_BASE_URL: stack.graph.url,
      STORAGE_CONNECTION_STRING: azurite.connectionString,
    },
  });
  children.push(bot);
  bot.once('exit', (code) => {
    if (stopping) return;
    process.stderr.write(`The bot exited (code ${code}); stopping the demo.\n`);
    void stopAll(code ?? 1);
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  // The Playgrounds need the bot's endpoint: with PORT=0 it is known once the bot listens (undefined: it exited).
  const botUrl = await botListening(bot, BOT_PORT, READY_TIMEOUT_MS);
  if (stopping || botUrl === undefined) return;

  const clients = withPlayground ? demoWindows.map((win) => startPlayground(win, botUrl)) : [];
  children.push(...clients.map((c) => c.child));

  // The walkthrough comes last, once the bot and the windows answer, so it is not lost in their start-up output.
  const gone = (child: ChildProcess) => () => stopping || child.exitCode !== null || child.signalCode !== null;
  const late = (what: string) => `${what} did not answer within ${READY_TIMEOUT_MS / 1000} s; see the output above.`;
  const botReady = async () =>
    (await answers(`${botUrl}/healthz`, deadline, gone(bot))) ? undefined : late('The bot');
  const playgroundReady = async ({ win, child, listening }: StartedPlayground) => {
    const timeout = new Promise<undefined>((resolve) =>
      setTimeout(() => resolve(undefined), deadline - Date.now()).unref(),
    );
    const port = await Promise.race([listening, timeout]);
    if (port !== undefined && (await answers(`${win.url}/_internal/v1/config`, deadline, gone(child)))) return;
    return gone(child)()
      ? `The Playground of ${win.who} exited; see the message above.`
      : late(`The Playground of ${win.who}`);
  };
  const problems = (await Promise.all([botReady(), ...clients.map(playgroundReady)])).filter(
    (problem): problem is string => problem !== undefined,
  );
  if (stopping) return;

  const services = [
    `  Bot                 ${botUrl}/api/messages   (health: /healthz, /readyz)`,
    `  Entra authority     ${stack.authority.url}`,
    `  Graph simulator     ${stack.graph.url}/v1.0`,
    `  Azurite (storage)   ${azurite.blobUrl}`,
  ];
  process.stdout.write(walkthrough(services, problems));
}

main().catch((err) => {
  process.stderr.write(`The demo failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
