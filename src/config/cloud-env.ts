import type { z } from 'zod';
import { isLoopbackUrl } from './loopback';
import { PUBLIC_CLOUD } from './public-cloud';

/** Microsoft's national clouds live under these top-level domains (US Government: *.us; China, 21Vianet: *.cn). */
const NATIONAL_CLOUD_TLD = /\.(us|cn)$/i;

const notSupported =
  "PIM Bot supports Microsoft's global cloud only: national clouds (US Government, China operated by 21Vianet) are not supported";

/**
 * Production: Graph and the Entra authority must be the global cloud's (or a loopback stand-in), and no
 * botbuilder endpoint may point at a national cloud (./public-cloud). The scopes the bot asks for name the
 * global Graph host, and a national cloud's Graph refuses them: "Any permission scope value (including the .default
 * scope) that contains the Microsoft Graph domain MUST use the domain of the Microsoft Graph service root endpoint
 * for the national cloud deployment" (learn.microsoft.com/graph/sdks/national-clouds).
 */
export function publicCloudRules(
  v: {
    GRAPH_BASE_URL?: unknown;
    AAD_APP_OAUTH_AUTHORITY_HOST?: unknown;
    ToChannelFromBotLoginUrl?: unknown;
    ToChannelFromBotOAuthScope?: unknown;
    ToBotFromChannelTokenIssuer?: unknown;
    ToBotFromChannelOpenIdMetadataUrl?: unknown;
    OAuthUrl?: unknown;
  },
  ctx: z.RefinementCtx,
): void {
  const exact = [
    ['GRAPH_BASE_URL', v.GRAPH_BASE_URL, PUBLIC_CLOUD.graphHost],
    ['AAD_APP_OAUTH_AUTHORITY_HOST', v.AAD_APP_OAUTH_AUTHORITY_HOST, PUBLIC_CLOUD.authorityHost],
  ] as const;
  for (const [name, value, host] of exact) {
    const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
    // A value that is no https URL at all is already reported by its schema.
    if (!url || url.hostname.toLowerCase() === host || isLoopbackUrl(url.toString())) continue;
    ctx.addIssue({
      code: 'custom',
      path: [name],
      message: `${name} must be https://${host} (got "${String(value).slice(0, 80)}"): ${notSupported}. Unset it.`,
    });
  }
  const botbuilder = {
    ToChannelFromBotLoginUrl: v.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: v.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: v.ToBotFromChannelTokenIssuer,
    ToBotFromChannelOpenIdMetadataUrl: v.ToBotFromChannelOpenIdMetadataUrl,
    OAuthUrl: v.OAuthUrl,
  };
  for (const [name, value] of Object.entries(botbuilder)) {
    if (typeof value !== 'string' || !URL.canParse(value)) continue;
    if (!NATIONAL_CLOUD_TLD.test(new URL(value).hostname)) continue;
    ctx.addIssue({
      code: 'custom',
      path: [name],
      message: `${name} points at a national cloud ("${value.slice(0, 80)}"): ${notSupported}. Unset it (botbuilder then uses the global cloud's endpoint).`,
    });
  }
}
