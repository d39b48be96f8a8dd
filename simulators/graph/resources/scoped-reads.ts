import type { HandlerContext } from '../context';
import { graphErrors } from '../errors';
import type { ScopedSource } from '../filter-scope';
import { sameId } from '../ids';
import type { EntityNode } from '../odata/query';

/** The first entity with this id (case-insensitively), or Graph's PIM 404. */
export function byId(nodes: EntityNode[], id: string): EntityNode {
  const node = nodes.find((n) => sameId(String(n.json.id), id));
  if (!node) throw graphErrors.pimNotFound();
  return node;
}

export function mine(ctx: HandlerContext, nodes: EntityNode[]): EntityNode[] {
  return nodes.filter((n) => sameId(String(n.json.principalId), ctx.caller.objectId));
}

/** Every entity of a source, in its view's order. */
export const all = <T>(source: ScopedSource<T>): EntityNode[] => source.items({}).map((i) => source.node(i));

/** The caller's entities of a source (filterByCurrentUser(on='principal')), read from the principal index. */
export function callersOwn<T>(ctx: HandlerContext, source: ScopedSource<T>): EntityNode[] {
  return mine(
    ctx,
    source.items({ principalId: ctx.caller.objectId }).map((i) => source.node(i)),
  );
}

/** One entity by id, among the items an index found with that id (`withId`, in view order), or 404. */
export function oneOf<T>(source: ScopedSource<T>, withId: readonly T[], id: string): EntityNode {
  return byId(
    withId.map((i) => source.node(i)),
    id,
  );
}

/**
 * One entity by id, or 404, when ids derive from the principal (eligibilities: fixture-loader.ts): the
 * entities with one id (`owners`, from an index) are all one principal's, and that principal's part of the
 * view holds them in the view's order, so its first with the id is the whole view's first. Several
 * principals (not expected) read the whole view.
 */
export function ownedById<T extends { principalId: string }>(
  source: ScopedSource<T>,
  owners: readonly T[],
  id: string,
): EntityNode {
  const principals = new Set(owners.map((o) => o.principalId.toLowerCase()));
  const [principalId] = principals;
  if (principalId === undefined) throw graphErrors.pimNotFound();
  if (principals.size > 1) return byId(all(source), id);
  return byId(
    source.items({ principalId }).map((i) => source.node(i)),
    id,
  );
}
