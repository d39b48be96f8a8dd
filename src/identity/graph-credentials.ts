import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  OnBehalfOfCredential,
  type TokenCredential,
  type TokenCredentialOptions,
} from '@azure/identity';
import type { EntraAppConfig } from '../config';

/** Microsoft's public-cloud login hosts, where instance discovery is meaningful. */
const MICROSOFT_AUTHORITY_HOSTS = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
];

function authorityOptions(entra: EntraAppConfig): { authorityHost: string; disableInstanceDiscovery: boolean } {
  const host = new URL(entra.authorityHost).hostname;
  // Instance discovery asks login.microsoftonline.com about the authority; a private authority (the
  // local demo one, or ADFS-like setups) is not known there.
  return { authorityHost: entra.authorityHost, disableInstanceDiscovery: !MICROSOFT_AUTHORITY_HOSTS.includes(host) };
}

/** The error when neither credential is configured (config validation makes this unreachable in production). */
function noCredential(purpose: string): Error {
  return new Error(
    `Neither AAD_APP_CLIENT_CERTIFICATE_PATH nor AAD_APP_CLIENT_SECRET is set: ${purpose} needs the app's credential. Set one of them.`,
  );
}

/**
 * Graph token on behalf of the user whose token Teams gave the bot, as a standalone @azure/identity credential: for
 * tests and tools that need one user's delegated client. The bot itself exchanges every user's token through one
 * shared MSAL client with a bounded cache (./obo-exchange, PimSessions). One credential per user token: MSAL caches the
 * exchanged token inside it, and it must never outlive or be shared beyond that user.
 * The app authenticates with its certificate when AAD_APP_CLIENT_CERTIFICATE_PATH is set (a signed
 * assertion, nothing reusable on the wire), else with its secret. `additionalPolicies` go to the credential's own
 * HTTP client (e.g. one that reads the token endpoint's refusals: ./obo-refusal).
 */
export function onBehalfOfCredential(
  entra: EntraAppConfig,
  userAssertionToken: string,
  additionalPolicies: TokenCredentialOptions['additionalPolicies'] = [],
): TokenCredential {
  const common = {
    tenantId: entra.tenantId,
    clientId: entra.clientId,
    userAssertionToken,
    additionalPolicies,
    ...authorityOptions(entra),
  };
  if (entra.clientCertificatePath) {
    return new OnBehalfOfCredential({ ...common, certificatePath: entra.clientCertificatePath });
  }
  if (entra.clientSecret) return new OnBehalfOfCredential({ ...common, clientSecret: entra.clientSecret });
  throw noCredential('the on-behalf-of exchange');
}

/**
 * The bot's own identity for app-only reads: its certificate, else its secret, else the managed identity
 * (user-assigned: managedIdentityClientId; the app registration's client id otherwise).
 */
export function appCredential(entra: EntraAppConfig, managedIdentityClientId?: string): TokenCredential {
  if (entra.clientCertificatePath) {
    return new ClientCertificateCredential(
      entra.tenantId,
      entra.clientId,
      { certificatePath: entra.clientCertificatePath },
      authorityOptions(entra),
    );
  }
  if (entra.clientSecret) {
    return new ClientSecretCredential(entra.tenantId, entra.clientId, entra.clientSecret, authorityOptions(entra));
  }
  return new ManagedIdentityCredential({ clientId: managedIdentityClientId ?? entra.clientId });
}
