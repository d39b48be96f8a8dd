/**
 * PIM Bot runs in Microsoft's global (public) cloud only. The national clouds (Microsoft Graph for US Government
 * L4/L5, China operated by 21Vianet) have their own Graph and Entra hosts, token audiences and Bot Framework
 * endpoints (learn.microsoft.com/graph/deployments), and PIM, Teams SSO for bots and this bot's step-up have not been
 * tried there; so the configuration refuses their hosts (env-schemas.ts) rather than half-work. Loopback hosts stay
 * allowed: the local stand-ins play the public cloud.
 */
export const PUBLIC_CLOUD = {
  /** Microsoft Graph global service root (learn.microsoft.com/graph/deployments, "Microsoft Graph global service"). */
  graphHost: 'graph.microsoft.com',
  /** The delegated and app-only scope for every Graph permission consented: `<Graph resource>/.default`. */
  graphScope: 'https://graph.microsoft.com/.default',
  /** Microsoft Entra global authority host (same table: "Microsoft Entra ID global service"). */
  authorityHost: 'login.microsoftonline.com',
} as const;
