import { ConfidentialClientApplication, type Configuration, LogLevel } from '@azure/msal-node';
import type { EntraAppConfig } from '../config';
import { clientAssertion, loadClientCertificate } from './client-assertion';

/** Microsoft's public-cloud login hosts, where instance discovery is meaningful (as ./graph-credentials). */
const MICROSOFT_AUTHORITY_HOSTS = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
];

/** The error when neither credential is configured (config validation makes this unreachable in production). */
export class NoAppCredentialError extends Error {
  constructor(purpose: string) {
    super(
      `Neither AAD_APP_CLIENT_CERTIFICATE_PATH nor AAD_APP_CLIENT_SECRET is set: ${purpose} needs the app's credential. Set one of them.`,
    );
    this.name = 'NoAppCredentialError';
  }
}

/**
 * The app's one MSAL confidential client for on-behalf-of exchanges, shared by every user (./obo-exchange). MSAL
 * resolves the authority's metadata once per application object and keeps it, so one object means one metadata
 * request per process instead of one per user token; none when `authorityMetadata` (the document the SSO token
 * verifier read, ./openid-keys) is given.
 *
 * - The app proves itself with its certificate (AAD_APP_CLIENT_CERTIFICATE_PATH: a client assertion signed by
 *   ./client-assertion, as the step-up redemption does, the file read at each exchange so a renewed one is picked
 *   up), else with its secret.
 * - Client capability CP1 is declared on every request (Graph's continuous access evaluation: the bot meets its claims
 *   challenges, ../pim/claims-challenge-auth).
 * - A private authority (the local one, ADFS-like setups) is a known authority: MSAL asks nobody about it (instance
 *   discovery goes to login.microsoftonline.com, which does not know it), as @azure/identity's
 *   disableInstanceDiscovery did.
 * - MSAL logs nothing (its lines could carry request details; the bot logs refusals itself, without tokens).
 */
export function confidentialClient(entra: EntraAppConfig, authorityMetadata?: string): ConfidentialClientApplication {
  const authorityHost = entra.authorityHost.replace(/\/+$/, '');
  const host = new URL(authorityHost).hostname;
  const authority = `${authorityHost}/${encodeURIComponent(entra.tenantId)}`;
  const credential: Pick<Configuration['auth'], 'clientSecret' | 'clientAssertion'> = entra.clientCertificatePath
    ? {
        clientAssertion: async ({ clientId, tokenEndpoint }) => {
          const certificate = loadClientCertificate(entra.clientCertificatePath!);
          // aud is the token endpoint (certificate-credentials); MSAL names it, the v2.0 one otherwise.
          return clientAssertion(certificate, {
            clientId,
            tokenEndpoint: tokenEndpoint ?? `${authority}/oauth2/v2.0/token`,
          });
        },
      }
    : entra.clientSecret
      ? { clientSecret: entra.clientSecret }
      : {};
  if (!credential.clientAssertion && !credential.clientSecret)
    throw new NoAppCredentialError('the on-behalf-of exchange');
  return new ConfidentialClientApplication({
    auth: {
      clientId: entra.clientId,
      authority,
      ...credential,
      clientCapabilities: ['CP1'],
      knownAuthorities: MICROSOFT_AUTHORITY_HOSTS.includes(host) ? [] : [authority],
      // The tenant's OpenID metadata when the bot already read it (../identity/openid-keys): no second request.
      ...(authorityMetadata ? { authorityMetadata } : {}),
    },
    system: { loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined } },
  });
}
