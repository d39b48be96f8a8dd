import type { ManualClock } from '../clock';
import type { FixtureApprover, TenantFixture } from '../tenant/tenant-fixture';
import { DirectoryAuditLog } from './directory-audits';
import { LoadedTenant } from './fixture-loader';
import { sameId, stableGuid } from './ids';
import { IndexedMap } from './key-index';
import type { SessionRevocation } from './session-revocation';
import { TeamsAppCatalog } from './teams-apps';

/** Approvers have 24 hours, not configurable (PIM-API.md §1.3). */
export const APPROVAL_TIMEOUT_MS = 24 * 3_600_000;
/**
 * Terminal request status after an approval times out. UNVERIFIED in Graph (ARM says 'TimedOut', Graph's
 * documented status list has no such value); the simulator reports 'Canceled' with completedDateTime =
 * createdDateTime + 24 h, and the approval step becomes status 'Completed', reviewResult 'NotReviewed'.
 */
export const APPROVAL_TIMEOUT_STATUS = 'Canceled';
/** Activations shorter than this are refused, and so are deactivations within this time of activation. */
export const MINIMUM_ACTIVE_MS = 5 * 60_000;

export type AccessId = 'member' | 'owner';

export interface RequestedSchedule {
  startDateTime: Date | null;
  expirationType: string | null;
  duration: string | null;
  endDateTime: Date | null;
}

export interface ApprovalDecision {
  result: 'Approve' | 'Deny';
  reviewerId: string;
  at: Date;
  justification: string | null;
}

export interface StoredApproval {
  id: string;
  stepId: string;
  /** The policy's primary approvers when the request was made. */
  approvers: FixtureApprover[];
  approverJustificationRequired: boolean;
  decision: ApprovalDecision | null;
}

/** A role or group assignment schedule request (selfActivate / selfDeactivate). */
export interface StoredRequest {
  id: string;
  kind: 'role' | 'group';
  action: 'selfActivate' | 'selfDeactivate';
  principalId: string;
  createdById: string;
  roleDefinitionId: string | null;
  directoryScopeId: string | null;
  groupId: string | null;
  accessId: AccessId | null;
  justification: string | null;
  ticketInfo: { ticketNumber: string | null; ticketSystem: string | null } | null;
  scheduleInfo: RequestedSchedule | null;
  /** Effective start and duration of the activation asked for (selfActivate). */
  start: Date;
  durationMs: number;
  createdDateTime: Date;
  targetScheduleId: string;
  approval: StoredApproval | null;
  canceledAt: Date | null;
  eligibilityScheduleId: string | null;
  isValidationOnly: boolean;
}

/** An activated (time-bound) assignment: role or group membership/ownership. */
export interface StoredActivation {
  /** The assignment schedule id (role: the request id; group: '{groupId}_{accessId}_{requestId}'). */
  id: string;
  instanceId: string;
  kind: 'role' | 'group';
  principalId: string;
  roleDefinitionId: string | null;
  directoryScopeId: string | null;
  groupId: string | null;
  accessId: AccessId | null;
  requestId: string;
  start: Date;
  end: Date;
  createdDateTime: Date;
  revokedAt: Date | null;
  eligibilityScheduleId: string | null;
}

export interface CallRecord {
  method: string;
  /** Path with query, as received (e.g. '/v1.0/me?$select=id'). */
  path: string;
  status: number;
  /** Simulated-clock time of the call, ISO. */
  time: string;
  principalId?: string;
  /** Delegated (a user's token) or app-only (the app's own token). */
  callerKind?: 'user' | 'app';
  requestId: string;
}

export type FaultSpec =
  | { kind: 'latency'; ms: number; count?: number }
  /** 429/503 refuse the call before it is handled; 504 answers after it was handled (a gateway gave up waiting). */
  | { kind: 'status'; status: 429 | 503 | 504; count: number; retryAfterSeconds?: number };

/**
 * The forms of PIM's authentication-context refusal seen in the wild (FIDELITY.md, PIM-API.md §3): `raw`
 * JSON claims after `claims=`, `urlencoded` (`&claims=%7B...%7D`), `wrapped` (an UnknownError whose message
 * is the service's JSON error holding the URL-encoded claims) and `noClaims` (the code alone).
 */
export const ACRS_FORMS = ['raw', 'urlencoded', 'wrapped', 'noClaims'] as const;
export type AcrsForm = (typeof ACRS_FORMS)[number];

export interface RequestStatus {
  status: string;
  completedDateTime: Date | null;
}

/** Everything mutable about the simulated tenant. All time-dependent views are computed against `clock.now()`. */
export class SimState {
  readonly clock: ManualClock;
  tenant: LoadedTenant;
  /** Requests by id, also by principal, id, creator and group (the reads filtered on them touch only theirs). */
  readonly requests = new IndexedMap<StoredRequest, 'principal' | 'id' | 'createdBy' | 'group'>({
    principal: (r) => r.principalId,
    id: (r) => r.id,
    createdBy: (r) => r.createdById,
    group: (r) => r.groupId,
  });
  /** Activations by schedule id, also by principal, request and group. */
  readonly activations = new IndexedMap<StoredActivation, 'principal' | 'request' | 'group'>({
    principal: (a) => a.principalId,
    request: (a) => a.requestId,
    group: (a) => a.groupId,
  });
  calls: CallRecord[] = [];
  faults: FaultSpec[] = [];
  /** How an authentication-context refusal is worded (control API `/_sim/acrs-form`; FIDELITY.md). */
  acrsForm: AcrsForm = 'raw';
  /** Users whose sessions were revoked (control API `/_sim/sessions/revoke`), by lower-case object id. */
  readonly revokedSessions = new Map<string, SessionRevocation>();

