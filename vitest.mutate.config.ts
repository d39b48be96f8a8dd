import { defineConfig } from 'vitest/config';

/**
 * The tests `npm run mutate` (Stryker, stryker.config.mjs) runs against each mutant: the unit tests of the
 * security- and correctness-critical modules it mutates, and nothing slower (no browser E2E, no abuse or
 * scale-out suites). Keep this list and stryker.config.mjs's `mutate` in step; test/mutation-config.test.ts
 * checks that every path named in either exists.
 */
export const MUTATION_TESTS = [
  // 1. approvals: who may decide, and what a decision does
  'test/approvals/approval-rules.test.ts',
  'test/approvals/approver-resolver.test.ts',
  'test/approvals/approval-decisions.test.ts',
  // 2. identity: token verification, OBO refusals, step-up sign-in
  'test/identity/sso-token-verifier.test.ts',
  'test/identity/openid-keys.test.ts',
  'test/identity/token-expiry.test.ts',
  'test/identity/obo-refusal.test.ts',
  'test/identity/step-up.test.ts',
  'test/identity/step-up-sessions.test.ts',
  'test/identity/step-up-sealing-key.test.ts',
  // 3. inbound auth: Bot Connector token pre-checks, the front door
  'test/teams/front-door.test.ts',
  'test/teams/teams-channel-authentication.test.ts',
  // 4. card sanitising and templating
  'test/cards/sanitize.test.ts',
  'test/cards/template.test.ts',
  // 5. durations and request rules
  'test/activation/duration-parser.test.ts',
  'test/activation/request-rules.test.ts',
  'test/activation/activation-form-check.test.ts',
  // 6. the compare-and-swap store
  'test/store/compare-and-swap.test.ts',
  'test/store/user-preferences-store.test.ts',
];

export default defineConfig({
  test: {
    // As vitest.config.ts: forked workers, the local CA written before they start (step-up's HTTPS authority).
    // Under Stryker (threads, stryker.config.mjs) the CA is made and trusted before the runners start.
    pool: 'forks',
    globalSetup: process.env.PIMBOT_TEST_CA_DIR ? [] : ['test/setup/global-ca.ts'],
    include: MUTATION_TESTS,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
