import type { JsonObject } from './json';

/**
 * The tenant's directory audit log (GET /auditLogs/directoryAudits), as far as PIM writes it: one event per
 * state change of an activation request (FIDELITY.md, "Directory audits"). Events are kept sorted by
 * `activityDateTime`, so a time-window read costs a binary search plus the window, not the whole log.
 *
 * Some events happen without anyone calling (an approval nobody decided within 24 h, an activation that
 * runs out): they are scheduled when the request is made and written when the log is next read at or after
 * their time, the same lazy way the rest of the simulator evaluates the clock.
 */
export interface AuditEvent {
  id: string;
  activityDateTime: Date;
  /** JSON as Graph sends it (initiatedBy, targetResources, …), built when read: 100,000 requests write 300,000 entries. */
  json: () => JsonObject;
}

interface Scheduled {
  at: number;
  make: () => AuditEvent | null;
}

/** What the control API can change about the log (the tests' stand-ins for a tenant's licence and audit lag). */
export interface AuditLogSettings {
  /**
   * false: the tenant has no Microsoft Entra ID P1/P2, and reads answer 403
   * Authentication_RequestFromNonPremiumTenantOrB2CTenant (FEATURES-API.md §2.4). Default true.
   */
  premium: boolean;
  /** How long after an event it becomes readable (audit latency is UNVERIFIED: FEATURES-API.md §5). Default 0. */
  latencyMs: number;
  /** The next this many events are never written (a missed event, for the watcher's reconciliation). */
  withhold: number;
  /**
   * Refuse `$filter` on `category` as the page's list of filterable properties would (it is not listed;
   * third parties use it: UNVERIFIED, FEATURES-API.md §2.2). Default false: accepted.
   */
  refuseCategoryFilter: boolean;
}

export class DirectoryAuditLog {
  private events: AuditEvent[] = [];
  private scheduled: Scheduled[] = [];
  /** Scheduled events before this index are written (an index, not shift(): cheap with 100,000 queued). */
  private head = 0;
  settings: AuditLogSettings = { premium: true, latencyMs: 0, withhold: 0, refuseCategoryFilter: false };

  clear(): void {
    this.events = [];
    this.scheduled = [];
    this.head = 0;
    this.settings = { premium: true, latencyMs: 0, withhold: 0, refuseCategoryFilter: false };
  }

  get size(): number {
    return this.events.length;
  }

  record(event: AuditEvent): void {
    if (this.settings.withhold > 0) {
      this.settings.withhold--;
      return;
    }
    const t = event.activityDateTime.getTime();
    // Appends are the common case (the clock moves forward); a scheduled event lands in its place.
    let i = this.events.length;
    if (i > 0 && (this.events[i - 1]?.activityDateTime.getTime() ?? 0) > t) i = this.lowerBound(t + 1);
    this.events.splice(i, 0, event);
  }

  /** An event to write at `at` unless `make` then says it did not happen (returns null). */
  schedule(at: Date, make: () => AuditEvent | null): void {
    const item = { at: at.getTime(), make };
    let i = this.scheduled.length;
    while (i > this.head && (this.scheduled[i - 1]?.at ?? 0) > item.at) i--;
    this.scheduled.splice(i, 0, item);
  }

  /**
   * The events readable at `now` with `from <= activityDateTime <= to` (either bound optional), oldest
   * first. Scheduled events due by `now` are written first.
   */
  range(now: Date, from?: Date, to?: Date): AuditEvent[] {
    this.writeDue(now);
    const visibleTo = now.getTime() - this.settings.latencyMs;
    const upper = Math.min(to?.getTime() ?? Number.POSITIVE_INFINITY, visibleTo);
    const start = from ? this.lowerBound(from.getTime()) : 0;
    const end = Number.isFinite(upper) ? this.lowerBound(upper + 1) : this.events.length;
    return this.events.slice(start, Math.max(start, end));
  }

  private writeDue(now: Date): void {
    const t = now.getTime();
    const due: AuditEvent[] = [];
    while (this.head < this.scheduled.length && (this.scheduled[this.head]?.at ?? Number.POSITIVE_INFINITY) <= t) {
      const event = this.scheduled[this.head++]?.make();
      if (event) due.push(event);
    }
    if (due.length === 1 && due[0]) this.record(due[0]);
    else if (due.length > 1) this.merge(due);
    if (this.head > 1_000 && this.head * 2 > this.scheduled.length) {
      this.scheduled = this.scheduled.slice(this.head);
      this.head = 0;
    }
  }

  /** Writes many events at once (already in time order): one merge, not one splice each. */
  private merge(batch: AuditEvent[]): void {
    const kept = batch.filter(() => {
      if (this.settings.withhold <= 0) return true;
      this.settings.withhold--;
      return false;
    });
    const out: AuditEvent[] = [];
    let i = 0;
    for (const e of kept) {
      const t = e.activityDateTime.getTime();
      while (i < this.events.length && (this.events[i]?.activityDateTime.getTime() ?? 0) <= t)
        out.push(this.events[i++] as AuditEvent);
      out.push(e);
    }
    while (i < this.events.length) out.push(this.events[i++] as AuditEvent);
    this.events = out;
  }

  /** Index of the first event at or after `t` (ms). */
  private lowerBound(t: number): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.events[mid]?.activityDateTime.getTime() ?? 0) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
