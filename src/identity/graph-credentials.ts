import {
  ClientSecretCredential,
  ManagedIdentityCredential,
  OnBehalfOfCredential,
  type TokenCredential,
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

/**
 * Graph token on behalf of the user whose token Teams gave the bot. One credential per user token:
 * MSAL caches the exchanged token inside it, and it must never outlive or be shared beyond that user.
 */
export function onBehalfOfCredential(entra: EntraAppConfig, userAssertionToken: string): TokenCredential {
  if (!entra.clientSecret) {
    throw new Error('AAD_APP_CLIENT_SECRET is not set: the on-behalf-of exchange needs the app secret.');
  }
  return new OnBehalfOfCredential({
    tenantId: entra.tenantId,
    clientId: entra.clientId,
    clientSecret: entra.clientSecret,
    userAssertionToken,
    ...authorityOptions(entra),
  });
}

/** The bot's own identity for app-only reads: a client secret, or the managed identity when there is none. */
export function appCredential(entra: EntraAppConfig, managedIdentityClientId?: string): TokenCredential {
  if (entra.clientSecret) {
    return new ClientSecretCredential(entra.tenantId, entra.clientId, entra.clientSecret, authorityOptions(entra));
  }
  return new ManagedIdentityCredential({ clientId: managedIdentityClientId ?? entra.clientId });
}
