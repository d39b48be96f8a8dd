/**
 * The Graph simulator at tenant scale, on its own (no bot): how long the reads behind `roles` take in the
 * 10,000-user / 100,000-eligibility tenant (`scaleFixture()`), before and after the tenant has a history
 * of requests, and how many Graph calls the activation watcher's request listing makes per tick at 1,000,
 * 10,000 and 100,000 historic requests (the simulator's call log).
 *
 *   npx tsx bench/simulator-scale.ts              # ~1 minute
 *   SIM_SCALE_TURNS=200 npx tsx bench/simulator-scale.ts
 *   SIM_SCALE_WATCHER=0 npx tsx bench/simulator-scale.ts   # skip the 100,000-request history
 *
 * Goal (issue 19, "Tenant scale in the stand-ins"): `roles` for one user costs ≤ 50 ms at the simulator
 * (p99). `roles` is the bot's listEligible + listActive: four filterByCurrentUser(on='principal') reads
 * sent together (src/pim/pim-client.ts). Each is also timed alone, and so are the app-only
 * `$filter=principalId eq '…'` reads the watcher and the follow-up jobs make.
 *
 * Prints p50/p99 per read and PASS/MISS against the goal; exits 0 either way (a report, not a test).
 * Called from bench/run.ts, it would be `spawn('npx', ['tsx', 'bench/simulator-scale.ts'])` and its
 * `--json` line (last line of stdout) parsed.
 */
import { Agent, request } from 'node:https';
import { availableParallelism, loadavg } from 'node:os';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { type GraphSimulator, startGraphSimulator } from '../simulators/graph';
import { createCertificateAuthority } from '../simulators/tls/certificate-authority';
import { HEAVY_BASE, HEAVY_USERS, ROLES, scaleFixture, USER_COUNT, userId } from './fixtures';

const GOAL_MS = 50;
const TURNS = Number(process.env.SIM_SCALE_TURNS ?? 60);
const WATCHER = process.env.SIM_SCALE_WATCHER !== '0';
const ROLES_PATH = '/v1.0/roleManagement/directory';
const GROUPS_PATH = '/v1.0/identityGovernance/privilegedAccess/group';

/** The four reads of `roles` (src/pim/pim-client.ts listEligible + listActive), delegated. */
const ROLES_READS = {
  roleEligibility: `${ROLES_PATH}/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition,directoryScope`,
  groupEligibility: `${GROUPS_PATH}/eligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=group`,
  roleActive: `${ROLES_PATH}/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition`,
  groupActive: `${GROUPS_PATH}/assignmentScheduleInstances/filterByCurrentUser(on='principal')?$expand=group`,
};

/** App-only reads of one principal (src/pim/pim-reader.ts), as the watcher and follow-up jobs send them. */
const principalReads = (principalId: string) => ({
  roleInstancesOf: `${ROLES_PATH}/roleAssignmentScheduleInstances?$filter=${encodeURIComponent(`principalId eq '${principalId}'`)}&$select=id,principalId,startDateTime,endDateTime,roleDefinitionId,roleAssignmentScheduleId`,
  groupInstancesOf: `${GROUPS_PATH}/assignmentScheduleInstances?$filter=${encodeURIComponent(`principalId eq '${principalId}'`)}&$select=id,principalId,startDateTime,endDateTime,groupId,assignmentScheduleId`,
  roleRequestsOf: `${ROLES_PATH}/roleAssignmentScheduleRequests?$filter=${encodeURIComponent(`principalId eq '${principalId}'`)}&$select=id,status,principalId,createdDateTime`,
});

/** What the watcher lists every tick (src/pim/pim-reader.ts listRoleAssignmentRequests). */
const WATCHER_LISTING = `${ROLES_PATH}/roleAssignmentScheduleRequests?$select=id,action,status,principalId,justification,ticketInfo,approvalId,createdDateTime,completedDateTime,scheduleInfo,isValidationOnly,targetScheduleId,roleDefinitionId,directoryScopeId`;
/** src/pim/graph-transport.ts: `list` stops (TooManyPages) after this many pages. */
const TRANSPORT_MAX_PAGES = 50;

