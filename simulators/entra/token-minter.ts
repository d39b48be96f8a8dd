import { randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { Clock } from '../clock';
import { GRAPH_RESOURCE, TEAMS_CLIENT_APP_ID, TEAMS_SSO_SCOPE } from './constants';
import type { Directory } from './directory';
import type { SigningKeys } from './signing-keys';
import type { ApplicationRegistration, DirectoryUser, ManagedIdentity } from './types';

const MAX_REMEMBERED_TOKENS = 100_000;

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

/** How the user authenticated, carried into the delegated tokens. */
export interface UserSession {
  user: DirectoryUser;
  amr: string[];
  acrs: string[];
}

export interface TokenMinterOptions {
  issuer: string;
  directory: Directory;
  keys: SigningKeys;
  clock: Clock;
  lifetimeSeconds: number;
}

/** Builds and signs the JWTs: app-only and delegated Graph tokens, id tokens, Teams SSO stand-ins. */
export class TokenMinter {
  /**
   * When each token was issued, to the millisecond, by its `uti`: `iat` has whole seconds only, and a session
   * revocation must tell a token issued just before it from one issued just after in the same second.
   */
  private readonly issuedMs = new Map<string, number>();

  constructor(private readonly options: TokenMinterOptions) {}

  /** The instant (epoch ms) this authority issued the token with this `uti`; undefined for one it did not. */
  issuedAtMs(uti: unknown): number | undefined {
    return typeof uti === 'string' ? this.issuedMs.get(uti) : undefined;
  }

  /** client_credentials: an app-only Graph token carrying the app's application permissions as `roles`. */
  appGraphToken(app: ApplicationRegistration, clientCapabilities: string[]): Promise<IssuedToken> {
    const servicePrincipalId = this.options.directory.servicePrincipalId(app.clientId);
    return this.mint(this.options.lifetimeSeconds, {
      aud: GRAPH_RESOURCE,
      app_displayname: app.displayName,
      appid: app.clientId,
      appidacr: '1',
      azp: app.clientId,
      azpacr: '1',
      idtyp: 'app',
      oid: servicePrincipalId,
      sub: servicePrincipalId,
      ...(app.graphApplicationPermissions.length > 0 ? { roles: [...app.graphApplicationPermissions] } : {}),
      ...(clientCapabilities.length > 0 ? { xms_cc: clientCapabilities } : {}),
    });
  }

  /** client_credentials for the app's own API: app-only (`idtyp: 'app'`, no `scp`), audience the app's client id. */
  appOwnApiToken(app: ApplicationRegistration): Promise<IssuedToken> {
    const servicePrincipalId = this.options.directory.servicePrincipalId(app.clientId);
    return this.mint(this.options.lifetimeSeconds, {
      aud: app.clientId,
      azp: app.clientId,
      azpacr: '1',
      idtyp: 'app',
      oid: servicePrincipalId,
      sub: servicePrincipalId,
    });
  }

  /** OBO and authorization code: a delegated Graph token for the user, scp = the app's consented scopes. */
  delegatedGraphToken(
    app: ApplicationRegistration,
    session: UserSession,
    clientCapabilities: string[],
  ): Promise<IssuedToken> {
    const { user } = session;
    return this.mint(this.options.lifetimeSeconds, {
      aud: GRAPH_RESOURCE,
      ...(session.acrs.length > 0 ? { acrs: [...session.acrs] } : {}),
      amr: [...session.amr],
      app_displayname: app.displayName,
      appid: app.clientId,
      appidacr: '1',
      azp: app.clientId,
      azpacr: '1',
      idtyp: 'user',
      name: user.displayName,
      oid: user.id,
      preferred_username: user.userPrincipalName,
      scp: app.graphDelegatedScopes.join(' '),
      sub: user.id,
      upn: user.userPrincipalName,
      ...(clientCapabilities.length > 0 ? { xms_cc: clientCapabilities } : {}),
    });
  }

  /**
   * On-behalf-of to the caller's own API: a v2 access token for that app (the bot's manifest sets
   * requestedAccessTokenVersion 2), so `aud` is its client id, not the Application ID URI: "In v2.0 tokens,
   * this value is always the client ID of the API" (access-token-claims-reference). The sign-in's amr/acrs
   * carry over, as into Graph tokens.
   */
  ownApiToken(
    app: ApplicationRegistration,
    session: UserSession,
    permissions: readonly string[],
  ): Promise<IssuedToken> {
    const { user } = session;
    return this.mint(this.options.lifetimeSeconds, {
      aud: app.clientId,
      ...(session.acrs.length > 0 ? { acrs: [...session.acrs] } : {}),
      amr: [...session.amr],
      azp: app.clientId,
      azpacr: '1',
      name: user.displayName,
      oid: user.id,
      preferred_username: user.userPrincipalName,
      scp: permissions.join(' '),
      sub: user.id,
    });
  }

  /** The OpenID Connect id_token of an interactive sign-in (audience: the app itself). */
  idToken(app: ApplicationRegistration, user: DirectoryUser, nonce: string | undefined): Promise<IssuedToken> {
    return this.mint(this.options.lifetimeSeconds, {
      aud: app.clientId,
      name: user.displayName,
      ...(nonce ? { nonce } : {}),
      oid: user.id,
      preferred_username: user.userPrincipalName,
      sub: user.id,
    });
  }

  /** What Teams hands the bot for SSO: a token for the bot's own API, issued to the Teams client. */
  teamsSsoToken(app: ApplicationRegistration, session: UserSession, lifetimeSeconds: number): Promise<IssuedToken> {
    const { user } = session;
    return this.mint(lifetimeSeconds, {
      aud: app.identifierUris[0] ?? app.clientId,
      ...(session.acrs.length > 0 ? { acrs: [...session.acrs] } : {}),
      amr: [...session.amr],
      azp: TEAMS_CLIENT_APP_ID,
      azpacr: '0',
      name: user.displayName,
      oid: user.id,
      preferred_username: user.userPrincipalName,
      scp: TEAMS_SSO_SCOPE,
      sub: user.id,
    });
  }

  /**
   * A managed identity's app-only token for an Azure resource, in the v1 shape Entra issues to managed
   * identities: `iss` https://sts.windows.net/{tid}/ (what Azurite's OAuth check requires), `ver` 1.0,
   * `aud` the resource as asked, `appid` the identity's client id, `oid`/`sub` its object id.
   */
  managedIdentityToken(identity: ManagedIdentity, objectId: string, resource: string): Promise<IssuedToken> {
    return this.mint(this.options.lifetimeSeconds, {
      iss: `https://sts.windows.net/${this.options.directory.tenantId}/`,
      ver: '1.0',
      aud: resource,
      appid: identity.clientId,
      // 2: the client authenticated with a certificate, which is how the platform authenticates an MI.
      appidacr: '2',
      idp: `https://sts.windows.net/${this.options.directory.tenantId}/`,
      idtyp: 'app',
      oid: objectId,
      sub: objectId,
    });
  }

  private async mint(lifetimeSeconds: number, claims: JWTPayload): Promise<IssuedToken> {
    const nowMs = this.options.clock.now().getTime();
    const now = Math.floor(nowMs / 1000);
    const uti = randomBytes(16).toString('base64url');
    this.issuedMs.set(uti, nowMs);
    // Bounded: the oldest entries go first (they belong to tokens long expired in any test or demo run).
    if (this.issuedMs.size > MAX_REMEMBERED_TOKENS) {
      const oldest = this.issuedMs.keys().next().value;
      if (oldest !== undefined) this.issuedMs.delete(oldest);
    }
    const payload: JWTPayload = {
      iss: this.options.issuer,
      iat: now,
      nbf: now,
      exp: now + lifetimeSeconds,
      tid: this.options.directory.tenantId,
      uti,
      ver: '2.0',
      ...claims,
    };
    return { token: await this.options.keys.sign(payload), expiresIn: lifetimeSeconds };
  }
}
