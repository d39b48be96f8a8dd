import type { FixtureTeamsApp, TenantFixture } from '../tenant/tenant-fixture';
import { sameId } from './ids';

/** One app installed in a user's personal scope (Graph `userScopeTeamsAppInstallation`). */
export interface UserAppInstallation {
  /** base64("{userId}##{teamsAppId}"), the form of every id in the docs' samples (FIDELITY.md). */
  id: string;
  userId: string;
  teamsAppId: string;
  /** The 1:1 chat between the user and the app's bot. */
  chatId: string;
  installedAt: Date;
}

/**
 * The tenant's Teams app catalog and the personal-scope installations, loaded from the fixture and changed
 * by `POST /users/{id}/teamwork/installedApps`. Reset with the fixture.
 */
export class TeamsAppCatalog {
  readonly apps: readonly FixtureTeamsApp[];
  private readonly installations = new Map<string, UserAppInstallation[]>();

  constructor(fixture: TenantFixture, now: Date) {
    this.apps = fixture.teamsApps ?? [];
    for (const app of this.apps) {
      for (const userId of app.installedFor ?? []) this.install(userId, app, now);
    }
  }

  app(teamsAppId: string): FixtureTeamsApp | undefined {
    return this.apps.find((a) => sameId(a.id, teamsAppId));
  }

  forUser(userId: string): UserAppInstallation[] {
    return [...(this.installations.get(userId.toLowerCase()) ?? [])];
  }

  installation(userId: string, installationId: string): UserAppInstallation | undefined {
    return this.forUser(userId).find((i) => i.id === installationId);
  }

  isInstalled(userId: string, teamsAppId: string): boolean {
    return this.forUser(userId).some((i) => sameId(i.teamsAppId, teamsAppId));
  }

  /** Adds the installation; false (and nothing changes) when the user already has the app. */
  install(userId: string, app: FixtureTeamsApp, now: Date): boolean {
    if (this.isInstalled(userId, app.id)) return false;
    const list = this.installations.get(userId.toLowerCase()) ?? [];
    list.push({
      id: installationId(userId, app.id),
      userId,
      teamsAppId: app.id,
      chatId: personalChatId(userId, app),
      installedAt: now,
    });
    this.installations.set(userId.toLowerCase(), list);
    return true;
  }

  /** Every installation, for the control API and the tests' assertions. */
  all(): UserAppInstallation[] {
    return [...this.installations.values()].flat();
  }
}

export function installationId(userId: string, teamsAppId: string): string {
  return Buffer.from(`${userId}##${teamsAppId}`).toString('base64');
}

/** `teamsAppDefinition.id`: base64("{teamsAppId}##{version}") as in the docs' samples. */
export function appDefinitionId(app: FixtureTeamsApp): string {
  return Buffer.from(`${app.id}##${app.version}`).toString('base64');
}

/**
 * "19:{…}_{userId}@unq.gbl.spaces" as the get-chat sample answers (DOCS
 * api-reference/v1.0/api/userscopeteamsappinstallation-get-chat.md); the first id there is not the catalog
 * id: the bot's Entra app id is used (UNVERIFIED).
 */
function personalChatId(userId: string, app: FixtureTeamsApp): string {
  return `19:${app.azureADAppId ?? app.id}_${userId}@unq.gbl.spaces`;
}
