import type { AccessToken } from '@azure/identity';

/**
 * How a completed step-up sign-in reaches the conversation that asked for it: the /auth/callback side
 * sends an event of this name into the conversation, with the token in that turn's memory (turnState key
 * below), never in state or storage; the waiting dialog takes it from there.
 */
export const STEP_UP_EVENT = 'pimbot/stepUpCompleted';
export const STEP_UP_TOKEN = Symbol('pimbot.stepUpToken');

export interface StepUpResult {
  resumeKey: string;
  token: AccessToken;
}
