import type { HandlerContext } from '../context';
import { directoryObjectNode, groupNode, userNode } from '../entities';
import { graphErrors } from '../errors';
import { transitiveMemberIds } from '../group-members';
import { queryOption } from '../http';
import { sameId } from '../ids';
import { collectionResponse, type EntityNode, entityResponse } from '../odata/query';
import { Permissions, requireDirectoryPermission } from '../permissions';
import type { Route } from '../router';

/** /me, /users, /groups and group members (minimal directory objects from the fixture). */
export function directoryRoutes(): Route<HandlerContext>[] {
  return [
    {
      method: 'GET',
      path: '/me',
      handler: (ctx) => {
        if (ctx.caller.kind !== 'user') {
          throw graphErrors.badRequest('/me request is only valid with delegated authentication flow.');
        }
        requireDirectoryPermission(ctx.caller, Permissions.me);
        const user = ctx.state.tenant.user(ctx.caller.objectId);
        if (!user) throw graphErrors.directoryNotFound(ctx.caller.objectId);
        return entityResponse(ctx.req, userNode(user, false), 'users');
      },
    },
    {
      method: 'GET',
      path: '/users',
      handler: (ctx) => {
        requireDirectoryPermission(ctx.caller, Permissions.usersRead);
        const nodes = ctx.state.tenant.fixture.users.map((u) => userNode(u, false));
        return collectionResponse(ctx.req, nodes, 'users', { typeName: 'microsoft.graph.user' });
      },
    },
    {
      method: 'GET',
      path: '/users/{id}',
      handler: (ctx, { id = '' }) => {
        const user = ctx.state.tenant.userByIdOrUpn(id);
        const self = ctx.caller.kind === 'user' && user && sameId(user.id, ctx.caller.objectId);
        requireDirectoryPermission(ctx.caller, self ? Permissions.me : Permissions.usersRead);
        if (!user) throw graphErrors.directoryNotFound(id);
        return entityResponse(ctx.req, userNode(user, false), 'users');
      },
    },
    {
      // GET /users/{id}/manager: the manager as a directoryObject (404 when the user has none), as Graph.
      method: 'GET',
      path: '/users/{id}/manager',
      handler: (ctx, { id = '' }) => {
        requireDirectoryPermission(ctx.caller, Permissions.usersRead);
        const user = ctx.state.tenant.userByIdOrUpn(id);
        if (!user) throw graphErrors.directoryNotFound(id);
        const manager = user.managerId ? ctx.state.tenant.user(user.managerId) : undefined;
        if (!manager) throw graphErrors.directoryNotFound(`${id}/manager`);
        return entityResponse(ctx.req, userNode(manager, false), 'directoryObjects');
      },
    },
    {
      method: 'GET',
      path: '/groups',
      handler: (ctx) => {
        requireDirectoryPermission(ctx.caller, Permissions.groupsRead);
        const nodes = ctx.state.tenant.fixture.groups.map((g) => groupNode(g, ctx.view, false));
        return collectionResponse(ctx.req, nodes, 'groups', { typeName: 'microsoft.graph.group' });
      },
    },
    {
      method: 'GET',
      path: '/groups/{id}',
      handler: (ctx, { id = '' }) => {
        requireDirectoryPermission(ctx.caller, Permissions.groupsRead);
        const group = ctx.state.tenant.group(id);
        if (!group) throw graphErrors.directoryNotFound(id);
        return entityResponse(ctx.req, groupNode(group, ctx.view, false), 'groups');
      },
    },
    {
      method: 'GET',
      path: '/groups/{id}/members',
      handler: (ctx, { id = '' }) => {
        requireDirectoryPermission(ctx.caller, Permissions.groupsRead);
        const group = ctx.state.tenant.group(id);
        if (!group) throw graphErrors.directoryNotFound(id);
        const nodes = ctx.state
          .groupMemberIds(group.id, ctx.now)
          .map((m) => directoryObjectNode(m, ctx.view))
          .filter((n): n is EntityNode => n !== null);
        return collectionResponse(ctx.req, nodes, 'directoryObjects', { typeName: 'microsoft.graph.directoryObject' });
      },
    },
    {
      // Nested groups followed: "a flat list of all nested members" (DOCS group-list-transitivemembers.md).
      method: 'GET',
      path: '/groups/{id}/transitiveMembers',
      handler: (ctx, { id = '' }) => transitiveMembers(ctx, id, false),
    },
    {
      // The OData cast keeps the users only; an advanced query (FIDELITY.md).
      method: 'GET',
      path: '/groups/{id}/transitiveMembers/microsoft.graph.user',
      handler: (ctx, { id = '' }) => transitiveMembers(ctx, id, true),
    },
  ];
}

/**
 * A group's members, nested groups followed. The cast to microsoft.graph.user answers users only, as
 * `users`, and is an advanced query: "This header and `$count` are required when using the `$search`,
 * `$filter`, `$orderby`, or OData cast query parameters" (DOCS group-list-transitivemembers.md,
 * concepts/aad-advanced-queries.md "Use of OData cast with transitive members list").
 */
function transitiveMembers(ctx: HandlerContext, id: string, usersOnly: boolean) {
  requireDirectoryPermission(ctx.caller, Permissions.groupsRead);
  if (usersOnly) {
    const eventual = String(ctx.req.headers.consistencylevel ?? '').toLowerCase() === 'eventual';
    if (!eventual || queryOption(ctx.req, 'count')?.toLowerCase() !== 'true') {
      throw graphErrors.advancedQueryRequired('OData cast on transitiveMembers');
    }
  }
  const group = ctx.state.tenant.group(id);
  if (!group) throw graphErrors.directoryNotFound(id);
  const ids = transitiveMemberIds(ctx.state, group.id, ctx.now);
  if (usersOnly) {
    const users = ids.flatMap((m) => {
      const user = ctx.state.tenant.user(m);
      return user ? [userNode(user, false)] : [];
    });
    return collectionResponse(ctx.req, users, 'users', { typeName: 'microsoft.graph.user' });
  }
  const nodes = ids.map((m) => directoryObjectNode(m, ctx.view)).filter((n): n is EntityNode => n !== null);
  return collectionResponse(ctx.req, nodes, 'directoryObjects', { typeName: 'microsoft.graph.directoryObject' });
}
