/**
 * Where browsers reach the bot in tests: a public name in front of it (the front door or load balancer that ends
 * TLS), registered as the step-up sign-in's redirect URI before the bot starts. The bot itself listens on a port
 * the kernel picks (PORT=0), known only once it listens; a port chosen earlier and released could be taken by
 * another process in between. A test's browser sends the public URL to the instance it means, as the front door
 * would (`browse(…, { rewriteUrl: viaFrontDoor(bot.url) })`).
 */
export const PUBLIC_BASE_URL = 'https://pimbot.contoso.example';

/** The step-up redirect URI every instance behind the front door uses. */
export const PUBLIC_CALLBACK_URL = `${PUBLIC_BASE_URL}/auth/callback`;

/** Sends a URL under PUBLIC_BASE_URL to the bot listening at `botUrl`; any other URL (the authority's) as it is. */
export function viaFrontDoor(botUrl: string): (url: string) => string {
  return (url) => (url.startsWith(PUBLIC_BASE_URL) ? `${botUrl}${url.slice(PUBLIC_BASE_URL.length)}` : url);
}
