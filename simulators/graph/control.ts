import { z } from 'zod';
import { type PortalActivationInput, portalActivation } from './activations';
import { groupRequestNode, roleRequestNode, type View } from './entities';
import { GraphError } from './errors';
import { FixtureError, parseFixture } from './fixture-loader';
import type { Json, JsonObject } from './json';
import { iso } from './json';
import { portalCancel, portalDecision } from './portal';
import { ACRS_FORMS, type FaultSpec, type SimState } from './state';

export const faultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('latency'),
    ms: z.number().int().min(0).max(120_000),
    count: z.number().int().min(1).optional(),
  }),
  z.object({
    kind: z.literal('status'),
    status: z.union([z.literal(429), z.literal(503), z.literal(504)]),
    count: z.number().int().min(1),
    retryAfterSeconds: z.number().int().min(0).optional(),
  }),
]);

const acrsFormSchema = z.object({ form: z.enum(ACRS_FORMS) });

const auditLogSchema = z.object({
  premium: z.boolean().optional(),
  latencySeconds: z.number().min(0).optional(),
  withhold: z.number().int().min(0).optional(),
  refuseCategoryFilter: z.boolean().optional(),
});

const revokeSchema = z.object({ userId: z.string().min(1), acrs: z.string().min(1).optional() });

