import { GraphCallFailed, type GraphTransport } from '../pim/graph-transport';
import { date, odataString, pathId, requestsPath, type WireRequest } from '../pim/graph-wire';
import { toPimError } from '../pim/pim-error';
import type { PimRequest } from '../requests/pim-request';
import type { PimRequestState } from './pim-outcome';

const STATE_SELECT = 'id,status,createdDateTime,completedDateTime';

/**
 * PIM's own view of the requests the bot holds as waiting for approval, read with the bot's app-only
 * credential in as few calls as Graph allows, so the cost follows the number of pending requests and not
 * the size of the tenant:
 *
 * - Entra roles: one list of the tenant's requests still `PendingApproval` (`$filter=status eq
 *   'PendingApproval'`, documented on unifiedRoleAssignmentScheduleRequest: `eq` on `status` and `id`,
 *   PIM-API.md §5); a request of ours missing from it has moved on, and only that one is read by id to
 *   learn where to (once per request, when it changes).
 * - PIM for Groups: Graph lists group requests only per group or per principal (the filter is required),
 *   so one list per group that has a pending request of ours.
 *
 * Permission: listing role schedule requests app-only takes RoleManagement.ReadWrite.Directory, the only
 * application permission listed (rbacapplication-list-roleassignmentschedulerequests.md; it also covers the
 * read by id), and PrivilegedAssignmentSchedule.Read.AzureADGroup for groups (src/pim/graph-permissions.ts);
 * instances and schedules, readable with less, do not show a denial, a cancel or an expiry.
 */
export class PimRequestStates {
  constructor(private readonly graph: GraphTransport) {}

  /** Each request's state in PIM by id; null for one PIM no longer has (404). Absent: not read (an error). */
  async read(requests: readonly PimRequest[]): Promise<Map<string, PimRequestState | null>> {
    const states = new Map<string, PimRequestState | null>();
    const roles = requests.filter((r) => r.target.kind === 'role');
    if (roles.length > 0) {
      const waiting = await this.list(
        `${requestsPath('role')}?$filter=${encode("status eq 'PendingApproval'")}&$select=${STATE_SELECT}`,
      );
      const byId = new Map(waiting.map((s) => [s.id.toLowerCase(), s]));
      for (const request of roles) {
        const still = byId.get(request.id.toLowerCase());
        states.set(request.id, still ?? (await this.one(request.id)));
      }
    }
    const groupIds = new Set(
      requests.flatMap((r) => (r.target.kind === 'group' ? [r.target.groupId.toLowerCase()] : [])),
    );
    for (const groupId of groupIds) {
      const filter = encode(`groupId eq ${odataString(groupId)}`);
      const listed = await this.list(`${requestsPath('group')}?$filter=${filter}&$select=${STATE_SELECT}`);
      const byId = new Map(listed.map((s) => [s.id.toLowerCase(), s]));
      for (const request of requests) {
        if (request.target.kind !== 'group' || request.target.groupId.toLowerCase() !== groupId) continue;
        states.set(request.id, byId.get(request.id.toLowerCase()) ?? null);
      }
    }
    return states;
  }

  /** One Entra role request, read by id (it left PendingApproval): null when PIM no longer has it. */
  private async one(id: string): Promise<PimRequestState | null> {
    try {
      return toState(
        await this.graph.get<WireRequest>(`${requestsPath('role')}/${pathId(id)}?$select=${STATE_SELECT}`),
      );
    } catch (err) {
      if (err instanceof GraphCallFailed && err.failure.httpStatus === 404) return null;
      throw failure(err);
    }
  }

  private async list(path: string): Promise<PimRequestState[]> {
    try {
      return (await this.graph.list<WireRequest>(path)).map(toState);
    } catch (err) {
      throw failure(err);
    }
  }
}

function encode(filter: string): string {
  return encodeURIComponent(filter);
}

function toState(wire: WireRequest): PimRequestState {
  return {
    id: wire.id ?? '',
    status: wire.status ?? '',
    createdDateTime: date(wire.createdDateTime),
    completedDateTime: date(wire.completedDateTime),
  };
}

function failure(err: unknown): unknown {
  return err instanceof GraphCallFailed ? toPimError(err.failure, { operation: 'read' }) : err;
}