interface Timing {
  p50Ms: number;
  p99Ms: number;
  /** CPU this process used per read (server and this client): the part of the wall time not spent waiting. */
  cpuP50Ms: number;
  cpuP99Ms: number;
  n: number;
}

interface Sample {
  wallMs: number;
  cpuMs: number;
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[i] ?? 0) * 10) / 10;
}

function summarize(samples: Sample[]): Timing {
  const wall = samples.map((s) => s.wallMs).sort((a, b) => a - b);
  const cpu = samples.map((s) => s.cpuMs).sort((a, b) => a - b);
  return {
    p50Ms: percentile(wall, 50),
    p99Ms: percentile(wall, 99),
    cpuP50Ms: percentile(cpu, 50),
    cpuP99Ms: percentile(cpu, 99),
    n: samples.length,
  };
}

interface Client {
  get(path: string, token: string): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): void;
}

function httpsClient(baseUrl: string, caPem: string): Client {
  const agent = new Agent({ keepAlive: true, maxSockets: 8, ca: caPem });
  return {
    get: (path, token) =>
      new Promise((resolve, reject) => {
        const url = path.startsWith('https://') ? path : `${baseUrl}${path}`;
        const req = request(url, { agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      }),
    close: () => agent.destroy(),
  };
}

interface Tokens {
  user(id: string): Promise<string>;
  app: string;
  trust: { issuer: string; jwks: { keys: Array<Record<string, unknown>> } };
}

/** A throw-away RS256 signer standing in for the local Entra authority (as test/simulators/graph/support.ts). */
async function tokens(tenantId: string): Promise<Tokens> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'sim-scale', alg: 'RS256', use: 'sig' };
  const issuer = `https://login.microsoftonline.com/${tenantId}/v2.0`;
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'sim-scale', typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience('https://graph.microsoft.com')
      .setIssuedAt()
      .setNotBefore(Math.floor(Date.now() / 1000) - 60)
      .setExpirationTime('4h')
      .sign(privateKey);
  const scp = [
    'User.Read',
    'RoleManagement.Read.Directory',
    'RoleEligibilitySchedule.Read.Directory',
    'RoleAssignmentSchedule.ReadWrite.Directory',
    'PrivilegedEligibilitySchedule.Read.AzureADGroup',
    'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
  ].join(' ');
  const cache = new Map<string, Promise<string>>();
  return {
    user: (id) => {
      let t = cache.get(id);
      if (!t) {
        t = sign({ tid: tenantId, oid: id, idtyp: 'user', scp, amr: ['pwd', 'mfa'] });
        cache.set(id, t);
      }
      return t;
    },
    app: await sign({
      tid: tenantId,
      oid: '0b0b0b0b-0000-4000-8000-00000000a99a',
      idtyp: 'app',
      roles: ['RoleManagement.ReadWrite.Directory', 'PrivilegedAssignmentSchedule.Read.AzureADGroup'],
      appid: 'pim-bot',
    }),
    trust: { issuer, jwks: { keys: [jwk] } },
  };
}

/** Wall time and this process's CPU time (the simulator and the client share it; reads run one at a time). */
async function timed(fn: () => Promise<unknown>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await fn();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - t, cpuMs: (used.user + used.system) / 1000 };
}

async function expectOk(client: Client, path: string, token: string): Promise<Record<string, unknown>> {
  const res = await client.get(path, token);
  if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Heavy users (50 eligibilities each) first, then ordinary ones (8-9), one user per turn. */
function benchUsers(turns: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < turns; i++) {
    out.push(i % 2 === 0 ? userId(HEAVY_BASE + ((i / 2) % HEAVY_USERS)) : userId((i * 37) % HEAVY_BASE));
  }
  return out;
}

type ReadTimings = Record<string, Timing>;

