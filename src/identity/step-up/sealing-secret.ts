import type { AppConfig } from '../../config';

/**
 * What seals pending step-up sign-ins at rest (StepUpSessions' HKDF input): STEP_UP_SEALING_KEY when set,
 * so the app secret keeps one job; the app secret only for deployments that have not set a key yet (the
 * config requires the key when there is no secret). Undefined only without either: then StepUpSessions
 * uses a random key of this process, which only a single instance can use.
 */
export function stepUpSealingSecret(config: Pick<AppConfig, 'stepUp' | 'entra'>): string | undefined {
  return config.stepUp.sealingKey ?? config.entra.clientSecret;
}
