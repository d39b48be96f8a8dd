import type { ManualClock } from '../clock';
import { stableGuid } from '../graph/ids';
import type { ArmEligibilityFixture, ArmFixture } from './fixture';
import { isAtOrBelow, sameScope } from './scopes';

/** The statuses the simulator puts on requests (a subset of the spec's enum, ARM-PIM.md §3.3). */
export type RequestStatus =
  | 'PendingApproval'
  | 'Provisioned'
  | 'Revoked'
  | 'Denied'
  | 'Canceled'
  | 'TimedOut'
  | 'PendingEvaluation'
  | 'Granted';

export interface TicketInfo {
  ticketNumber?: string;
  ticketSystem?: string;
}

export interface StoredRequest {
  name: string;
  scope: string;
  principalId: string;
  requestorId: string;
  roleDefinitionId: string;
  requestType: 'SelfActivate' | 'SelfDeactivate';
  status: RequestStatus;
  createdOn: Date;
  startDateTime: Date;
  /** ISO duration asked for (AfterDuration), or null. */
  duration: string | null;
  endDateTime: Date | null;
  justification?: string;
  ticketInfo?: TicketInfo;
  linkedEligibilityId?: string;
  /** Approval GUID when the policy asks for approval. */
  approvalId?: string;
  /** The activation this request created or revoked. */
  activationId?: string;
  /** The body as sent, so a replay with the same name can be told from a different request. */
  fingerprint: string;
}

export interface Activation {
  /** GUID of the roleAssignmentSchedule (the instance GUID derives from it). */
  id: string;
  principalId: string;
  roleDefinitionId: string;
  scope: string;
  start: Date;
  end: Date | null;
  assignmentType: 'Activated' | 'Assigned';
  requestName?: string;
  linkedEligibilityId?: string;
  revokedAt?: Date;
}

export interface Stage {
  id: string;
  approverIds: string[];
  status: 'InProgress' | 'Completed' | 'Expired';
  reviewResult: 'NotReviewed' | 'Approve' | 'Deny';
  reviewedBy?: string;
  reviewedDateTime?: Date;
  justification?: string;
}

export interface Approval {
  id: string;
  requestName: string;
  stages: Stage[];
}

export type FaultSpec =
  | { kind: 'status'; status: 429 | 503; count: number; retryAfterSeconds?: number }
  /** drop: the call is carried out, then the connection cut (a lost answer); reset: cut before anything is done. */
  | { kind: 'drop'; count: number }
  | { kind: 'reset'; count: number };

export type StageBodyForm = 'either' | 'top-level' | 'wrapped';

export interface CallRecord {
  method: string;
  path: string;
  status: number;
  principalId?: string;
}

/** Approvers have 24 hours; then the request times out (ARM-PIM.md §4 step 5). */
export const APPROVAL_WINDOW_MS = 24 * 60 * 60 * 1000;

export class ArmState {
  fixture!: ArmFixture;
  requests = new Map<string, StoredRequest>();
  activations: Activation[] = [];
  approvals = new Map<string, Approval>();
  faults: FaultSpec[] = [];
  calls: CallRecord[] = [];
  /** Mandatory MFA on writes (ARM-PIM.md §2): off until a test turns it on. */
  requireMfaForWrites = false;
  /** Which stage-decision body the simulator takes (ARM-PIM.md §4: UNVERIFIED which ARM insists on). */
  stageBodyForm: StageBodyForm = 'either';
  private loadedAt = new Date(0);

  constructor(
    readonly clock: ManualClock,
    fixture: ArmFixture,
  ) {
    this.load(fixture);
  }

  load(fixture: ArmFixture): void {
    this.fixture = fixture;
    this.loadedAt = this.clock.now();
    this.requests.clear();
    this.approvals.clear();
    this.faults = [];
    this.calls = [];
    this.requireMfaForWrites = false;
    this.stageBodyForm = 'either';
    this.activations = (fixture.standingAssignments ?? []).map((a) => ({
      id: a.id,
      principalId: a.principalId,
      roleDefinitionId: a.roleDefinitionId,
      scope: a.scope,
      start: this.loadedAt,
      end: null,
      assignmentType: 'Assigned' as const,
    }));
  }

  now(): Date {
    const now = this.clock.now();
    this.expireApprovals(now);
    return now;
  }

  eligibilityStart(e: ArmEligibilityFixture): Date {
    return e.startDateTime ? new Date(e.startDateTime) : this.loadedAt;
  }

  /** Eligibilities in effect at `now`. */
  eligibilitiesAt(now: Date): ArmEligibilityFixture[] {
    return this.fixture.eligibilities.filter(
      (e) => this.eligibilityStart(e) <= now && (!e.endDateTime || new Date(e.endDateTime) > now),
    );
  }

  /** The eligibility that lets `principalId` hold `roleGuid` at `scope` (at the scope or a parent). */
  eligibilityFor(principalId: string, roleGuid: string, scope: string, now: Date): ArmEligibilityFixture | undefined {
    return this.eligibilitiesAt(now).find(
      (e) =>
        e.principalId.toLowerCase() === principalId.toLowerCase() &&
        e.roleDefinitionId.toLowerCase() === roleGuid.toLowerCase() &&
        isAtOrBelow(scope, e.scope),
    );
  }

  activeAt(now: Date): Activation[] {
    return this.activations.filter((a) => a.start <= now && (!a.end || a.end > now) && !a.revokedAt);
  }

  activeFor(principalId: string, roleGuid: string, scope: string, now: Date): Activation | undefined {
    return this.activeAt(now).find(
      (a) =>
        a.principalId.toLowerCase() === principalId.toLowerCase() &&
        a.roleDefinitionId.toLowerCase() === roleGuid.toLowerCase() &&
        sameScope(a.scope, scope),
    );
  }

  pendingFor(principalId: string, roleGuid: string, scope: string): StoredRequest | undefined {
    return [...this.requests.values()].find(
      (r) =>
        r.status === 'PendingApproval' &&
        r.principalId.toLowerCase() === principalId.toLowerCase() &&
        r.roleDefinitionId.toLowerCase() === roleGuid.toLowerCase() &&
        sameScope(r.scope, scope),
    );
  }

  /** Pending requests past the approval window time out; their open stage expires. */
  private expireApprovals(now: Date): void {
    for (const r of this.requests.values()) {
      if (r.status !== 'PendingApproval' || now.getTime() - r.createdOn.getTime() < APPROVAL_WINDOW_MS) continue;
      r.status = 'TimedOut';
      const approval = r.approvalId ? this.approvals.get(r.approvalId) : undefined;
      for (const s of approval?.stages ?? []) if (s.status === 'InProgress') s.status = 'Expired';
    }
  }
}

/** The instance GUID of a schedule (one instance per schedule here). */
export function instanceGuid(scheduleGuid: string): string {
  return stableGuid('instance', scheduleGuid.toLowerCase());
}
