import { cancelRequest, decideApproval, type ServiceContext } from './activations';
import type { Caller } from './auth';
import { graphErrors } from './errors';
import type { SimState } from './state';

/**
 * What people do in the Entra portal (or by e-mail link, PowerShell) rather than through the bot, for the
 * tests and the bench: an approver decides a request, a requester cancels theirs. Each goes through the
 * same rules as the Graph call it stands for (decideApproval, cancelRequest), acting as that person, so
 * the statuses are those Graph then reports: Denied, Granted/Provisioned, Canceled
 * (microsoft-graph-docs-contrib api-reference/v1.0/resources/request.md lists them). PIM's own 24 h
 * expiry of an undecided approval needs no control: moving the clock (POST /_sim/clock) is enough.
 */
export interface PortalDecisionInput {
  approverId: string;
  reviewResult: 'Approve' | 'Deny';
  justification?: string;
}

/** The person as the simulator's rules see a signed-in user (no token: the portal checked the sign-in). */
function personAt(state: SimState, objectId: string): ServiceContext {
  const caller: Caller = {
    kind: 'user',
    objectId,
    appId: null,
    tenantId: state.tenant.fixture.tenantId,
    permissions: new Set(),
    amr: ['pwd', 'mfa'],
    acrs: [],
    clientCapabilities: [],
  };
  return { state, now: state.now(), caller, requireCp1ForAcrs: false };
}

/** An approver decides in the portal: Approve, or Deny with a reason (the portal asks for one). */
export function portalDecision(state: SimState, requestId: string, input: PortalDecisionInput): void {
  const req = state.request(requestId);
  if (!req?.approval) throw graphErrors.pimNotFound();
  decideApproval(personAt(state, input.approverId), req.kind, req.id, req.approval.stepId, {
    reviewResult: input.reviewResult,
    justification: input.justification ?? null,
  });
}

/** The requester cancels their own request in the portal (My roles > Pending requests > Cancel). */
export function portalCancel(state: SimState, requestId: string): void {
  const req = state.request(requestId);
  if (!req) throw graphErrors.pimNotFound();
  cancelRequest(personAt(state, req.createdById), req.kind, req.id);
}
