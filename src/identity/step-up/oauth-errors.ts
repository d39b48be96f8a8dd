/**
 * What the step-up page says when the authority sends the browser back with `error`: a fixed sentence
 * per known code, never the text of the request. Anyone can craft a callback URL or form, so echoing
 * `error` / `error_description` would let them put their words on a page served by the bot (content
 * spoofing). Codes: RFC 6749 4.1.2.1, OpenID Connect Core 3.1.2.6, and the ones Microsoft Entra documents
 * for its authorize endpoint (learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#error-codes-for-authorization-endpoint-errors).
 */
const KNOWN_ERRORS: Readonly<Record<string, string>> = {
  access_denied: 'The sign-in was cancelled or refused, so your request was not continued.',
  consent_required: 'PIM Bot needs an administrator to consent to its permissions before this sign-in can work.',
  interaction_required: 'Microsoft Entra ID needs you to complete an extra sign-in step that could not be shown.',
  login_required: 'Microsoft Entra ID needs you to sign in again.',
  account_selection_required: 'Microsoft Entra ID needs you to choose an account.',
  invalid_request: 'Microsoft Entra ID refused the sign-in request as invalid. Tell your PIM Bot administrator.',
  invalid_resource:
    'Microsoft Entra ID did not recognise the permissions PIM Bot asked for. Tell your PIM Bot administrator.',
  invalid_scope:
    'Microsoft Entra ID did not accept the permissions PIM Bot asked for. Tell your PIM Bot administrator.',
  unauthorized_client: 'PIM Bot is not allowed to sign users in this way. Tell your PIM Bot administrator.',
  unsupported_response_type: 'PIM Bot is not set up for this kind of sign-in. Tell your PIM Bot administrator.',
  server_error: 'Microsoft Entra ID had a problem completing the sign-in. Try again in a few minutes.',
  temporarily_unavailable: 'Microsoft Entra ID is temporarily unavailable. Try again in a few minutes.',
};

const UNKNOWN_ERROR = 'Microsoft Entra ID did not complete the sign-in, so your request was not continued.';

/** Our sentence for an OAuth `error` code; the generic one for anything not on the list. */
export function signInErrorSentence(error: string): string {
  return Object.hasOwn(KNOWN_ERRORS, error) ? (KNOWN_ERRORS[error] ?? UNKNOWN_ERROR) : UNKNOWN_ERROR;
}

/** True for a code on the list: the only `error` values that may reach logs as they are. */
export function isKnownSignInError(error: string): boolean {
  return Object.hasOwn(KNOWN_ERRORS, error);
}
