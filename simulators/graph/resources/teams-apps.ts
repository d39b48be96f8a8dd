import type { FixtureTeamsApp, FixtureUser } from '../../tenant/tenant-fixture';
import type { HandlerContext } from '../context';
import { graphErrors } from '../errors';
import { jsonBody } from '../http';
import { iso, type JsonObject } from '../json';
import { collectionResponse, type EntityNode, entityResponse } from '../odata/query';
import { Permissions, requireTeamsPermission, teamsAppScope } from '../permissions';
import type { Route } from '../router';
import { appDefinitionId, type UserAppInstallation } from '../teams-apps';

/**
 * The Teams app catalog and apps in a user's personal scope: what a bot needs to install itself for someone
 * who never opened it and to find the 1:1 chat to post into (FIDELITY.md, "Teams app installations";
 * ../shared/graph/FEATURES-API.md §3).
 */
export function teamsAppRoutes(): Route<HandlerContext>[] {
  return [
    {
      // GET /appCatalogs/teamsApps?$filter=externalId eq '{manifest id}' (DOCS appcatalogs-list-teamsapps.md)
      method: 'GET',
      path: '/appCatalogs/teamsApps',
      handler: (ctx) => {
        requireTeamsPermission(ctx.caller, Permissions.appCatalogRead);
        const nodes = ctx.state.teamsApps.apps.map(teamsAppNode);
        return collectionResponse(ctx.req, nodes, 'appCatalogs/teamsApps', { typeName: 'microsoft.graph.teamsApp' });
      },
    },
    {
      method: 'GET',
      path: '/users/{id}/teamwork/installedApps',
      handler: (ctx, { id = '' }) => {
        requireTeamsPermission(ctx.caller, Permissions.teamsAppInstallationRead);
        const user = findUser(ctx, id);
        const visible = teamsAppScope(ctx.caller, Permissions.teamsAppInstallationRead);
        const nodes = ctx.state.teamsApps
          .forUser(user.id)
          .map((i) => installationNode(ctx, i))
          .filter((n): n is InstallationNode => n !== undefined && visible(n.app.azureADAppId));
        return collectionResponse(ctx.req, nodes, `users('${user.id}')/teamwork/installedApps`, {
          typeName: 'microsoft.graph.userScopeTeamsAppInstallation',
          // `teamsApp/externalId eq '…'` and `teamsAppDefinition/teamsAppId eq '…'` filter on the related
          // entities whether or not they are expanded (the docs' examples 3 and the proactive guide).
          filterView: (json) => {
            const node = nodes.find((n) => n.json.id === json.id);
            return node
              ? { ...json, teamsApp: teamsAppNode(node.app).json, teamsAppDefinition: definitionJson(node.app) }
              : json;
          },
        });
      },
    },
    {
      // Install: 201 with no body (DOCS userteamwork-post-installedapps.md); 409 when the user already has it.
      method: 'POST',
      path: '/users/{id}/teamwork/installedApps',
      handler: (ctx, { id = '' }) => {
        requireTeamsPermission(ctx.caller, Permissions.teamsAppInstall);
        const user = findUser(ctx, id);
        const app = boundApp(ctx);
        if (!teamsAppScope(ctx.caller, Permissions.teamsAppInstall)(app.azureADAppId)) {
          throw graphErrors.teamsAppNotManageable(ctx.caller.appId ?? '', app.id);
        }
        if (!ctx.state.teamsApps.install(user.id, app, ctx.now)) {
          throw graphErrors.conflict('The app is already installed for this user.');
        }
        return { status: 201 };
      },
    },
    {
      method: 'GET',
      path: '/users/{id}/teamwork/installedApps/{installationId}',
      handler: (ctx, { id = '', installationId = '' }) => {
        requireTeamsPermission(ctx.caller, Permissions.teamsAppInstallationRead);
        const node = visibleInstallation(ctx, id, installationId);
        return entityResponse(ctx.req, node, `users('${node.installation.userId}')/teamwork/installedApps`);
      },
    },
    {
      // The 1:1 chat of the user with the app's bot; only $select is supported (DOCS userscopeteamsappinstallation-get-chat.md).
      method: 'GET',
      path: '/users/{id}/teamwork/installedApps/{installationId}/chat',
      handler: (ctx, { id = '', installationId = '' }) => {
        requireTeamsPermission(ctx.caller, Permissions.teamsAppInstallationRead);
        if (ctx.req.query.has('$expand') || ctx.req.query.has('expand')) {
          throw graphErrors.badRequest(
            "The query specified in the URI is not valid. Query option 'Expand' is not allowed.",
          );
        }
        const node = visibleInstallation(ctx, id, installationId);
        return entityResponse(ctx.req, chatNode(ctx, node.installation), 'chats');
      },
    },
  ];
}

