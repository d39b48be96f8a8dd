import { graphErrors } from './errors';
import type { GraphRequest, GraphResponse, GraphVersion } from './http';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface Route<C> {
  method: HttpMethod;
  /** e.g. "/roleManagement/directory/roleAssignmentScheduleRequests/{id}/cancel" or ".../filterByCurrentUser(on='{on}')" */
  path: string;
  /** Versions serving this route; both when absent. */
  versions?: readonly GraphVersion[];
  handler: (ctx: C, params: Record<string, string>) => GraphResponse | Promise<GraphResponse>;
}

interface CompiledRoute<C> extends Route<C> {
  matchers: RegExp[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileSegment(segment: string): RegExp {
  let source = '';
  let last = 0;
  for (const m of segment.matchAll(/\{(\w+)\}/g)) {
    source += escapeRegExp(segment.slice(last, m.index));
    source += `(?<${m[1]}>[^/']+)`;
    last = (m.index ?? 0) + m[0].length;
  }
  source += escapeRegExp(segment.slice(last));
  // Graph path segments are case-insensitive.
  return new RegExp(`^${source}$`, 'i');
}

/**
 * Matches decoded path segments against the route table. An unmatched path answers like Graph:
 * 400 "Resource not found for the segment 'x'." naming the first segment no route knows.
 */
export class Router<C> {
  private readonly routes: CompiledRoute<C>[] = [];

  add(...routes: Route<C>[]): this {
    for (const r of routes) {
      this.routes.push({ ...r, matchers: r.path.split('/').filter(Boolean).map(compileSegment) });
    }
    return this;
  }

  resolve(req: GraphRequest): { route: Route<C>; params: Record<string, string> } {
    const segs = req.segments;
    let deepest = 0;
    let pathKnown = false;
    // Function-style segments (filterByCurrentUser(...)) are listed before {id} routes, so first match wins.
    for (const route of this.routes) {
      if (route.versions && !route.versions.includes(req.version)) continue;
      const params: Record<string, string> = {};
      let i = 0;
      for (; i < Math.min(segs.length, route.matchers.length); i++) {
        const m = route.matchers[i]?.exec(segs[i] ?? '');
        if (!m) break;
        Object.assign(params, m.groups ?? {});
      }
      deepest = Math.max(deepest, i);
      if (i === segs.length && i === route.matchers.length) {
        pathKnown = true;
        if (route.method === req.method) return { route, params };
      }
    }
    if (pathKnown) throw graphErrors.methodNotAllowed();
    throw graphErrors.segmentNotFound(segs[deepest] ?? segs[segs.length - 1] ?? '');
  }
}
