import type { HandlerContext } from '../context';
import { directoryObjectNode, groupNode, userNode } from '../entities';
import { graphErrors } from '../errors';
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
  ];
}
