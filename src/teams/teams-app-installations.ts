import { GraphCallFailed, type GraphTransport } from '../pim/graph-transport';

/** An installation of the bot's app in a user's personal scope. */
export interface AppInstallation {
  /** The installation's id (what the chat is read through). */
  installationId: string;
  /** The app's id in the tenant's catalog (`teamsApp.id`), which an install binds to. */
  catalogAppId: string;
}

/** OData string literal: a quote is doubled. */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The Graph calls of proactive installation, app-only (TeamsAppInstallation.ReadWriteSelfForUser.All), as
 * Microsoft's guide "Send proactive installation messages" lays them out (msteams-docs
 * graph-api/proactive-bots-and-messages/graph-proactive-bots-and-messages.md; FEATURES-API.md §3).
 */
export class TeamsAppInstallations {
  constructor(
    private readonly graph: GraphTransport,
    /** Graph root of the `teamsApp@odata.bind` URL: https://graph.microsoft.com, or the simulator. */
    private readonly graphBaseUrl: string,
  ) {}

  /** The user's installation of the app with this manifest id, or undefined when they do not have it. */
  async find(userId: string, manifestId: string): Promise<AppInstallation | undefined> {
    const filter = encodeURIComponent(`teamsApp/externalId eq ${literal(manifestId)}`);
    const items = await this.graph.list<{ id?: string; teamsApp?: { id?: string } | null }>(
      `/users/${encodeURIComponent(userId)}/teamwork/installedApps?$expand=teamsApp&$filter=${filter}`,
    );
    const item = items.find((i) => i.id);
    return item?.id ? { installationId: item.id, catalogAppId: item.teamsApp?.id ?? '' } : undefined;
  }

  /** Installs the app for the user: 201, or 409 Conflict when they already have it (both fine). */
  async install(userId: string, catalogAppId: string): Promise<'installed' | 'alreadyInstalled'> {
    const bind = `${this.graphBaseUrl.replace(/\/+$/, '')}/v1.0/appCatalogs/teamsApps/${encodeURIComponent(catalogAppId)}`;
    try {
      await this.graph.post(`/users/${encodeURIComponent(userId)}/teamwork/installedApps`, {
        'teamsApp@odata.bind': bind,
      });
      return 'installed';
    } catch (err) {
      if (err instanceof GraphCallFailed && err.failure.httpStatus === 409) return 'alreadyInstalled';
      throw err;
    }
  }

  /** The id of the user's 1:1 chat with the bot ("19:…@unq.gbl.spaces"). */
  async chatId(userId: string, installationId: string): Promise<string> {
    const chat = await this.graph.get<{ id?: string }>(
      `/users/${encodeURIComponent(userId)}/teamwork/installedApps/${encodeURIComponent(installationId)}/chat?$select=id`,
    );
    if (!chat.id) throw new Error('Graph answered the installation’s chat without an id.');
    return chat.id;
  }
}