  /** PIM's directory audit events (directory-audits.ts, audit-events.ts). */
  readonly audit = new DirectoryAuditLog();

  /** The Teams app catalog and personal-scope installations (teams-apps.ts). */
  teamsApps: TeamsAppCatalog;

  constructor(clock: ManualClock, fixture: TenantFixture) {
    this.clock = clock;
    this.tenant = new LoadedTenant(fixture, clock.now());
    this.teamsApps = new TeamsAppCatalog(fixture, clock.now());
  }

  now(): Date {
    return this.clock.now();
  }

  loadFixture(fixture: TenantFixture): void {
    this.tenant = new LoadedTenant(fixture, this.now());
    this.teamsApps = new TeamsAppCatalog(fixture, this.now());
    this.requests.clear();
    this.activations.clear();
    this.audit.clear();
    this.faults = [];
    this.acrsForm = 'raw';
    this.revokedSessions.clear();
  }

  request(id: string): StoredRequest | undefined {
    return this.requests.by('id', id)[0];
  }

  /** Request status, evaluated lazily so moving the clock is enough to expire approvals. */
  requestStatus(req: StoredRequest, now: Date = this.now()): RequestStatus {
    if (req.canceledAt) return { status: 'Canceled', completedDateTime: req.canceledAt };
    if (req.action === 'selfDeactivate') return { status: 'Revoked', completedDateTime: req.createdDateTime };
    if (req.approval) {
      const d = req.approval.decision;
      if (d?.result === 'Deny') return { status: 'Denied', completedDateTime: d.at };
      if (!d) {
        const deadline = new Date(req.createdDateTime.getTime() + APPROVAL_TIMEOUT_MS);
        if (now >= deadline) return { status: APPROVAL_TIMEOUT_STATUS, completedDateTime: deadline };
        // Set while pending, as in the docs' sample (unifiedroleassignmentschedulerequest-filterbycurrentuser.md).
        return { status: 'PendingApproval', completedDateTime: req.createdDateTime };
      }
      const act = this.activationForRequest(req.id);
      const start = act?.start ?? d.at;
      return { status: now < start ? 'Granted' : 'Provisioned', completedDateTime: d.at };
    }
    return { status: now < req.start ? 'Granted' : 'Provisioned', completedDateTime: req.start };
  }

  /** An approval still waiting for a decision (not decided, canceled or timed out). */
  isPendingApproval(req: StoredRequest, now: Date = this.now()): boolean {
    return this.requestStatus(req, now).status === 'PendingApproval';
  }

  activationForRequest(requestId: string): StoredActivation | undefined {
    return this.activations.by('request', requestId).find((a) => a.requestId === requestId);
  }

  /** Effective end of an activation (its end, or when it was deactivated). */
  activationEnd(a: StoredActivation): Date {
    return a.revokedAt && a.revokedAt < a.end ? a.revokedAt : a.end;
  }

  /** Active right now: started and not ended or deactivated. */
  isActive(a: StoredActivation, now: Date = this.now()): boolean {
    return a.start <= now && now < this.activationEnd(a);
  }

  /** Not ended yet (active or scheduled for later). */
  isCurrent(a: StoredActivation, now: Date = this.now()): boolean {
    return now < this.activationEnd(a);
  }

  roleActivations(): StoredActivation[] {
    return [...this.activations.values()].filter((a) => a.kind === 'role');
  }

  groupActivations(): StoredActivation[] {
    return [...this.activations.values()].filter((a) => a.kind === 'group');
  }

  /** A principal's activations of one kind, in the order {@link roleActivations} / {@link groupActivations} list them. */
  activationsOf(principalId: string, kind: 'role' | 'group'): StoredActivation[] {
    return this.activations.by('principal', principalId).filter((a) => a.kind === kind);
  }

  /** A group's PIM activations (membership and ownership), in insertion order. */
  activationsOfGroup(groupId: string): StoredActivation[] {
    return this.activations.by('group', groupId).filter((a) => a.kind === 'group');
  }

  /** Members of a group now: permanent members plus active PIM member activations. */
  groupMemberIds(groupId: string, now: Date = this.now()): string[] {
    const ids = new Set((this.tenant.group(groupId)?.memberIds ?? []).map((m) => m.toLowerCase()));
    const out = [...(this.tenant.group(groupId)?.memberIds ?? [])];
    for (const a of this.activationsOfGroup(groupId)) {
      if (a.accessId === 'member' && sameId(a.groupId, groupId) && this.isActive(a, now)) {
        if (!ids.has(a.principalId.toLowerCase())) {
          ids.add(a.principalId.toLowerCase());
          out.push(a.principalId);
        }
      }
    }
    return out;
  }

  /** Membership intervals of a group: permanent members (no end) and active PIM members (until their end). */
  groupMemberships(
    groupId: string,
    now: Date = this.now(),
  ): Array<{ principalId: string; start: Date; end: Date | null; sourceId: string }> {
    const out: Array<{ principalId: string; start: Date; end: Date | null; sourceId: string }> = [];
    for (const m of this.tenant.group(groupId)?.memberIds ?? []) {
      out.push({ principalId: m, start: this.tenant.loadedAt, end: null, sourceId: stableGuid('member', groupId, m) });
    }
    for (const a of this.activationsOfGroup(groupId)) {
      if (a.accessId === 'member' && sameId(a.groupId, groupId) && this.isActive(a, now)) {
        out.push({ principalId: a.principalId, start: a.start, end: this.activationEnd(a), sourceId: a.id });
      }
    }
    return out;
  }
}
