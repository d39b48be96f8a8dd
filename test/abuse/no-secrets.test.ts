import { browse } from '../support/browser';
import { format } from 'node:util';
import { MemoryStorage } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { type BotHarness, cardActions, startBotHarness, visibleText } from '../support/bot-harness';
import { figure } from './abuse-support';

/**
 * After a full run (activation, approval, step-up sign-in, and a few failures so the error paths log too),
 * every log line the bot wrote at trace level (through the production logger), everything written to the
 * console, everything the bot keeps in its storage and every activity it sent to Teams is scanned for tokens
 * (JWT-shaped eyJ...), the client secret, Authorization values, and the step-up's authorization code.
 */

const { requester: adele, approver: megan, secondApprover: nestor, noAccess: lee } = demoUsers;
let h: BotHarness;
const logLines: string[] = [];
const consoleLines: string[] = [];
const memory: Record<string, string> = {};
/** Values that must never be written anywhere, collected as the run goes (the step-up's code, tokens seen). */
const knownSecrets = new Set<string>();

const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/-]{8,}/gi;
/** A credential-named field whose value is anything but the redaction mark. */
const CREDENTIAL_FIELD =
  /"(?:authorization|access_token|refresh_token|id_token|client_secret|client_assertion|assertion|code_verifier|password|token)"\s*:\s*"(?!\[redacted\])[^"]+"/gi;
const QUERY_SECRET =
  /[?&](?:code|client_secret|assertion|client_assertion|code_verifier|access_token|refresh_token)=[^&\s"]{6,}/gi;

function findSecrets(text: string): string[] {
  const found = [
    ...(text.match(JWT) ?? []),
    ...(text.match(BEARER) ?? []),
    ...(text.match(CREDENTIAL_FIELD) ?? []),
    ...(text.match(QUERY_SECRET) ?? []),
  ];
  for (const secret of knownSecrets) if (text.includes(secret)) found.push(`known secret ${secret.slice(0, 6)}…`);
  return found;
}

beforeAll(async () => {
  h = await startBotHarness(
    {},
    {
      logDestination: { write: (line: string) => void logLines.push(line) },
      logLevel: 'trace',
      storage: new MemoryStorage(memory),
      productionGraphObserver: true,
    },
  );
  h.stack.graph.loadFixture(demoTenant);
  knownSecrets.add(h.stack.botApp.clientSecret);
});
afterAll(async () => h?.close());

async function confirm(user: FixtureUser, text: string): Promise<void> {
  h.connector.reset();
  await h.say(user, text);
  const action = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
  expect(action, text).toBeDefined();
  h.connector.reset();
  expect(await h.submit(user, action!.data!)).toBe(200);
}

/** Follows the sign-in card's link through the authority back to the bot, keeping the code it carried. */
async function signIn(url: string): Promise<void> {
  const page = await browse(url, {
    rewriteUrl: h.viaFrontDoor,
    onFields: (fields) => {
      const code = fields.get('code');
      if (code) knownSecrets.add(code);
    },
  });
  expect(page.status).toBe(200);
}

describe('no secrets in logs, console or storage', () => {
  it('after activation, approval and step-up (and some failures), nothing scanned holds a token, secret or code', {
    timeout: 60_000,
  }, async () => {
    const outbound: string[] = [];
    const keep = () => outbound.push(...h.connector.calls.map((c) => JSON.stringify(c.body)));
    const original = {
      log: console.log,
      info: console.info,
      warn: console.warn,
      error: console.error,
      debug: console.debug,
    };
    for (const level of Object.keys(original) as (keyof typeof original)[]) {
      console[level] = (...args: unknown[]) => void consoleLines.push(format(...args));
    }
    // A token as the bot receives them, to prove the scanner would see one.
    const sample = await h.stack.authority.issueTeamsSsoToken({
      userId: adele.id,
      clientId: h.stack.botApp.clientId,
      amr: ['pwd', 'mfa'],
    });
    try {
      await h.say(megan, 'help');
      await h.say(nestor, 'help');
      keep();
      // Activation without approval.
      await confirm(adele, 'activate Exchange Administrator 2h INC-42 fix mailbox rules');
      keep();
      // Approval: Adele asks, Megan approves on her card.
      await confirm(adele, 'activate Global Administrator 2h CHG-1042 conditional access change');
      keep();
      const requestId = h.stack.graph.snapshot().requests.find((r) => r.status === 'PendingApproval')?.id as string;
      const approved = await h.invoke(megan, 'approve', { pimbot: 'approve', requestId, comment: 'CAB approved' });
      expect(JSON.stringify(approved.body)).toMatch(/Approved/);
      keep();
      // Step-up: an authentication context, signed in through /auth/start and the authority.
      await confirm(adele, 'activate Privileged Role Administrator 1h INC-9 delegate PIM settings');
      const link = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.type === 'Action.OpenUrl')?.url;
      expect(link).toMatch(/\/auth\/start\?state=/);
      keep();
      h.connector.reset();
      await signIn(link!);
      await h.connector.waitFor((calls) => calls.some((c) => /Waiting for approval/.test(visibleText(c.body))), 10_000);
      keep();
      // Failures: Graph throttling, a connector error (the turn's error handler logs it), a forged deactivation,
      // a replayed sign-in callback, a request that is not an activity.
      h.connector.reset();
      h.stack.graph.injectFault({ kind: 'status', status: 429, count: 10, retryAfterSeconds: 45 });
      await h.say(adele, 'active');
      h.stack.graph.clearFaults();
      h.connector.failNext(403);
      await h.say(adele, 'roles');
      await h.invoke(lee, 'deactivate', { pimbot: 'deactivate', key: 'role:62e90394-69f5-4237-9190-012177145e10:/' });
      await fetch(`${h.botUrl}/auth/callback?code=forged-code-value&state=forged-state`);
      await h.post({ text: 'no type' });
      keep();
    } finally {
      Object.assign(console, original);
    }

    expect(findSecrets(sample).length, 'the scanner sees a real token').toBeGreaterThan(0);
    const stored = Object.entries(memory).map(([key, value]) => `${key} ${value}`);
    const sources = {
      'log lines': logLines,
      'console lines': consoleLines,
      'storage items': stored,
      'outbound activities': outbound,
    };
    const findings = Object.entries(sources).flatMap(([source, lines]) =>
      lines.flatMap((line, i) =>
        findSecrets(line).map((secret) => `${source}[${i}]: ${secret.slice(0, 40)}… in ${line.slice(0, 160)}`),
      ),
    );
    const bytes = (lines: string[]) => lines.reduce((n, l) => n + l.length, 0);
    const kinds = new Set(logLines.map((l) => (JSON.parse(l) as { msg: string }).msg));
    figure(
      'no-secrets',
      `${logLines.length} log lines (${Math.round(bytes(logLines) / 1024)} KB, trace level), ${consoleLines.length} console lines, ${stored.length} storage items (${Math.round(bytes(stored) / 1024)} KB), ${outbound.length} outbound activities scanned (log messages: ${[...kinds].join(' | ')}); ${knownSecrets.size} known secrets (client secret, step-up codes) and every JWT/Bearer/credential-field shape looked for: ${findings.length} found`,
    );
    for (const f of findings.slice(0, 10)) console.log(`  found: ${f}`);
    expect(logLines.length).toBeGreaterThan(20);
    expect(stored.length).toBeGreaterThan(0);
    expect(knownSecrets.size).toBeGreaterThanOrEqual(2); // the client secret and at least one code
    expect(findings).toEqual([]);
  });
});
