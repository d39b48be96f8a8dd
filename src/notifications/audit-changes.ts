import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import { AuditLogUnavailable, type PimAuditReader, type PimKind } from '../pim/audit-reader';
import type { AuditCursor } from './watcher-state';

/**
 * Which principals' PIM requests changed since the last tick, from the directory audit log: the watcher's
 * change cursor (FEATURES-API.md §5). Each tick reads the entries since its cursor minus a look-back (audit
 * latency is UNVERIFIED), skips those it already acted on (by entry id), and names each changed principal
 * once with the earliest time it changed.
 *
 * Without the audit log (403: no AuditLog.Read.All, or no P1/P2 licence) it says so once, with the fix, and
 * the watcher reads every request instead; it tries again every `retryMs` in case the permission was granted.
 */
export interface ChangedPrincipal {
  principalId: string;
  kind: PimKind;
  /** The earliest of its entries this read. */
  earliest: Date;
}

export type AuditRead =
  | { available: true; principals: ChangedPrincipal[]; next: AuditCursor; entries: number }
  | { available: false };

export interface AuditReadOptions {
  now: Date;
  cursor: AuditCursor | undefined;
  /** The stored watermark, the cursor of states written before the audit log was used. */
  watermark: Date;
  /** Earliest time to read from (ms): when watching began, minus the overlap. */
  floor: number;
  lookBackMs: number;
  kinds: readonly PimKind[];
  maxPages: number;
}

export class AuditChanges {
  private unavailableUntil = 0;
  private warned = false;

  constructor(
    private readonly reader: PimAuditReader,
    private readonly logger: Logger,
    private readonly retryMs: number,
  ) {}

  async read(o: AuditReadOptions): Promise<AuditRead> {
    if (o.now.getTime() < this.unavailableUntil) return { available: false };
    const cursor = o.cursor ? Date.parse(o.cursor.cursor) : o.watermark.getTime();
    const from = Math.max(o.floor, o.cursor?.exact ? cursor : cursor - o.lookBackMs);
    let read: Awaited<ReturnType<PimAuditReader['changesSince']>>;
    try {
      read = await this.reader.changesSince(new Date(from), o.kinds, o.maxPages);
    } catch (err) {
      if (!(err instanceof AuditLogUnavailable)) throw err;
      this.unavailableUntil = o.now.getTime() + this.retryMs;
      if (!this.warned) {
        this.warned = true;
        this.logger.warn(
          { err: errorSummary(err), code: err.code, status: err.httpStatus, fix: err.fix },
          `activation feed: cannot read the directory audit log (${err.code}); falling back to reading every PIM request. ${err.fix}`,
        );
      }
      return { available: false };
    }
    if (this.warned) {
      this.warned = false;
      this.logger.info('activation feed: the directory audit log is readable again; using it as the change cursor');
    }
    this.unavailableUntil = 0;

    const seen = o.cursor?.events ?? {};
    const byPrincipal = new Map<string, ChangedPrincipal>();
    const events: Record<string, string> = {};
    for (const change of read.changes) {
      events[change.eventId] = change.at.toISOString();
      if (Object.hasOwn(seen, change.eventId)) continue;
      const key = `${change.kind}:${change.principalId.toLowerCase()}`;
      const known = byPrincipal.get(key);
      if (!known) byPrincipal.set(key, { principalId: change.principalId, kind: change.kind, earliest: change.at });
      else if (change.at < known.earliest) known.earliest = change.at;
    }
    const nextCursor = read.complete ? o.now.getTime() : (read.lastAt?.getTime() ?? from);
    // Entry ids are kept while a later read can still return them (the look-back behind the next cursor).
    const keepFrom = nextCursor - o.lookBackMs;
    for (const [id, at] of Object.entries(seen)) if (Date.parse(at) >= keepFrom && !events[id]) events[id] = at;
    for (const [id, at] of Object.entries(events)) if (Date.parse(at) < keepFrom) delete events[id];
    return {
      available: true,
      principals: [...byPrincipal.values()],
      next: { cursor: new Date(nextCursor).toISOString(), ...(read.complete ? {} : { exact: true }), events },
      entries: read.changes.length,
    };
  }
}