interface InstallationNode extends EntityNode {
  installation: UserAppInstallation;
  app: FixtureTeamsApp;
}

function findUser(ctx: HandlerContext, id: string): FixtureUser {
  const user = ctx.state.tenant.userByIdOrUpn(id);
  if (!user) throw graphErrors.teamsNotFound(`User '${id}'`);
  return user;
}

function visibleInstallation(ctx: HandlerContext, userId: string, installationId: string): InstallationNode {
  const user = findUser(ctx, userId);
  const installation = ctx.state.teamsApps.installation(user.id, installationId);
  const node = installation && installationNode(ctx, installation);
  const visible = teamsAppScope(ctx.caller, Permissions.teamsAppInstallationRead);
  if (!node || !visible(node.app.azureADAppId)) throw graphErrors.teamsNotFound(`Installation '${installationId}'`);
  return node;
}

/** The catalog app named by `teamsApp@odata.bind` (".../appCatalogs/teamsApps/{id}"). */
function boundApp(ctx: HandlerContext): FixtureTeamsApp {
  const body = jsonBody(ctx.req);
  const bind = body['teamsApp@odata.bind'];
  const m = typeof bind === 'string' ? /\/appCatalogs\/teamsApps\/([^/?#]+)$/i.exec(bind) : null;
  if (!m?.[1]) {
    throw graphErrors.badRequest(
      'The request body must bind the app to install: {"teamsApp@odata.bind": "https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/{id}"}.',
    );
  }
  const app = ctx.state.teamsApps.app(decodeURIComponent(m[1]));
  // An app that left the catalog: 404 (Company Communicator handles it so; the wording is UNVERIFIED).
  if (!app) throw graphErrors.teamsNotFound(`Teams app '${m[1]}'`);
  return app;
}

function teamsAppNode(app: FixtureTeamsApp): EntityNode {
  return {
    typeName: 'microsoft.graph.teamsApp',
    json: {
      id: app.id,
      externalId: app.externalId,
      displayName: app.displayName,
      distributionMethod: app.distributionMethod,
    },
    navigation: {
      appDefinitions: () => [{ typeName: 'microsoft.graph.teamsAppDefinition', json: definitionJson(app) }],
    },
  };
}

function definitionJson(app: FixtureTeamsApp): JsonObject {
  return {
    id: appDefinitionId(app),
    teamsAppId: app.id,
    displayName: app.displayName,
    version: app.version,
    publishingState: 'published',
    lastModifiedDateTime: null,
  };
}

function installationNode(ctx: HandlerContext, installation: UserAppInstallation): InstallationNode | undefined {
  const app = ctx.state.teamsApps.app(installation.teamsAppId);
  if (!app) return undefined;
  return {
    typeName: 'microsoft.graph.userScopeTeamsAppInstallation',
    json: { id: installation.id },
    installation,
    app,
    navigation: {
      teamsApp: () => teamsAppNode(app),
      teamsAppDefinition: () => ({ typeName: 'microsoft.graph.teamsAppDefinition', json: definitionJson(app) }),
      chat: () => chatNode(ctx, installation),
    },
  };
}

function chatNode(ctx: HandlerContext, installation: UserAppInstallation): EntityNode {
  return {
    typeName: 'microsoft.graph.chat',
    json: {
      id: installation.chatId,
      topic: null,
      createdDateTime: iso(installation.installedAt),
      lastUpdatedDateTime: iso(installation.installedAt),
      chatType: 'oneOnOne',
      tenantId: ctx.state.tenant.tenantId,
      webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(installation.chatId)}/0?tenantId=${ctx.state.tenant.tenantId}`,
    },
  };
}