async function measureReads(client: Client, tok: Tokens, label: string): Promise<ReadTimings> {
  const users = benchUsers(TURNS);
  for (const u of users) await tok.user(u);
  // Warm-up (JIT, connections): every read for a few users, not counted.
  for (const u of [userId(HEAVY_BASE + HEAVY_USERS - 1), userId(1), userId(2)]) {
    const token = await tok.user(u);
    for (const path of Object.values(ROLES_READS)) await expectOk(client, path, token);
    for (const path of Object.values(principalReads(u))) await expectOk(client, path, tok.app);
  }
  const roles: Sample[] = [];
  const each: Record<string, Sample[]> = {};
  const record = (name: string, sample: Sample) => {
    const list = each[name] ?? [];
    list.push(sample);
    each[name] = list;
  };
  for (const u of users) {
    const token = await tok.user(u);
    roles.push(await timed(() => Promise.all(Object.values(ROLES_READS).map((p) => expectOk(client, p, token)))));
    for (const [name, path] of Object.entries({ ...ROLES_READS })) {
      record(name, await timed(() => expectOk(client, path, token)));
    }
    for (const [name, path] of Object.entries(principalReads(u))) {
      record(name, await timed(() => expectOk(client, path, tok.app)));
    }
  }
  const out: ReadTimings = { roles: summarize(roles) };
  for (const [name, ms] of Object.entries(each)) out[name] = summarize(ms);
  console.log(`\n${label}`);
  for (const [name, t] of Object.entries(out)) {
    console.log(
      `  ${name.padEnd(18)} p50 ${String(t.p50Ms).padStart(7)} ms   p99 ${String(t.p99Ms).padStart(7)} ms   (CPU p50 ${t.cpuP50Ms} ms, p99 ${t.cpuP99Ms} ms)`,
    );
  }
  return out;
}

/**
 * `count` activations, each a portal activation (no token, the simulator's control path) of Reports Reader
 * or of one of the user's eligible roles, moving the clock past each round's end (8 h) so the same users
 * can activate again: a tenant with `count` historic role requests.
 */
function makeHistory(sim: GraphSimulator, count: number, eligible: Map<string, string[]>): void {
  const users = [...eligible.keys()];
  let made = 0;
  while (made < count) {
    for (const u of users) {
      for (const roleDefinitionId of eligible.get(u) ?? []) {
        if (made >= count) break;
        sim.activate({ principalId: u, roleDefinitionId, duration: 'PT1H', justification: 'bench history' });
        made++;
      }
      if (made >= count) break;
    }
    sim.clock.advance(9 * 3_600_000);
  }
}

/** The watcher's tick: its request listing, page after page (nextLink verbatim), counted in the call log. */
async function watcherTick(
  sim: GraphSimulator,
  client: Client,
  tok: Tokens,
): Promise<{ calls: number; items: number; stoppedAtMaxPages: boolean; ms: number }> {
  sim.resetCalls();
  const t = performance.now();
  let body = await expectOk(client, WATCHER_LISTING, tok.app);
  let items = 0;
  let pages = 1;
  for (;;) {
    items += (body.value as unknown[]).length;
    const next = body['@odata.nextLink'];
    if (typeof next !== 'string') break;
    if (pages >= TRANSPORT_MAX_PAGES) {
      return { calls: sim.calls().length, items, stoppedAtMaxPages: true, ms: Math.round(performance.now() - t) };
    }
    body = await expectOk(client, next, tok.app);
    pages++;
  }
  return { calls: sim.calls().length, items, stoppedAtMaxPages: false, ms: Math.round(performance.now() - t) };
}

/**
 * PASS/MISS on the wall-clock p99. A MISS says whether the simulator's own work (CPU per read) or waiting
 * for a core (this machine is shared: the load average is printed) made the tail.
 */
