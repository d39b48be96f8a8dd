import { createHash, X509Certificate } from 'node:crypto';
import type { ApplicationRegistration, AuthorityDirectory, DirectoryUser, ManagedIdentity } from './types';

/** Lookups over the authority's directory (users by object id or UPN, apps by client id). */
export class Directory {
  readonly tenantId: string;
  private readonly tenantKey: string;
  private readonly appsById = new Map<string, ApplicationRegistration>();
  private readonly usersByKey = new Map<string, DirectoryUser>();
  readonly managedIdentities: readonly ManagedIdentity[];

  constructor(directory: AuthorityDirectory) {
    this.tenantId = directory.tenantId;
    this.tenantKey = directory.tenantId.toLowerCase();
    for (const app of directory.applications) {
      const key = app.clientId.toLowerCase();
      if (this.appsById.has(key)) throw new Error(`Application ${app.clientId} is registered twice.`);
      for (const [i, certificate] of (app.certificates ?? []).entries()) {
        try {
          new X509Certificate(certificate.certificatePem);
        } catch (error) {
          throw new Error(
            `Application ${app.clientId}: certificates[${i}] is not a PEM X.509 certificate (use createClientCertificate().certificatePem).`,
            { cause: error },
          );
        }
      }
      this.appsById.set(key, app);
    }
    this.managedIdentities = [...(directory.managedIdentities ?? [])];
    for (const user of directory.users) {
      this.usersByKey.set(user.id.toLowerCase(), user);
      this.usersByKey.set(user.userPrincipalName.toLowerCase(), user);
    }
  }

  application(clientId: string): ApplicationRegistration | undefined {
    return this.appsById.get(clientId.toLowerCase());
  }

  /** A user by object id or userPrincipalName (case-insensitive). */
  user(idOrUpn: string): DirectoryUser | undefined {
    return this.usersByKey.get(idOrUpn.toLowerCase());
  }

  isRegisteredRedirectUri(uri: string): boolean {
    return [...this.appsById.values()].some((app) => app.redirectUris.includes(uri));
  }

  /** The tenant an URL path segment names: the tenant id, or `common` / `organizations` (single-tenant here). */
  resolveTenant(segment: string): string | undefined {
    const s = segment.toLowerCase();
    return s === this.tenantKey || s === 'common' || s === 'organizations' ? this.tenantId : undefined;
  }

  /**
   * The managed identity a request names by client id or object id; with neither, the system-assigned
   * one (or the only one there is), as App Service picks the system-assigned identity by default.
   */
  managedIdentity(by: { clientId?: string; objectId?: string }): ManagedIdentity | undefined {
    const clientId = by.clientId?.toLowerCase();
    const objectId = by.objectId?.toLowerCase();
    if (clientId) return this.managedIdentities.find((mi) => mi.clientId.toLowerCase() === clientId);
    if (objectId) return this.managedIdentities.find((mi) => this.managedIdentityObjectId(mi) === objectId);
    const systemAssigned = this.managedIdentities.find((mi) => mi.systemAssigned);
    return systemAssigned ?? (this.managedIdentities.length === 1 ? this.managedIdentities[0] : undefined);
  }

  managedIdentityObjectId(identity: ManagedIdentity): string {
    return (identity.principalId ?? this.servicePrincipalId(identity.clientId)).toLowerCase();
  }

  /** A stable object id for the app's service principal in this tenant. */
  servicePrincipalId(clientId: string): string {
    return uuidFromHash(`service-principal:${this.tenantKey}:${clientId.toLowerCase()}`);
  }
}

/** A name-based UUID (version 5 layout, SHA-256 instead of SHA-1): stable across runs. */
export function uuidFromHash(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
