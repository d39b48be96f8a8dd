/**
 * Azure Resource Manager (PIM for Azure resource roles) simulator: a local stand-in for
 * management.azure.com's Microsoft.Authorization PIM endpoints, held to ../shared/arm/ARM-PIM.md and its
 * OpenAPI subset. Every behaviour and its source is in FIDELITY.md.
 *
 * Modules, one job each:
 * - server.ts: the pipeline (control API, token, api-version, faults, mandatory MFA, routing, CloudError)
 * - routes.ts: `{scope}/providers/Microsoft.Authorization/{type}/…` → handler; api-versions
 * - auth.ts: token verification (ARM audiences); errors.ts: ARM codes and messages
 * - reads.ts: lists and reads with `$filter` and `nextLink`; entities.ts: the JSON of each type
 * - activation.ts: SelfActivate / SelfDeactivate / validate; approvals.ts: approvals API and cancel
 * - policies.ts: policy and policy-assignment resources; state.ts: requests, activations, approvals, faults
 * - fixture.ts, demo-arm.ts: the tenant's Azure side; control.ts: /_sim
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type Logger, pino } from 'pino';
import { ManualClock } from '../clock';
import { type CertificateAuthority, issueServerCertificate } from '../tls/certificate-authority';
import { type ArmTrust, createArmTokenVerifier } from './auth';
import { type ArmSnapshot, armFixtureSchema, snapshot } from './control';
import type { ArmFixture } from './fixture';
import { createArmListener } from './server';
import { ArmState, type CallRecord, type FaultSpec, type StageBodyForm } from './state';

export type { ArmSnapshot } from './control';
export type { ArmFixture } from './fixture';
export type { CallRecord as ArmCallRecord, FaultSpec as ArmFaultSpec, StageBodyForm } from './state';

export interface ArmSimulatorOptions {
  fixture: ArmFixture;
  /** Who may sign ARM tokens: the local Entra authority (its issuer and JWKS). */
  trust: ArmTrust;
  /** HTTPS with a certificate from this CA; plain HTTP when absent (unit tests, the contract check). */
  ca?: CertificateAuthority;
  port?: number;
  host?: string;
  clock?: ManualClock;
  logger?: Logger;
}

export interface ArmSimulator {
  /** 'https://127.0.0.1:PORT' (or http://): stands for https://management.azure.com. */
  url: string;
  clock: ManualClock;
  calls(): CallRecord[];
  snapshot(): ArmSnapshot;
  /** Replaces the fixture and resets requests, activations, approvals and faults. */
  loadFixture(fixture: ArmFixture): void;
  /** Reloads the current fixture (a clean state). */
  reset(): void;
  injectFault(fault: FaultSpec): void;
  /** Mandatory MFA for writes: a non-MFA token gets 401 with a claims challenge (ARM-PIM.md §2). */
  requireMfaForWrites(enabled: boolean): void;
  /** Which stage-decision body to take (ARM-PIM.md §4: UNVERIFIED); back to 'either' on reset. */
  setStageBodyForm(form: StageBodyForm): void;
  close(): Promise<void>;
}

export async function startArmSimulator(o: ArmSimulatorOptions): Promise<ArmSimulator> {
  const clock = o.clock ?? new ManualClock();
  const state = new ArmState(clock, armFixtureSchema.parse(o.fixture) as ArmFixture);
  const logger = o.logger ?? pino({ level: 'silent' });
  let url = '';
  const listener = createArmListener({
    state,
    verify: createArmTokenVerifier(o.trust, () => state.fixture.tenantId),
    logger,
    baseUrl: () => url,
  });
  let server: Server;
  if (o.ca) {
    const cert = issueServerCertificate(o.ca);
    server = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, listener);
  } else {
    server = createHttpServer(listener);
  }
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  url = `${o.ca ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url }, 'arm simulator listening');
  return {
    url,
    clock,
    calls: () => state.calls.map((c) => ({ ...c })),
    snapshot: () => snapshot(state),
    loadFixture: (fixture) => state.load(armFixtureSchema.parse(fixture) as ArmFixture),
    reset: () => state.load(state.fixture),
    injectFault: (fault) => {
      state.faults.push({ ...fault });
    },
    requireMfaForWrites: (enabled) => {
      state.requireMfaForWrites = enabled;
    },
    setStageBodyForm: (form) => {
      state.stageBodyForm = form;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
