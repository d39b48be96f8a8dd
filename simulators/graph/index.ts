/**
 * Microsoft Graph (PIM) simulator: a local HTTPS stand-in for graph.microsoft.com that every PIM feature
 * is tested against. Same paths, payloads, statuses, policy rules and error envelopes as Graph
 * (../shared/graph/PIM-API.md); choices where Graph's behaviour is UNVERIFIED are marked in the code.
 *
 * Modules, one job each:
 * - server.ts: the request pipeline (control API, faults, token, routing, error envelope, call log)
 * - router.ts: path templates, and Graph's "Resource not found for the segment" answer
 * - auth.ts / permissions.ts: token verification (jose) and per-endpoint scopes
 * - odata/: $filter, $select, $expand, $top/$skiptoken paging, @odata.context/nextLink
 * - errors.ts, http.ts, json.ts: Graph's error envelope, request/response plumbing
 * - fixture-loader.ts: validates a TenantFixture and derives ids, default policies and lookups
 * - state.ts: requests, activations, calls, faults; lifecycle evaluated lazily against the clock
 * - views.ts: schedules and instances in effect at a given time
 * - rules-engine.ts: the activation checks; activations.ts: selfActivate/selfDeactivate/cancel/approve
 * - approvers.ts, policies.ts (the 17 rules), entities.ts (JSON for each Graph type)
 * - resources/: the route families (role management, policies, PIM for Groups, approvals, directory, Teams apps)
 * - teams-apps.ts: the Teams app catalog and personal-scope installations
 * - directory-audits.ts, audit-events.ts, resources/audit-logs.ts: PIM's directory audit events
 * - control.ts: /_sim control API (fixture, clock, faults, calls, portal activations, state)
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';
import { type Logger, pino } from 'pino';
import { ManualClock } from '../clock';
import type { TenantFixture } from '../tenant/tenant-fixture';
import { type CertificateAuthority, issueServerCertificate } from '../tls/certificate-authority';
import type { PortalActivationInput } from './activations';
import type { AuditLogSettings } from './directory-audits';
import { createTokenVerifier } from './auth';
import type { HandlerContext } from './context';
import { createPortalActivation, revokeSessions, type SimulatorSnapshot, snapshot } from './control';
import { parseFixture } from './fixture-loader';
import type { JsonObject } from './json';
import { accessReviewRoutes } from './resources/access-reviews';
import { approvalRoutesAll } from './resources/approvals';
import { auditLogRoutes } from './resources/audit-logs';
import { directoryRoutes } from './resources/directory';
import { groupPimRoutes } from './resources/group-pim';
import { policyRoutes } from './resources/policies';
import { roleAssignmentRoutes } from './resources/role-assignments';
import { roleManagementRoutes } from './resources/role-management';
import { teamsAppRoutes } from './resources/teams-apps';
import { Router } from './router';
import { createRequestListener } from './server';
import { type AcrsForm, type CallRecord, type FaultSpec, SimState } from './state';
import type { UserAppInstallation } from './teams-apps';

export type { PortalActivationInput } from './activations';
export type { AuditLogSettings } from './directory-audits';
export type { SimulatorSnapshot } from './control';
export type { AcrsForm, CallRecord, FaultSpec } from './state';
export type { UserAppInstallation } from './teams-apps';

export interface GraphSimulatorOptions {
  ca: CertificateAuthority;
  fixture: TenantFixture;
  port?: number;
  host?: string;
  /** Who may sign Graph tokens: the local Entra authority. */
  trust: { issuer: string; jwks: JSONWebKeySet } | { issuer: string; jwksUri: string };
  /** Default: a new ManualClock() at real time. */
  clock?: ManualClock;
  logger?: Logger;
  /**
   * Also require `xms_cc` to contain 'cp1' before an `acrs` claim satisfies an authentication-context rule
   * (reported behaviour, UNVERIFIED: PIM-API.md §3). Default false.
   */
  requireCp1ForAcrs?: boolean;
}

