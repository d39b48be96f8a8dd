/**
 * The port through which the ARM client gets its access token: a delegated token for the signed-in user,
 * audience Azure Resource Manager, scope `https://management.azure.com/user_impersonation` (ARM-PIM.md §2: the
 * app registration needs "Azure Service Management → user_impersonation"; no Graph permission is involved).
 *
 * Wiring (not done here, src/identity is being rewritten): the on-behalf-of credential that already serves Graph
 * answers `getToken([ARM_USER_IMPERSONATION_SCOPE], { claims })` with the user's Teams SSO token as the assertion;
 * the application's composition root adapts it to this function. When `claims` is given (ARM answered with a
 * claims challenge) the source must ask Entra for a token satisfying them; when only the user can (interactive MFA
 * or an authentication context), it throws, and the client reports StepUpRequired with those claims.
 */

export const ARM_USER_IMPERSONATION_SCOPE = 'https://management.azure.com/user_impersonation';

/** Azure Resource Manager, public cloud (ARM-PIM.md §1; sovereign hosts are UNVERIFIED for this bot). */
export const ARM_PUBLIC_ENDPOINT = 'https://management.azure.com';

export interface ArmTokenRequest {
  scope: typeof ARM_USER_IMPERSONATION_SCOPE;
  /** Claims JSON from ARM's challenge, to be passed to Entra (`claims` parameter) when present. */
  claims?: string;
}

/** Returns the bearer token (never logged or kept by the client). Throws when no token can be had without the user. */
export type ArmTokenSource = (request: ArmTokenRequest) => Promise<string>;
