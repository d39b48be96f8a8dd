/**
 * Step-up sign-in: when PIM needs MFA or an authentication context the user's token lacks, the bot sends
 * a sign-in link to its own /auth/start; the browser signs in at Entra (authorization code + PKCE, with the
 * claims challenge and client capability CP1) and comes back to /auth/callback with a token that meets it.
 */
export { CodeRedemptionError, STEP_UP_SCOPE } from './code-redemption';
export {
  registerStepUpRoutes,
  STEP_UP_CALLBACK_PATH,
  STEP_UP_START_PATH,
  type StepUpRouteDependencies,
  type StepUpSignedIn,
  stepUpRedirectUri,
} from './routes';
export { stepUpSealingSecret } from './sealing-secret';
export {
  CLIENT_CAPABILITY_CP1,
  claimsWithClientCapabilities,
  STEP_UP_SESSION_TTL_MS,
  STEP_UP_STORAGE_PREFIX,
  type StepUpBeginInput,
  type StepUpClock,
  type StepUpSession,
  StepUpSessions,
  type StepUpSessionsOptions,
} from './sessions';
