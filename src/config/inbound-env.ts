import { z } from 'zod';
import { guid } from './guid';

// Issue 13, front door: which tenants' activities and tokens the bot accepts, and the SSO token's audience.
/** ALLOWED_TENANT_IDS and AAD_APP_ID_URI (defaults, from AAD_APP_TENANT_ID and AAD_APP_CLIENT_ID, in parseConfig). */
export function inboundVariables() {
  const tenantsError =
    'ALLOWED_TENANT_IDS must be comma-separated Entra tenant ids (GUIDs, Entra admin center > Overview > Tenant ID), e.g. 72f988bf-86f1-41af-91ab-2d7cd011db47; unset, it is AAD_APP_TENANT_ID.';
  return {
    ALLOWED_TENANT_IDS: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(guid, { error: tenantsError })).min(1, { error: tenantsError }))
      .optional(),
    AAD_APP_ID_URI: z
      .string()
      .regex(/^api:\/\/\S+$/, {
        error:
          'AAD_APP_ID_URI must be the Application ID URI of the app registration (Expose an API), e.g. api://botid-<client id>; unset, it is api://botid-<AAD_APP_CLIENT_ID>.',
      })
      .optional(),
  };
}
