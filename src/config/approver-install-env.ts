import { z } from 'zod';
import { guid } from './guid';

// Issue 15: the bot installs itself (Graph) for approvers who never opened it, to reach them in Teams.
/** TEAMS_APP_ID, TEAMS_APP_CATALOG_ID and INSTALL_FOR_APPROVERS (docs/deploy-to-your-tenant.md). */
export function approverInstallVariables() {
  return {
    TEAMS_APP_ID: z
      .string()
      .regex(guid, {
        error:
          'TEAMS_APP_ID must be the Teams app id of the manifest (a GUID; teamsApp/create writes it to env/.env.<env>).',
      })
      .optional(),
    TEAMS_APP_CATALOG_ID: z
      .string()
      .regex(guid, {
        error: 'TEAMS_APP_CATALOG_ID must be the app id the Teams admin center shows for PIM Bot (a GUID).',
      })
      .optional(),
    INSTALL_FOR_APPROVERS: z
      .enum(['true', 'false'], { error: 'INSTALL_FOR_APPROVERS must be true or false.' })
      .optional(),
  };
}
