/**
 * What Entra's token endpoint said when it refused a request (RFC 6749 5.2 plus Entra's fields); never a token.
 * ./obo-exchange reads it from MSAL's error (errorCode, subError, claims, errorNo). (@azure/identity's credentials
 * dropped the claims: Azure/azure-sdk-for-js#38707, which is why the exchange calls MSAL itself.)
 */
export interface TokenEndpointRefusal {
  error?: string;
  suberror?: string;
  /** The claims challenge, JSON: what an interactive sign-in must satisfy. */
  claims?: string;
  codes: number[];
}

/**
 * Why Entra refused an on-behalf-of exchange, when the user (or an administrator) can do something about it:
 * - `ended`: the token is no grant any more, only a new sign-in helps (./ended-grant);
 * - `conditionalAccess`: a Conditional Access policy wants the user in front of a sign-in page (MFA, MFA
 *   registration, …). Teams' SSO cannot satisfy it; the step-up sign-in (authorization code with these claims) can.
 *   learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow ("Error response example": the middle
 *   tier surfaces the claims to where the user can sign in) and v2-conditional-access-dev-guide;
 * - `consentMissing`: the app may not act for users at all: AADSTS65001 (no consent to the app's delegated Graph
 *   permissions) or AADSTS650057 (the registration does not list them). An administrator must fix it; signing in
 *   again does not.
 */
export type OboRefusal =
  | { kind: 'ended'; code: number }
  | { kind: 'conditionalAccess'; code: number | undefined; claims: string }
  | { kind: 'consentMissing'; code: 65001 | 650057 };

/** A refusal that a new Teams sign-in does not fix: the user signs in at the step-up page, or an administrator acts. */
export type SessionBlock = Exclude<OboRefusal, { kind: 'ended' }>;

/** Ended grants: 50173 FreshTokenNeeded, 70043 sign-in frequency, 700082 inactivity (reference-error-codes). */
const GRANT_GONE = new Set([50173, 70043, 700082]);
/** MFA required (50076 UserStrongAuthClientAuthNRequired), MFA registration required (50079). */
const MFA_NEEDED = new Set([50076, 50079]);
/** MSAL's interaction-required suberrors (msal-common InteractionRequiredAuthSubErrorMessage), consent aside. */
const INTERACTION_SUBERRORS = new Set(['basic_action', 'additional_action', 'message_only']);

/** The AADSTS codes in an @azure/identity or MSAL failure (MSAL keeps them in the message only). */
export function aadstsCodes(err: unknown): number[] {
  const text = err instanceof Error ? err.message : String(err);
  return [...text.matchAll(/AADSTS(\d+)/g)].map((m) => Number(m[1]));
}

/**
 * The refusal of an on-behalf-of exchange, from the failure (its message keeps Entra's AADSTS codes) and Entra's
 * answer when known (MSAL's error fields, ./obo-exchange); undefined for anything else (network, configuration, an expired assertion…).
 * `withClaims`: the exchange asked for claims itself (PIM's step-up, a CAE challenge): MFA needed there is that
 * step-up's business, not a policy on the exchange.
 */
export function classifyOboRefusal(
  err: unknown,
  answer: TokenEndpointRefusal | undefined,
  withClaims: boolean,
): OboRefusal | undefined {
  const codes = answer?.codes.length ? answer.codes : aadstsCodes(err);
  const gone = codes.find((c) => GRANT_GONE.has(c));
  if (gone !== undefined) return { kind: 'ended', code: gone };
  if (codes.includes(65001) || codes.includes(650057)) {
    return { kind: 'consentMissing', code: codes.includes(65001) ? 65001 : 650057 };
  }
  if (withClaims) return undefined;
  const mfa = codes.find((c) => MFA_NEEDED.has(c));
  const asksForUser =
    answer?.error === 'interaction_required' || INTERACTION_SUBERRORS.has(answer?.suberror ?? '') || mfa !== undefined;
  // A challenge with claims names what to satisfy; 50076/50079 without one (claims not seen) still want an
  // interactive sign-in: the step-up then asks for client capability CP1 only, and Entra applies its policies.
  if (asksForUser && (answer?.claims || mfa !== undefined)) {
    return { kind: 'conditionalAccess', code: mfa ?? codes[0], claims: answer?.claims ?? '' };
  }
  return undefined;
}
