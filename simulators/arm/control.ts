import { z } from 'zod';
import type { Json, JsonObject } from '../graph/json';
import { iso } from '../graph/json';
import type { ArmFixture } from './fixture';
import type { ArmState } from './state';

/**
 * /_sim control API (loopback only), for tests and the local demo:
 *   GET  /_sim/state            requests, active assignments and approvals at the simulated now
 *   POST /_sim/fixture          replace the fixture (resets state); POST /_sim/reset reloads the current one
 *   POST /_sim/clock            {advanceSeconds} or {set: ISO}
 *   POST /_sim/faults           {kind:'status', status:429|503, count, retryAfterSeconds?} or {kind:'drop'|'reset', count}
 *   DELETE /_sim/faults
 *   POST /_sim/mfa-for-writes   {enabled}: mandatory MFA on writes (401 claims challenge)
 *   POST /_sim/stage-body-form  {form: 'either'|'top-level'|'wrapped'}: the stage decision body taken
 *   GET/DELETE /_sim/calls      the ARM calls received
 */

export const armFaultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    status: z.union([z.literal(429), z.literal(503)]),
    count: z.number().int().min(1),
    retryAfterSeconds: z.number().int().min(0).optional(),
  }),
  z.object({ kind: z.literal('drop'), count: z.number().int().min(1) }),
  z.object({ kind: z.literal('reset'), count: z.number().int().min(1) }),
]);

const scopeSchema = z.object({
  id: z.string().min(1),
  displayName: z.string(),
  type: z.enum(['managementgroup', 'subscription', 'resourcegroup', 'resource']),
});

export const armFixtureSchema = z.object({
  tenantId: z.string().min(1),
  users: z.array(z.object({ id: z.string(), displayName: z.string(), mail: z.string() })),
  scopes: z.array(scopeSchema),
  roleDefinitions: z.array(
    z.object({
      id: z.string(),
      roleName: z.string(),
      description: z.string(),
      type: z.enum(['BuiltInRole', 'CustomRole']),
    }),
  ),
  eligibilities: z.array(
    z.object({
      id: z.string(),
      principalId: z.string(),
      roleDefinitionId: z.string(),
      scope: z.string(),
      startDateTime: z.string().optional(),
      endDateTime: z.string().optional(),
    }),
  ),
  policies: z.array(
    z.object({
      scope: z.string(),
      roleDefinitionId: z.string(),
      maximumDuration: z.string(),
      enabledRules: z.array(z.enum(['MultiFactorAuthentication', 'Justification', 'Ticketing'])),
      approverIds: z.array(z.string()).optional(),
      authenticationContext: z.string().optional(),
    }),
  ),
  standingAssignments: z
    .array(z.object({ id: z.string(), principalId: z.string(), roleDefinitionId: z.string(), scope: z.string() }))
    .optional(),
  pageSize: z.number().int().min(1).optional(),
});

const clockSchema = z.union([
  z.object({ advanceSeconds: z.number().min(0) }),
  z.object({ set: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date-time') }),
]);

export interface ControlResult {
  status: number;
  body?: Json;
}

export interface ArmSnapshot extends JsonObject {
  now: string;
  requests: JsonObject[];
  active: JsonObject[];
  approvals: JsonObject[];
}

export function snapshot(state: ArmState): ArmSnapshot {
  const now = state.now();
  return {
    now: now.toISOString(),
    requests: [...state.requests.values()].map((r) => ({
      name: r.name,
      scope: r.scope,
      principalId: r.principalId,
      roleDefinitionId: r.roleDefinitionId,
      requestType: r.requestType,
      status: r.status,
      approvalId: r.approvalId ?? null,
    })),
    active: state.activeAt(now).map((a) => ({
      id: a.id,
      principalId: a.principalId,
      roleDefinitionId: a.roleDefinitionId,
      scope: a.scope,
      assignmentType: a.assignmentType,
      start: a.start.toISOString(),
      end: iso(a.end),
    })),
    approvals: [...state.approvals.values()].map((a) => ({
      id: a.id,
      requestName: a.requestName,
      stages: a.stages.map((s) => ({ id: s.id, status: s.status, reviewResult: s.reviewResult })),
    })),
  };
}

function invalid(error: z.ZodError): ControlResult {
  return {
    status: 400,
    body: {
      error: {
        code: 'BadRequest',
        message: error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
      },
    },
  };
}

export function handleControl(state: ArmState, method: string, path: string, body: Json | undefined): ControlResult {
  const key = `${method} ${path.replace(/\/+$/, '')}`;
  switch (key) {
    case 'GET /_sim/state':
      return { status: 200, body: snapshot(state) };
    case 'POST /_sim/reset':
      state.load(state.fixture);
      return { status: 204 };
    case 'POST /_sim/fixture': {
      const parsed = armFixtureSchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      state.load(parsed.data as ArmFixture);
      return { status: 204 };
    }
    case 'POST /_sim/clock': {
      const parsed = clockSchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      if ('advanceSeconds' in parsed.data) state.clock.advance(parsed.data.advanceSeconds * 1000);
      else state.clock.set(new Date(parsed.data.set));
      return { status: 200, body: { now: state.now().toISOString() } };
    }
    case 'POST /_sim/faults': {
      const parsed = armFaultSchema.safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      state.faults.push({ ...parsed.data });
      return { status: 204 };
    }
    case 'DELETE /_sim/faults':
      state.faults = [];
      return { status: 204 };
    case 'POST /_sim/mfa-for-writes': {
      const parsed = z.object({ enabled: z.boolean() }).safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      state.requireMfaForWrites = parsed.data.enabled;
      return { status: 204 };
    }
    case 'POST /_sim/stage-body-form': {
      const parsed = z.object({ form: z.enum(['either', 'top-level', 'wrapped']) }).safeParse(body);
      if (!parsed.success) return invalid(parsed.error);
      state.stageBodyForm = parsed.data.form;
      return { status: 204 };
    }
    case 'GET /_sim/calls':
      return { status: 200, body: state.calls.map((c) => ({ ...c })) };
    case 'DELETE /_sim/calls':
      state.calls = [];
      return { status: 204 };
    default:
      return { status: 404, body: { error: { code: 'NotFound', message: `No control endpoint ${key}.` } } };
  }
}
