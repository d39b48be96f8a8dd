/**
 * The Agents Playground config generated for `npm run playground`: the demo users with their object ids,
 * Adele as the current user, the chats and the "IT Operations" team. Checked three ways: the YAML content,
 * the Playground's own JSON schema (extracted from its bundle, validated with ajv like the Playground does),
 * and the real Playground started with the file (a config it rejects makes it exit right after listening).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  playgroundBot,
  playgroundConfigYaml,
  playgroundConversations,
  playgroundUserId,
} from '../../scripts/playground-config';
import { demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';

interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

interface PlaygroundConfigFile {
  version: string;
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  personalChat: { id: string };
  groupChat: { id: string; name: string };
  team: { id: string; name: string; aadGroupId: string; channels: Array<{ id: string; name: string }> };
}

const yamlText = playgroundConfigYaml(demoTenant, demoUsers);
const config = parse(yamlText) as PlaygroundConfigFile;

const cli = createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');

/** The config file JSON schema embedded in the Playground's bundle (`module.exports=JSON.parse('…')`). */
function playgroundConfigSchema(): object {
  const bundle = readFileSync(join(dirname(cli), 'dist', 'index.js'), 'utf8');
  const id = bundle.indexOf('{"$id":"https://aka.ms/teams-app-test-tool-config/');
  expect(id, 'config schema not found in the Playground bundle').toBeGreaterThan(0);
  const open = "JSON.parse('";
  const start = bundle.lastIndexOf(open, id);
  expect(start + open.length).toBe(id);
  const end = bundle.indexOf("')}", id);
  // The argument is a single-quoted JS string literal; evaluate just that literal.
  const literal = new Function(`return '${bundle.slice(id, end)}';`)() as string;
  return JSON.parse(literal) as object;
}

