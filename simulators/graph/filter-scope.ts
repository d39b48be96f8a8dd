import type { GraphRequest } from './http';
import type { JsonObject } from './json';
import { DATE_TIME, type FilterNode } from './odata/filter';
import { type EntityNode, LazyNodes, parseFilterOption } from './odata/query';
import type { ViewScope } from './views';

/**
 * A collection whose items can be read for one principal (or group) without reading the whole tenant:
 * `items(scope)` answers, for a scope, exactly the items of the whole view that belong to it, in the
 * whole view's order (views.ts), and `node` turns one into its Graph entity.
 */
export interface ScopedSource<T> {
  items(scope: ViewScope): readonly T[];
  node(item: T): EntityNode;
}

/** The filterable keys a {@link ScopedSource} indexes. */
export type ScopeKey = 'principalId' | 'groupId';

/**
 * `key eq 'value'` as a top-level conjunct (the whole filter, or one side of its `and`s): every item the
 * filter keeps has that value (compared case-insensitively, as the filter compares strings). Date-time
 * literals are left out, since the filter compares those as instants, not as text.
 */
function pinnedTerm(node: FilterNode, keys: readonly ScopeKey[]): ViewScope | undefined {
  if (node.kind === 'and') return pinnedTerm(node.left, keys) ?? pinnedTerm(node.right, keys);
  if (node.kind !== 'cmp' || node.op !== 'eq' || node.path.length !== 1) return undefined;
  const name = keys.find((k) => k.toLowerCase() === (node.path[0] ?? '').toLowerCase());
  if (!name || typeof node.value !== 'string' || DATE_TIME.test(node.value)) return undefined;
  return { [name]: node.value };
}

function paths(node: FilterNode): string[][] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...paths(node.left), ...paths(node.right)];
    case 'not':
      return paths(node.operand);
    default:
      return [node.path];
  }
}

/** Whether every property the filter names exists on the entity (so evaluating it can never fail). */
function namesOnly(node: FilterNode, json: JsonObject): boolean {
  const keys = Object.keys(json).map((k) => k.toLowerCase());
  return paths(node).every((p) => keys.includes((p[0] ?? '').toLowerCase()));
}

function parsedFilter(req: GraphRequest): FilterNode | undefined {
  try {
    return parseFilterOption(req);
  } catch {
    // collectionResponse reports it, after the checks that come first there.
    return undefined;
  }
}

/**
 * The entities a collection read must filter: when its `$filter` pins a principal (or a group) with `eq`,
 * only that one's, read from the index; otherwise every entity. Same answer either way (same items kept,
 * same order, hence the same pages), and the same refusals: a filter naming a property the type lacks is
 * refused when evaluated, which depends on the other items' values, so such a filter reads everything.
 * The entities of every type carry the same properties, so one entity tells which names are known.
 * Without a pinned key the entities are built as read (only the page, when nothing filters them).
 */
export function filterCandidates<T>(
  req: GraphRequest,
  source: ScopedSource<T>,
  keys: readonly ScopeKey[],
): EntityNode[] | LazyNodes {
  const filter = parsedFilter(req);
  const scope = filter && pinnedTerm(filter, keys);
  if (filter && scope) {
    const nodes = source.items(scope).map((i) => source.node(i));
    const sampleItem = nodes.length ? undefined : source.items({})[0];
    const sample = nodes[0] ?? (sampleItem === undefined ? undefined : source.node(sampleItem));
    if (!sample) return [];
    if (namesOnly(filter, sample.json)) return nodes;
  }
  return LazyNodes.of(source.items({}), (i) => source.node(i));
}
