import { z } from 'zod';
import { guidList } from './guid';

/**
 * Where approval cards go and when approvers are reminded: APPROVALS_CHANNELS, FALLBACK_APPROVALS_CHANNEL_ID,
 * BREAK_GLASS_IDS, APPROVAL_REMINDER_MINUTES and APPROVAL_ESCALATION_MINUTES (docs/deploy-to-your-tenant.md).
 */
export function approvalVariables() {
  return {
    APPROVALS_CHANNELS: z
      .string()
      .transform((v, ctx) => {
        try {
          const parsed: unknown = JSON.parse(v);
          if (
            parsed &&
            typeof parsed === 'object' &&
            !Array.isArray(parsed) &&
            Object.values(parsed).every((c) => typeof c === 'string')
          ) {
            return parsed as Record<string, string>;
          }
        } catch {
          // reported below
        }
        ctx.addIssue({
          code: 'custom',
          message:
            'APPROVALS_CHANNELS must be JSON mapping role names (or "*") to channel ids, e.g. {"*":"19:abc@thread.tacv2"}.',
        });
        return z.NEVER;
      })
      .default({}),
    FALLBACK_APPROVALS_CHANNEL_ID: z.string().min(1).optional(),
    BREAK_GLASS_IDS: guidList('BREAK_GLASS_IDS must be comma-separated Entra object ids (GUIDs).'),
    APPROVAL_REMINDER_MINUTES: z.coerce
      .number({ error: 'APPROVAL_REMINDER_MINUTES must be a number of minutes, e.g. 60.' })
      .min(0.01, { error: 'APPROVAL_REMINDER_MINUTES must be more than 0, e.g. 60.' })
      .max(1439)
      .default(60),
    APPROVAL_ESCALATION_MINUTES: z.coerce
      .number({
        error:
          'APPROVAL_ESCALATION_MINUTES must be a number of minutes under 1440 (PIM expires requests at 24 h), e.g. 1200.',
      })
      .int()
      .min(1)
      .max(1439)
      .default(1200),
  };
}
