import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { StepUpSessions, stepUpSealingSecret } from '../../src/identity/step-up';
import { MemoryStore } from '../../src/store/memory-store';
import { fakeSecret } from '../support/fake-secrets';

/**
 * Issue 13, finding 10: STEP_UP_SEALING_KEY seals pending step-up sign-ins instead of the app secret. A
 * session sealed by one instance is readable by another with the same key, and not by one that derives
 * its key from the app secret (what every instance did before).
 */

const TENANT_ID = '72f988bf-0000-4000-8000-000000000001';
const CLIENT_ID = '0b7e4a2c-0000-4000-8000-000000000002';
const SECRET = fakeSecret('entra-app');
const SEALING_KEY = fakeSecret('sealing-key-at-least-32-characters-long');

const base = {
  PIMBOT_MODE: 'playground',
  AAD_APP_TENANT_ID: TENANT_ID,
  AAD_APP_CLIENT_ID: CLIENT_ID,
  AAD_APP_CLIENT_SECRET: SECRET,
};

async function sealedBy(sealingSecret: string | undefined, storage: MemoryStore) {
  const sessions = new StepUpSessions({ publicBaseUrl: 'https://pimbot.contoso.com', storage, sealingSecret });
  return sessions.begin({ userAadObjectId: 'u-1', loginHint: 'adele@contoso.com', claims: '', resumeKey: 'r-1' });
}

describe('step-up sealing key (issue 13, finding 10)', () => {
  it('with STEP_UP_SEALING_KEY set, sessions are sealed with it and not with the app secret', async () => {
    const withKey = parseConfig({ ...base, STEP_UP_SEALING_KEY: SEALING_KEY });
    expect(stepUpSealingSecret(withKey)).toBe(SEALING_KEY);

    const storage = new MemoryStore();
    const { state } = await sealedBy(stepUpSealingSecret(withKey), storage);
    const sameKey = new StepUpSessions({
      publicBaseUrl: 'https://pimbot.contoso.com',
      storage,
      sealingSecret: SEALING_KEY,
    });
    const secretKey = new StepUpSessions({
      publicBaseUrl: 'https://pimbot.contoso.com',
      storage,
      sealingSecret: SECRET,
    });
    const bySecret = await secretKey.peek(state);
    const byKey = await sameKey.peek(state);
    console.log(
      `[issue 13 / finding 10] sealed with STEP_UP_SEALING_KEY: opened by the same key ${byKey ? 'yes' : 'no'}, by the app secret ${bySecret ? 'yes' : 'no'}`,
    );
    expect(bySecret).toBeUndefined();
    expect(byKey?.userAadObjectId).toBe('u-1');
  });

  it('without it, the app secret stays the sealing input (deployments that have not set a key keep working)', () => {
    expect(stepUpSealingSecret(parseConfig(base))).toBe(SECRET);
  });
});
