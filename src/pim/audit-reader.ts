import { GraphCallFailed, type GraphTransport } from './graph-transport';

/**
 * PIM's entries in the Entra directory audit log, read with the bot's own identity (AuditLog.Read.All,
 * src/pim/graph-application-permissions.ts): the activation watcher's change cursor. Graph documents no delta
 * and no time filter on schedule requests (FEATURES-API.md §5), but documents `activityDateTime ge` and
 * `$orderby` on `directoryAudits` (DOCS directoryaudit-list.md), so the log says cheaply *who* changed.
 *
 * Filter: `category eq 'RoleManagement'` (or 'GroupManagement') and `activityDateTime ge …`. `category` is not
 * in the page's list of filterable properties but is what third parties filter PIM events on (UNVERIFIED,
 * FEATURES-API.md §2.2); `loggedByService eq 'PIM'` is documented as filterable, but its value is not ('PIM'
 * in third-party filters, 'Privileged Identity Management' in the resource docs) and a wrong value silently
 * answers nothing (microsoftgraph/microsoft-graph-docs#3648), while a refused `category` filter answers 400:
 * loud. So `category` is sent, and on a 400 the reader falls back for good to the documented time filter
 * alone and picks PIM's entries itself. Either way the entries are recognised on the client, accepting both
 * `loggedByService` values.
 */
export type PimKind = 'role' | 'group';

/** One PIM activation-related entry: who, which kind of target, when. */
export interface PimChange {
  eventId: string;
  principalId: string;
  kind: PimKind;
  at: Date;
  activity: string;
}

/** Why the audit log cannot be read, and what an administrator does about it. */
export class AuditLogUnavailable extends Error {
  constructor(
    readonly code: string,
    readonly httpStatus: number,
    readonly fix: string,
  ) {
    super(`Directory audit log unavailable (HTTP ${httpStatus} ${code}): ${fix}`);
    this.name = 'AuditLogUnavailable';
  }
}

const CATEGORY: Record<PimKind, string> = { role: 'RoleManagement', group: 'GroupManagement' };
/** Documented maximum page size of the audit reports (FEATURES-API.md §2.1; assumed for directoryAudits). */
const PAGE_SIZE = 1_000;
const PIM_SERVICES = new Set(['pim', 'privileged identity management']);
/** Activity names of PIM activations, deactivations and active assignments (PIM-API.md §6); not eligibility or settings. */
const ACTIVATION_ACTIVITY =
  /\((PIM activation|PIM deactivate|PIM activation expired)\)$|^PIM activation request expired$|^(Add|Remove|Update) member (to |from |in )?(role )?in PIM |^Update member in PIM/i;

export const PERMISSION_FIX =
  "Grant PIM Bot's app registration the Microsoft Graph application permission AuditLog.Read.All and admin-consent it (docs/deploy-to-your-tenant.md, section 5). Until then the watcher reads every PIM request, page by page.";
export const LICENCE_FIX =
  'Reading audit logs through Graph needs a Microsoft Entra ID P1 or P2 licence in the tenant (PIM itself needs P2; docs/deploy-to-your-tenant.md, section 10). Until then the watcher reads every PIM request, page by page.';

interface WireAudit {
  id?: string;
  category?: string | null;
  activityDisplayName?: string | null;
  activityDateTime?: string | null;
  loggedByService?: string | null;
  initiatedBy?: { user?: { id?: string | null } | null } | null;
  targetResources?: Array<{ id?: string | null; type?: string | null }> | null;
}

