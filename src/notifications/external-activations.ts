import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { DirectoryClient } from '../pim/directory-client';
import { sameId } from '../pim/graph-wire';
import type { PimActivityReader } from '../pim/pim-reader';
import type { AssignmentInstance, PimTarget, ScheduleRequest } from '../pim/pim-types';
import { newRequest, type PimRequest } from '../requests/pim-request';
import { TtlCache } from '../shared/ttl-cache';

/** One principal's assignment instances of a kind (the watcher reads each at most once per tick). */
export type InstancesOf = (principalId: string, kind: 'role' | 'group') => Promise<AssignmentInstance[]>;

const NAME_CACHE_MS = 60 * 60_000;

/**
 * An activation made outside the bot (portal, PowerShell, another tool), as the bot tracks it: who and
 * what by name (from the directory, cached for an hour), start and end from its assignment instance
 * when Graph lists it yet.
 */
export class ExternalActivations {
  private readonly names = new TtlCache<{ name: string; upn: string | null }>(NAME_CACHE_MS, 2_000);

  constructor(
    private readonly reader: PimActivityReader,
    private readonly directory: DirectoryClient,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {}

  /** A request made outside the bot, as the bot tracks it (names from the directory, times from the instance). */
  async activation(request: ScheduleRequest, instancesOf: InstancesOf): Promise<PimRequest> {
    const principal = await this.principal(request.principalId);
    const target = await this.target(request);
    let start = request.startDateTime ?? request.createdDateTime ?? this.now();
    let end = request.endDateTime;
    try {
      const live = (await instancesOf(request.principalId, request.kind)).find(
        (i) => sameId(i.scheduleId, request.targetScheduleId) && i.startDateTime !== null,
      );
      if (live?.startDateTime) {
        start = live.startDateTime;
        end = live.endDateTime;
      }
    } catch (err) {
      this.logger.debug({ err: errorSummary(err) }, 'activation feed: instance lookup failed');
    }
    const minutes = end ? Math.max(0, Math.round((end.getTime() - start.getTime()) / 60_000)) : 0;
    return newRequest({
      id: request.id,
      source: 'external',
      target,
      // Approvals are not readable app-only (PIM-API.md §4.1): who approved an outside request is unknown.
      requester: { aadObjectId: request.principalId, name: principal.name, upn: principal.upn },
      durationMinutes: minutes,
      justification: request.justification ?? undefined,
      ticket: request.ticket ?? undefined,
      requestedAt: (request.createdDateTime ?? start).toISOString(),
      status: 'active',
      activeFrom: start.toISOString(),
      activeUntil: end ? end.toISOString() : null,
      scheduleId: request.targetScheduleId ?? undefined,
    });
  }

  private async principal(principalId: string): Promise<{ name: string; upn: string | null }> {
    const key = `user:${principalId.toLowerCase()}`;
    const cached = this.names.get(key);
    if (cached) return cached;
    try {
      const user = await this.directory.getUser(principalId);
      const value = { name: user.displayName, upn: user.userPrincipalName };
      this.names.set(key, value);
      return value;
    } catch (err) {
      // A group or service principal (adminAssign), or a deleted user: say who by id.
      this.logger.debug({ err: errorSummary(err), principalId }, 'activation feed: principal not found');
      return { name: principalId, upn: null };
    }
  }

  private async target(request: ScheduleRequest): Promise<PimTarget> {
    if (request.kind === 'role') {
      const roleDefinitionId = request.roleDefinitionId ?? '';
      return {
        kind: 'role',
        roleDefinitionId,
        directoryScopeId: request.directoryScopeId ?? '/',
        displayName: await this.cachedName(`role:${roleDefinitionId.toLowerCase()}`, roleDefinitionId, () =>
          this.reader.roleName(roleDefinitionId),
        ),
      };
    }
    const groupId = request.groupId ?? '';
    return {
      kind: 'group',
      groupId,
      accessId: request.accessId ?? 'member',
      displayName: await this.cachedName(
        `group:${groupId.toLowerCase()}`,
        groupId,
        async () => (await this.directory.getGroup(groupId)).displayName,
      ),
    };
  }

  private async cachedName(key: string, fallback: string, load: () => Promise<string>): Promise<string> {
    const cached = this.names.get(key);
    if (cached) return cached.name;
    try {
      const name = await load();
      this.names.set(key, { name, upn: null });
      return name;
    } catch (err) {
      this.logger.debug({ err: errorSummary(err), key }, 'activation feed: name lookup failed');
      return fallback;
    }
  }
}