describe('playgroundConfigYaml', () => {
  it('makes Adele the current user and the other five demo users the tenant users, by object id', () => {
    expect(config.version).toBe('0.1.1');
    expect(config.tenantId).toBe(demoTenant.tenantId);
    const all = [config.currentUser, ...config.users];
    expect(config.currentUser.aadObjectId).toBe(demoUsers.requester.id);
    expect(all.map((u) => u.aadObjectId).sort()).toEqual(
      Object.values(demoUsers)
        .map((u) => u.id)
        .sort(),
    );
    for (const demoUser of Object.values(demoUsers)) {
      const user = all.find((u) => u.aadObjectId === demoUser.id);
      expect(user).toEqual({
        id: playgroundUserId(demoUser),
        name: demoUser.displayName,
        userPrincipleName: demoUser.userPrincipalName,
        aadObjectId: demoUser.id,
        givenName: demoUser.displayName.split(' ')[0],
        surname: demoUser.displayName.split(' ').slice(1).join(' '),
        email: demoUser.mail,
      });
    }
    expect(new Set(all.map((u) => u.id)).size).toBe(6);
  });

  it('defines the personal chat, the group chat and the IT Operations team with its Approvals channel', () => {
    expect(config.bot).toEqual(playgroundBot);
    expect(config.personalChat.id).toBe(playgroundConversations.personalChat);
    expect(config.groupChat).toEqual(playgroundConversations.groupChat);
    expect(config.team.name).toBe('IT Operations');
    // General is implicit (its id is the team id); the Playground allows one more channel.
    expect(config.team.channels).toEqual([{ id: playgroundConversations.team.channel.id, name: 'Approvals' }]);
    const ids = [config.personalChat.id, config.groupChat.id, config.team.id, ...config.team.channels.map((c) => c.id)];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("passes the Playground's own config schema (ajv, as the Playground validates it)", () => {
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile(playgroundConfigSchema());
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    // The schema is strict: the usual spelling userPrincipalName is rejected.
    const misspelt = parse(yamlText.replaceAll('userPrincipleName', 'userPrincipalName'));
    expect(validate(misspelt)).toBe(false);
  });

  it("makes Megan the current user of the approver's window, with its own personal chat, also schema-valid", () => {
    const approver = parse(playgroundConfigYaml(demoTenant, demoUsers, 'approver')) as PlaygroundConfigFile;
    expect(approver.currentUser.aadObjectId).toBe(demoUsers.approver.id);
    expect(approver.users.map((u) => u.aadObjectId)).toContain(demoUsers.requester.id);
    expect(approver.users.map((u) => u.aadObjectId)).not.toContain(demoUsers.approver.id);
    expect(approver.personalChat.id).not.toBe(config.personalChat.id);
    // The same team and channels in both windows: the channel feed and Approvals are shared conversations.
    expect(approver.team).toEqual(config.team);
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile(playgroundConfigSchema());
    expect(validate(approver), JSON.stringify(validate.errors)).toBe(true);
  });
});

/** Runs the real Playground (random port) against a stand-in bot endpoint with the given config file. */
describe('the Agents Playground with the generated config', () => {
  let dir: string;
  let bot: Server;
  let botUrl: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pimbot-playground-'));
    bot = createServer((_req, res) => res.end()).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => bot.once('listening', resolve));
    botUrl = `http://127.0.0.1:${(bot.address() as AddressInfo).port}/api/messages`;
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await new Promise<void>((resolve) => bot.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts it; resolves with the port once it listens (stdout "Listening on N"), and the exit promise. */
  async function startPlayground(name: string, text: string) {
    const configPath = join(dir, `${name}.yml`);
    const logPath = join(dir, `${name}.log`);
    writeFileSync(configPath, text);
    const child = spawn(process.execPath, [cli, '-e', botUrl, '-c', 'msteams', '-p', '0', '--disable-telemetry'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
        M365_AGENTS_PLAYGROUND_LOGFILE: logPath,
      },
    });
    children.push(child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`The Playground did not listen within 10 s: ${out}`)), 10_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /Listening on (\d+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.once('exit', (code) => reject(new Error(`The Playground exited (code ${code}) before listening: ${out}`)));
    });
    return { child, port, exited, log: () => readFileSync(logPath, 'utf8') };
  }

  it('accepts it and serves the demo tenant: users, chats, General and Approvals channels', async () => {
    const { child, port, exited, log } = await startPlayground('demo', yamlText);
    const response = await fetch(`http://127.0.0.1:${port}/_internal/v1/config`, {
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(200);
    const served = (await response.json()) as {
      config: {
        tenantId: string;
        currentUser: PlaygroundUser;
        users: PlaygroundUser[];
        personalChat: { id: string };
        groupChats: Array<{ id: string }>;
        teams: Array<{ id: string; name: string; channels: Array<{ id: string; name: string }> }>;
      };
    };
    expect(served.config.tenantId).toBe(demoTenant.tenantId);
    expect(served.config.currentUser.aadObjectId).toBe(demoUsers.requester.id);
    expect(served.config.users.map((u) => u.aadObjectId)).toHaveLength(5);
    expect(served.config.personalChat.id).toBe(playgroundConversations.personalChat);
    expect(served.config.groupChats.map((c) => c.id)).toEqual([playgroundConversations.groupChat.id]);
    expect(served.config.teams.map((t) => t.name)).toEqual(['IT Operations']);
    expect(served.config.teams[0].channels.map((c) => c.name)).toEqual(['General', 'Approvals']);
    expect(log()).toContain('Configuration file is loaded from');
    // Still up (a rejected config would have made it exit by now).
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    await exited;
  });

  it('exits with the reason in its log when the config is invalid (so the test above means something)', async () => {
    const broken = yamlText.replaceAll('userPrincipleName', 'userPrincipalName');
    const { exited, log } = await startPlayground('broken', broken);
    expect(await exited).toBe(1);
    expect(log()).toMatch(/^error Reason: ConfigFileParseError .*userPrincipleName/m);
  });
});