function verdict(name: string, t: Timing): string {
  if (t.p99Ms <= GOAL_MS) return `PASS ${name}: p99 ${t.p99Ms} ms ≤ ${GOAL_MS} ms (p50 ${t.p50Ms} ms)`;
  const [load1] = loadavg();
  const cause =
    t.cpuP99Ms <= GOAL_MS
      ? `the simulator's CPU per read is p99 ${t.cpuP99Ms} ms; the rest is waiting for a core (load average ${load1?.toFixed(1)} on ${availableParallelism()} cores): rerun on a quiet machine`
      : `the simulator's CPU per read is p99 ${t.cpuP99Ms} ms: its own work is over the goal`;
  return `MISS ${name}: p99 ${t.p99Ms} ms > ${GOAL_MS} ms (p50 ${t.p50Ms} ms); ${cause}`;
}

async function main(): Promise<void> {
  const ca = createCertificateAuthority('sim-scale bench CA');
  const fixture = scaleFixture();
  const tok = await tokens(fixture.tenantId);
  const t0 = performance.now();
  const sim = await startGraphSimulator({ ca, fixture, trust: tok.trust });
  const loadMs = Math.round(performance.now() - t0);
  // A fresh connection pool after each long in-process step (history), whose sockets the server closed.
  let client = httpsClient(sim.url, ca.certPem);
  const reconnect = () => {
    client.close();
    client = httpsClient(sim.url, ca.certPem);
  };
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores`,
  );
  console.log(
    `Graph simulator, ${USER_COUNT.toLocaleString('en')} users, ${fixture.roleEligibilities.length.toLocaleString('en')} role eligibilities (loaded in ${loadMs} ms); ${TURNS} users per read`,
  );
  const results: Record<string, unknown> = { loadMs, turns: TURNS };
  try {
    const fresh = await measureReads(client, tok, 'Fresh tenant (no requests yet)');
    results.fresh = fresh;

    const eligible = new Map<string, string[]>();
    for (const e of fixture.roleEligibilities) {
      const list = eligible.get(e.principalId) ?? [];
      list.push(e.roleDefinitionId);
      eligible.set(e.principalId, list);
    }
    const t1 = performance.now();
    makeHistory(sim, 10_000, eligible);
    const historyMs = Math.round(performance.now() - t1);
    console.log(`\n10,000 role activations made through the simulator in ${historyMs} ms`);
    reconnect();
    // Activations in effect now, so the active-role reads have something to return.
    for (const u of benchUsers(TURNS)) {
      const role = eligible.get(u)?.[0] ?? ROLES.noApproval.id;
      sim.activate({ principalId: u, roleDefinitionId: role, duration: 'PT2H', justification: 'bench' });
    }
    const history = await measureReads(client, tok, 'After 10,000 historic requests (and the bench users active)');
    results.history = { activationsMs: historyMs, reads: history };

    const verdicts = [
      verdict('roles (fresh tenant)', fresh.roles!),
      verdict('roles (10,000 requests)', history.roles!),
    ];

    if (WATCHER) {
      const watcher: Record<string, unknown> = {};
      console.log('\nActivation watcher: Graph calls of its request listing per tick');
      for (const total of [1_000, 10_000, 100_000]) {
        sim.loadFixture(fixture);
        const t2 = performance.now();
        makeHistory(sim, total, eligible);
        const made = Math.round(performance.now() - t2);
        reconnect();
        const tick = await watcherTick(sim, client, tok);
        watcher[String(total)] = { ...tick, historyMs: made };
        console.log(
          `  ${total.toLocaleString('en').padStart(7)} requests: ${tick.calls} calls, ${tick.items} items in ${tick.ms} ms${tick.stoppedAtMaxPages ? ` (the transport stops after ${TRANSPORT_MAX_PAGES} pages: TooManyPages, the tick fails)` : ''}; history made in ${made} ms`,
        );
      }
      results.watcher = watcher;
    }
    console.log(`\n${verdicts.join('\n')}`);
    results.verdicts = verdicts;
    console.log(`--json ${JSON.stringify(results)}`);
  } finally {
    client.close();
    await sim.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `simulator-scale bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
