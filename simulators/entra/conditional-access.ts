import { AadError } from './aad-errors';
import { GRAPH_APP_ID } from './constants';

/**
 * A Conditional Access policy of the local tenant: "require multifactor authentication" for some users when
 * they reach Microsoft Graph. Interactive sign-ins here always use MFA (the authorize endpoint), so such a
 * policy only ever refuses an on-behalf-of exchange whose user assertion was signed in without MFA: Entra
 * cannot ask the user from there, and answers with the claims the client must bring to an interactive sign-in.
 */
export interface ConditionalAccessPolicy {
  /** The policy's object id: Entra names it in the claims challenge (`capolids` / `polids` values). */
  id: string;
  /** Object ids of the users it applies to. */
  userIds: string[];
  /**
   * How the refusal is worded, both forms being published:
   * - 'observed' (default): `error: invalid_grant`, `suberror: basic_action`, claims
   *   `{"access_token":{"capolids":{"essential":true,"values":[id]}}}`, AADSTS50076: the answer captured from Entra
   *   in AzureAD/microsoft-authentication-library-for-js#5491 (2023);
   * - 'documented': `error: interaction_required`, no suberror, claims
   *   `{"access_token":{"polids":{"essential":true,"values":[id]}}}`: the "Error response example" of
   *   learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow (there with AADSTS50079).
   */
  answer?: 'observed' | 'documented';
  /** 50076 (MFA required, default) or 50079 (MFA registration required). */
  code?: 50076 | 50079;
}

const WORDING = {
  50076: 'you must use multi-factor authentication to access',
  50079: 'you must enroll in multi-factor authentication to access',
} as const;

/**
 * The refusal of an on-behalf-of exchange for Graph, when a policy applies to the user and the assertion's sign-in
 * did not use MFA; undefined when none applies. A `claims` request does not change it: only the user can satisfy
 * the policy, in an interactive sign-in.
 */
export function conditionalAccessRefusal(
  policies: readonly ConditionalAccessPolicy[],
  userId: string,
  amr: readonly string[],
): AadError | undefined {
  if (amr.includes('mfa')) return undefined;
  const policy = policies.find((p) => p.userIds.some((id) => id.toLowerCase() === userId.toLowerCase()));
  if (!policy) return undefined;
  const documented = policy.answer === 'documented';
  const code = policy.code ?? 50076;
  const claims = JSON.stringify({
    access_token: { [documented ? 'polids' : 'capolids']: { essential: true, values: [policy.id] } },
  });
  // Entra names Graph by its app id in this message (both published answers do).
  return new AadError(
    400,
    documented ? 'interaction_required' : 'invalid_grant',
    code,
    `Due to a configuration change made by your administrator, or because you moved to a new location, ${WORDING[code]} '${GRAPH_APP_ID}'.`,
    documented ? { claims } : { suberror: 'basic_action', claims },
  );
}