/** A PIM activation entry of a kind the watcher reads, or undefined. */
export function toPimChange(e: WireAudit): PimChange | undefined {
  const name = e.activityDisplayName ?? '';
  const at = e.activityDateTime ? new Date(e.activityDateTime) : null;
  if (!e.id || !at || Number.isNaN(at.getTime()) || !ACTIVATION_ACTIVITY.test(name)) return undefined;
  const service = (e.loggedByService ?? '').trim().toLowerCase();
  if (service !== '' && !PIM_SERVICES.has(service)) return undefined;
  const targets = e.targetResources ?? [];
  const typed = (type: string) => targets.find((t) => t.id && (t.type ?? '').toLowerCase() === type);
  const category = (e.category ?? '').toLowerCase();
  const kind: PimKind | undefined =
    category === 'rolemanagement'
      ? 'role'
      : category === 'groupmanagement'
        ? 'group'
        : typed('role')
          ? 'role'
          : undefined;
  if (!kind) return undefined;
  // The member is the User target (the docs' shape); when it is missing, the actor (a self-activation's requester).
  const principalId = typed('user')?.id ?? typed('serviceprincipal')?.id ?? e.initiatedBy?.user?.id ?? null;
  if (!principalId) return undefined;
  return { eventId: e.id, principalId, kind, at, activity: name };
}

export class PimAuditReader {
  /** false once Graph refused the `category` filter: the time filter alone from then on. */
  private categoryFilter = true;

  constructor(
    private readonly graph: GraphTransport,
    private readonly onShapeChange: (message: string) => void = () => {},
  ) {}

  /**
   * PIM activation entries of these kinds with `activityDateTime >= from`, oldest first, reading at most
   * `maxPages` pages per kind. `complete` is false when a kind had more: `lastAt` is then the last time read,
   * where the next read goes on. Throws {@link AuditLogUnavailable} on a missing permission or licence.
   */
  async changesSince(
    from: Date,
    kinds: readonly PimKind[],
    maxPages: number,
  ): Promise<{ changes: PimChange[]; complete: boolean; lastAt: Date | null }> {
    try {
      return await this.read(from, kinds, maxPages);
    } catch (err) {
      if (this.categoryFilter && err instanceof GraphCallFailed && err.failure.httpStatus === 400) {
        this.categoryFilter = false;
        this.onShapeChange(
          `Graph refused the audit filter on category (${err.failure.code ?? ''}: ${err.failure.message ?? ''}); reading PIM's entries by time alone`,
        );
        return this.read(from, kinds, maxPages);
      }
      throw unavailable(err);
    }
  }

  private async read(from: Date, kinds: readonly PimKind[], maxPages: number) {
    const queries = this.categoryFilter ? kinds.map((k) => `category eq '${CATEGORY[k]}' and `) : [''];
    const changes: PimChange[] = [];
    /** Where each query that stopped at the page limit got to: the next read goes on from the earliest. */
    const stoppedAt: Date[] = [];
    for (const prefix of queries) {
      const filter = encodeURIComponent(`${prefix}activityDateTime ge ${from.toISOString()}`);
      let link: string | null =
        `/auditLogs/directoryAudits?$filter=${filter}&$orderby=activityDateTime%20asc&$top=${PAGE_SIZE}`;
      let last: Date | null = null;
      for (let pages = 0; link; pages++) {
        if (pages >= maxPages) {
          stoppedAt.push(last ?? from);
          break;
        }
        const page: { items: WireAudit[]; nextLink: string | null } = await this.graph.page<WireAudit>(link);
        for (const e of page.items) {
          const at = e.activityDateTime ? new Date(e.activityDateTime) : null;
          if (at && !Number.isNaN(at.getTime()) && (!last || at > last)) last = at;
          const change = toPimChange(e);
          if (change && kinds.includes(change.kind)) changes.push(change);
        }
        link = page.nextLink;
      }
    }
    changes.sort((a, b) => a.at.getTime() - b.at.getTime());
    const lastAt = stoppedAt.length > 0 ? new Date(Math.min(...stoppedAt.map((d) => d.getTime()))) : null;
    return { changes, complete: stoppedAt.length === 0, lastAt };
  }
}

function unavailable(err: unknown): unknown {
  if (!(err instanceof GraphCallFailed) || err.failure.httpStatus !== 403) return err;
  const code = err.failure.code ?? 'Forbidden';
  if (/NonPremium|premium/i.test(`${code} ${err.failure.message ?? ''}`)) {
    return new AuditLogUnavailable(code, 403, LICENCE_FIX);
  }
  return new AuditLogUnavailable(code, 403, PERMISSION_FIX);
}
