/**
 * `npm run playground`: the whole demo on this machine, no Azure and no tenant needed.
 * Starts the local Entra authority and the Graph PIM simulator (demo tenant "Contoso (demo)"), the bot in
 * playground mode, and the Microsoft 365 Agents Playground as the Teams client. Ctrl-C stops everything.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalStack } from '../simulators/local-stack';
import { startAzuriteProcess } from '../src/store/azure/azurite-process';
import { demoGroups, demoTenant, demoUsers } from '../simulators/tenant/demo-tenant';
import { loadOrCreateCertificateAuthority } from '../simulators/tls/certificate-authority';
import { playgroundConfigYaml, playgroundConversations } from './playground-config';

const root = fileURLToPath(new URL('..', import.meta.url));
const BOT_PORT = Number(process.env.PORT ?? 3978);
const PLAYGROUND_PORT = Number(process.env.PLAYGROUND_PORT ?? 56150);
const withPlayground = !process.argv.includes('--no-client');

async function main(): Promise<void> {
  const ca = loadOrCreateCertificateAuthority(join(root, '.local', 'ca'));
  const stack = await startLocalStack({ ca });
  // Azure Storage, locally: state under .local/azurite, so a second start reuses it.
  const azurite = await startAzuriteProcess({ location: join(root, '.local', 'azurite') });
  const children: ChildProcess[] = [];

  const stopAll = async (code: number) => {
    for (const child of children) child.kill('SIGTERM');
    await azurite.stop();
    await stack.close();
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  const bot = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'index.ts')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
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
    process.stderr.write(`The bot exited (code ${code}); stopping the demo.\n`);
    void stopAll(code ?? 1);
  });

  if (withPlayground) {
    const cli = createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
    // The Playground reads its config from M365_AGENTS_PLAYGROUND_CONFIG_PATH (default ./.m365agentsplayground.yml)
    // and, without a terminal on stdout, logs only to M365_AGENTS_PLAYGROUND_LOGFILE (default ./devTools/…).
    const dir = join(root, '.local', 'playground');
    const configPath = join(dir, '.m365agentsplayground.yml');
    const logPath = join(dir, 'm365agentsplayground.log');
    mkdirSync(dir, { recursive: true });
    writeFileSync(configPath, playgroundConfigYaml(demoTenant, demoUsers));
    const client = spawn(
      process.execPath,
      [
        cli,
        '-e',
        `http://127.0.0.1:${BOT_PORT}/api/messages`,
        '-c',
        'msteams',
        '-p',
        String(PLAYGROUND_PORT),
        '--disable-telemetry',
      ],
      {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: {
          ...process.env,
          TEAMSAPPTESTER_BROWSER: 'none',
          M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
          M365_AGENTS_PLAYGROUND_LOGFILE: logPath,
        },
      },
    );
    children.push(client);
    client.once('exit', (code) => {
      if (!code) return;
      let reason = '';
      try {
        reason = readFileSync(logPath, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('error '))
          .join('\n');
      } catch {}
      process.stderr.write(`The Agents Playground exited (code ${code}); see ${logPath}.\n${reason}\n`);
    });
  }

  process.stdout.write(
    [
      '',
      'PIM Bot demo is starting (tenant "Contoso (demo)", everything local):',
      `  Bot                 http://127.0.0.1:${BOT_PORT}/api/messages   (health: /healthz, /readyz)`,
      withPlayground
        ? `  Agents Playground   http://127.0.0.1:${PLAYGROUND_PORT}   <- open this and chat with the bot`
        : '',
      `  Entra authority     ${stack.authority.url}`,
      `  Graph simulator     ${stack.graph.url}/v1.0`,
      `  Azurite (storage)   ${azurite.blobUrl}   (data in .local/azurite)`,
      '',
      `Demo users: ${demoUsers.requester.displayName} (requester), ${demoUsers.approver.displayName} and ${demoUsers.secondApprover.displayName} (approvers).`,
      'Press Ctrl-C to stop everything.',
      '',
    ]
      .filter((l) => l !== '')
      .join('\n')
      .concat('\n'),
  );
}

main().catch((err) => {
  process.stderr.write(`The demo failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