const clockSchema = z.union([
  z.object({ advanceSeconds: z.number().min(0) }),
  z.object({ set: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date-time') }),
]);

const activationSchema = z
  .object({
    principalId: z.string().min(1),
    roleDefinitionId: z.string().optional(),
    directoryScopeId: z.string().optional(),
    groupId: z.string().optional(),
    accessId: z.enum(['member', 'owner']).optional(),
    duration: z.string().min(1),
    justification: z.string().optional(),
    startDateTime: z.string().optional(),
  })
  .refine((v) => Boolean(v.roleDefinitionId) !== Boolean(v.groupId), 'give either roleDefinitionId or groupId');

const portalDecisionSchema = z.object({
  approverId: z.string().min(1),
  reviewResult: z.enum(['Approve', 'Deny']),
  justification: z.string().optional(),
});

/** POST /_sim/requests/{id}/decision and /_sim/requests/{id}/cancel: what people do in the portal. */
const PORTAL_ROUTE = /^POST \/_sim\/requests\/([^/]+)\/(decision|cancel)$/;

function portalControl(state: SimState, requestId: string, what: string, body: Json | undefined): ControlResult {
  try {
    if (what === 'cancel') {
      portalCancel(state, requestId);
      return { status: 204 };
    }
    const parsed = portalDecisionSchema.safeParse(body);
    if (!parsed.success) return invalid(issues(parsed.error));
    portalDecision(state, requestId, parsed.data);
    return { status: 204 };
  } catch (err) {
    if (err instanceof GraphError)
      return { status: err.status, body: { error: { code: err.code, message: err.message } } };
    throw err;
  }
}

export interface SimulatorSnapshot {
  now: string;
  requests: JsonObject[];
  activations: JsonObject[];
}

/** Debug view of the mutable state (requests as Graph shows them, activations with their effective window). */
export function snapshot(state: SimState): SimulatorSnapshot {
  const now = state.now();
  const view: View = { state, now };
  return {
    now: now.toISOString(),
    requests: [...state.requests.values()].map((r) =>
      r.kind === 'role' ? roleRequestNode(r, view).json : groupRequestNode(r, view).json,
    ),
    activations: [...state.activations.values()].map((a) => ({
      id: a.id,
      kind: a.kind,
      principalId: a.principalId,
      roleDefinitionId: a.roleDefinitionId,
      directoryScopeId: a.directoryScopeId,
      groupId: a.groupId,
      accessId: a.accessId,
      requestId: a.requestId,
      startDateTime: iso(a.start),
      endDateTime: iso(a.end),
      revokedDateTime: iso(a.revokedAt),
      isActive: state.isActive(a, now),
    })),
  };
}

export function createPortalActivation(state: SimState, input: PortalActivationInput): JsonObject {
  const req = portalActivation(state, input);
  const view: View = { state, now: state.now() };
  return req.kind === 'role' ? roleRequestNode(req, view).json : groupRequestNode(req, view).json;
}

/** Revokes a user's sessions now (real time, like token iat); `acrs` adds an authentication context to the challenge. */
export function revokeSessions(state: SimState, userId: string, acrs?: string): void {
  state.revokedSessions.set(userId.toLowerCase(), { at: Math.floor(Date.now() / 1000), acrs: acrs ?? null });
}

export interface ControlResult {
  status: number;
  body?: Json;
}

function invalid(message: string): ControlResult {
  return { status: 400, body: { error: { code: 'BadRequest', message } } };
}

function issues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
}

/**
 * The simulator's own control API under /_sim (no Graph token, loopback only): fixture, clock, faults,
 * call log, portal activations, portal decisions and cancellations, and a state snapshot.
 */
export function handleControl(state: SimState, method: string, path: string, body: Json | undefined): ControlResult {
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  const portal = PORTAL_ROUTE.exec(route);
  if (portal) return portalControl(state, decodeURIComponent(portal[1] ?? ''), portal[2] ?? '', body);
  switch (route) {
    case 'GET /_sim/fixture':
      return { status: 200, body: state.tenant.fixture as unknown as JsonObject };
    case 'POST /_sim/fixture':
      try {
        state.loadFixture(parseFixture(body));
        return { status: 204 };
      } catch (err) {
        if (err instanceof FixtureError) return invalid(err.message);
        throw err;
      }
    case 'GET /_sim/clock':
      return { status: 200, body: { now: state.now().toISOString() } };
    case 'POST /_sim/clock': {
      const parsed = clockSchema.safeParse(body);
      if (!parsed.success) return invalid(issues(parsed.error));
      try {
        if ('advanceSeconds' in parsed.data) state.clock.advance(parsed.data.advanceSeconds * 1000);
        else state.clock.set(new Date(parsed.data.set));
      } catch (err) {
        return invalid(err instanceof Error ? err.message : String(err));
      }
      return { status: 200, body: { now: state.now().toISOString() } };
    }
    case 'GET /_sim/faults':
      return { status: 200, body: { value: state.faults as unknown as JsonObject[] } };
    case 'POST /_sim/faults': {
      const parsed = faultSchema.safeParse(body);
      if (!parsed.success) return invalid(issues(parsed.error));
      state.faults.push(parsed.data as FaultSpec);
      return { status: 204 };
    }
    case 'DELETE /_sim/faults':
      state.faults = [];
      return { status: 204 };
    case 'GET /_sim/calls':
      return { status: 200, body: { value: state.calls as unknown as JsonObject[] } };
    case 'DELETE /_sim/calls':
      state.calls = [];
      return { status: 204 };
    case 'POST /_sim/acrs-form': {
      // Which wording of the authentication-context refusal to answer with (FIDELITY.md).
      const parsed = acrsFormSchema.safeParse(body);
      if (!parsed.success) return invalid(issues(parsed.error));
      state.acrsForm = parsed.data.form;
      return { status: 204 };
    }
    case 'POST /_sim/sessions/revoke': {
      // CAE: tokens of this user issued until now are refused with a claims challenge.
      const parsed = revokeSchema.safeParse(body);
      if (!parsed.success) return invalid(issues(parsed.error));
      revokeSessions(state, parsed.data.userId, parsed.data.acrs);
      return { status: 204 };
    }
    case 'POST /_sim/audit-log': {
      // The directory audit log's licence, latency and withheld events (directory-audits.ts).
      const parsed = auditLogSchema.safeParse(body);
      if (!parsed.success) return invalid(issues(parsed.error));
      const { premium, latencySeconds, withhold, refuseCategoryFilter } = parsed.data;
      const s = state.audit.settings;
      state.audit.settings = {
        premium: premium ?? s.premium,
        latencyMs: latencySeconds === undefined ? s.latencyMs : latencySeconds * 1000,
        withhold: withhold ?? s.withhold,
        refuseCategoryFilter: refuseCategoryFilter ?? s.refuseCategoryFilter,
      };
      return { status: 204 };
    }
    case 'GET /_sim/state':
      return { status: 200, body: snapshot(state) as unknown as JsonObject };
    case 'POST /_sim/activations': {
      const parsed = activationSchema.safeParse(body);
      if (!parsed.success) return invalid(issues(parsed.error));
      try {
        return { status: 201, body: createPortalActivation(state, parsed.data) };
      } catch (err) {
        if (err instanceof GraphError)
          return { status: err.status, body: { error: { code: err.code, message: err.message } } };
        throw err;
      }
    }
    default:
      return { status: 404, body: { error: { code: 'NotFound', message: `No control endpoint ${route}.` } } };
  }
}