export interface GraphSimulator {
  /** 'https://127.0.0.1:PORT'; Graph v1.0 at `${url}/v1.0`, beta at `${url}/beta`. */
  url: string;
  clock: ManualClock;
  /** Graph calls received (not /_sim calls), oldest first. */
  calls(): CallRecord[];
  resetCalls(): void;
  close(): Promise<void>;
  /** Replaces the tenant and resets PIM state (requests, activations, faults). Same as POST /_sim/fixture. */
  loadFixture(fixture: TenantFixture): void;
  fixture(): TenantFixture;
  /** Queues a fault for the next Graph calls. Same as POST /_sim/faults. */
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** An activation "made in the portal" (no token). Same as POST /_sim/activations; returns the request. */
  activate(input: PortalActivationInput): JsonObject;
  /** Requests and activations as they stand at the simulated now. Same as GET /_sim/state. */
  snapshot(): SimulatorSnapshot;
  /** Which wording of the authentication-context refusal to answer with (FIDELITY.md); back to 'raw' on loadFixture. */
  setAcrsForm(form: AcrsForm): void;
  /** CAE: the user's tokens issued until now get 401 + insufficient_claims; `acrs` adds an authentication context. */
  revokeSessions(userId: string, acrs?: string): void;
  /** Teams apps installed in users' personal scope (fixture `teamsApps[].installedFor`, then installs made through Graph). */
  teamsAppInstallations(): UserAppInstallation[];
  /**
   * Installs a catalog app for a user outside the bot (an admin's app setup policy, another instance of the
   * bot); false when the user already has it.
   */
  installTeamsApp(userId: string, teamsAppId: string): boolean;
  /** The directory audit log's licence, latency and withheld events (reset by loadFixture). Same as POST /_sim/audit-log. */
  configureAuditLog(settings: Partial<AuditLogSettings>): void;
}

/** Starts the Microsoft Graph (PIM) simulator on HTTPS with a certificate from the local CA. */
export async function startGraphSimulator(o: GraphSimulatorOptions): Promise<GraphSimulator> {
  const clock = o.clock ?? new ManualClock();
  const state = new SimState(clock, parseFixture(o.fixture));
  const logger = o.logger ?? pino({ level: 'silent' });
  const router = new Router<HandlerContext>().add(
    ...roleManagementRoutes(),
    ...policyRoutes(),
    ...groupPimRoutes(),
    ...approvalRoutesAll(),
    ...directoryRoutes(),
    ...teamsAppRoutes(),
    ...auditLogRoutes(),
    ...roleAssignmentRoutes(),
    ...accessReviewRoutes(),
  );
  const cert = issueServerCertificate(o.ca);
  let url = '';
  const server = createServer(
    { cert: cert.certPem, key: cert.keyPem },
    createRequestListener({
      state,
      router,
      verify: createTokenVerifier(o.trust, () => state.tenant.tenantId),
      logger,
      requireCp1ForAcrs: o.requireCp1ForAcrs ?? false,
      baseUrl: () => url,
    }),
  );
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url }, 'graph simulator listening');

  return {
    url,
    clock,
    calls: () => [...state.calls],
    resetCalls: () => {
      state.calls = [];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
    loadFixture: (fixture) => state.loadFixture(parseFixture(fixture)),
    fixture: () => state.tenant.fixture,
    injectFault: (fault) => {
      state.faults.push({ ...fault });
    },
    clearFaults: () => {
      state.faults = [];
    },
    activate: (input) => createPortalActivation(state, input),
    snapshot: () => snapshot(state),
    revokeSessions: (userId, acrs) => revokeSessions(state, userId, acrs),
    teamsAppInstallations: () => state.teamsApps.all(),
    installTeamsApp: (userId, teamsAppId) => {
      const app = state.teamsApps.app(teamsAppId);
      if (!app) throw new Error(`No Teams app ${teamsAppId} in the catalog.`);
      return state.teamsApps.install(userId, app, state.now());
    },
    configureAuditLog: (settings) => {
      state.audit.settings = { ...state.audit.settings, ...settings };
    },
    setAcrsForm: (form) => {
      state.acrsForm = form;
    },
  };
}
