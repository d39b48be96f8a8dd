import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { PimActivityReader } from '../pim/pim-reader';
import type { ScheduleRequest } from '../pim/pim-types';
import type { PassCursor, ReconcileState } from './watcher-state';

/**
 * The watcher's full read of every PIM request (the role requests, then each watched group's), a few pages
 * per tick, its place kept in the watcher's state between ticks: the reconciliation behind the audit log
 * (hourly: an activation whose audit entry never came, or came later than the look-back, is still found) and,
 * without the audit log, the whole read (every tick, as before).
 *
 * Bounded, so it never fails outright on a large tenant: a tick reads at most `pages` pages, and a pass over
 * 100,000 requests simply takes more ticks. Graph's @odata.nextLink is followed verbatim across ticks; how
 * long a PIM skiptoken stays valid is UNVERIFIED, so a refused link (400) restarts that source from its first
 * page rather than failing the pass.
 */
export interface PassStep {
  requests: ScheduleRequest[];
  /** The window of the pass these requests belong to (ms): requests effective from here on are candidates. */
  from: number | null;
  next: ReconcileState;
  /** false when a page could not be read (retried next tick from the same place). */
  complete: boolean;
  /** Pages read this tick. */
  pages: number;
}

export interface PassOptions {
  now: Date;
  /** Start a pass now if none is running. */
  due: boolean;
  /** Page budget of this tick. */
  pages: number;
  /** Earliest window start (ms): when watching began, minus the overlap. */
  floor: number;
  overlapMs: number;
  groupIds: readonly string[];
}

type Source = { kind: 'role' } | { kind: 'group'; groupId: string };

export class RequestPass {
  constructor(
    private readonly reader: PimActivityReader,
    private readonly logger: Logger,
  ) {}

  async step(state: ReconcileState | undefined, o: PassOptions): Promise<PassStep> {
    const lastStartedAt = state?.lastStartedAt ?? null;
    let current: PassCursor | null = state?.current ?? null;
    if (!current) {
      if (!o.due) return { requests: [], from: null, next: { current: null, lastStartedAt }, complete: true, pages: 0 };
      const from = Math.max(o.floor, lastStartedAt ? Date.parse(lastStartedAt) - o.overlapMs : o.floor);
      current = { startedAt: o.now.toISOString(), from: new Date(from).toISOString(), source: 0, nextLink: null };
    }
    const sources: Source[] = [{ kind: 'role' }, ...o.groupIds.map((groupId) => ({ kind: 'group' as const, groupId }))];
    const requests: ScheduleRequest[] = [];
    let pages = 0;
    let complete = true;
    while (pages < o.pages && current.source < sources.length) {
      const source = sources[current.source] as Source;
      try {
        pages++;
        const page = await this.reader.requestPage(source, current.nextLink);
        requests.push(...page.requests);
        current = page.nextLink
          ? { ...current, nextLink: page.nextLink }
          : { ...current, source: current.source + 1, nextLink: null };
      } catch (err) {
        complete = false;
        const restart = current.nextLink !== null && httpStatusOf(err) === 400;
        this.logger.warn(
          { err: errorSummary(err), source: source.kind === 'role' ? 'role requests' : source.groupId, restart },
          restart
            ? 'activation feed: a saved page link of the request read was refused; reading that source again from its start'
            : 'activation feed: could not read a page of the requests; retrying next tick',
        );
        if (restart) current = { ...current, nextLink: null };
        break;
      }
    }
    const from = Date.parse(current.from);
    if (current.source >= sources.length) {
      return { requests, from, next: { current: null, lastStartedAt: current.startedAt }, complete, pages };
    }
    return { requests, from, next: { current, lastStartedAt }, complete, pages };
  }
}

function httpStatusOf(err: unknown): number | undefined {
  const status = (err as { httpStatus?: unknown } | null)?.httpStatus;
  return typeof status === 'number' ? status : undefined;
}
