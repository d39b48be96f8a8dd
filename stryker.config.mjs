// @ts-check
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Mutation testing (`npm run mutate`, not part of `npm test`): Stryker changes the code of the modules where a
 * silent regression is a security or correctness incident, one small change (a mutant) at a time, and runs
 * their unit tests (vitest.mutate.config.ts) against each; a mutant no test notices "survives". Goal: a
 * mutation score of at least 80 % per module (README, Tests). Keep `mutate` and vitest.mutate.config.ts's
 * MUTATION_TESTS in step; test/mutation-config.test.ts checks both only name files that exist.
 *
 * @type {string[]}
 */
export const MUTATED_FILES = [
  // 1. approvals: who may decide (approver, not the requester), the one-winner claim, what a decision does
  'src/approvals/approval-rules.ts',
  'src/approvals/approver-resolver.ts',
  'src/approvals/approval-decisions.ts',
  // 2. identity: the SSO token verifier and its OpenID keys, token expiry, OBO refusals, the step-up sign-in
  'src/identity/sso-token-verifier.ts',
  'src/identity/openid-keys.ts',
  'src/identity/token-expiry.ts',
  'src/identity/obo-refusal.ts',
  'src/identity/step-up/*.ts',
  '!src/identity/step-up/index.ts',
  // 3. inbound auth: the Bot Connector token pre-checks and the front door (channel, tenant)
  'src/teams/teams-channel-authentication.ts',
  'src/teams/front-door.ts',
  // 4. card sanitising and templating
  'cards/sanitize.ts',
  'cards/template.ts',
  // 5. durations and request rules
  'src/activation/duration-parser.ts',
  'src/activation/request-rules.ts',
  'src/activation/activation-form-check.ts',
  // 6. the compare-and-swap store
  'src/store/compare-and-swap.ts',
  'src/store/id-index.ts',
  'src/store/memory-store.ts',
  'src/store/user-preferences-store.ts',
];

/**
 * The test runners run in threads (far cheaper per mutant than forks), which read NODE_EXTRA_CA_CERTS once, when
 * Stryker's process starts them: the local CA the HTTPS tests need (test/setup/global-ca.ts) is made here, in
 * this checkout rather than in each sandbox, before any runner starts, and vitest.mutate.config.ts skips its
 * globalSetup when PIMBOT_TEST_CA_DIR is already set.
 */
if (!process.env.PIMBOT_TEST_CA_DIR) {
  const script =
    "import setup from './test/setup/global-ca.ts'; setup(); process.stdout.write(process.env.NODE_EXTRA_CA_CERTS ?? '')";
  const bundle = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  process.env.PIMBOT_TEST_CA_DIR = resolve('.local', 'test-ca');
  process.env.NODE_EXTRA_CA_CERTS = bundle;
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutate.config.ts', pool: 'threads', related: false },
  mutate: MUTATED_FILES,
  // Only the tests that cover a mutant run against it.
  coverageAnalysis: 'perTest',
  // Two shared cores.
  concurrency: 2,
  // Re-runs test only mutants whose code or tests changed since the last run.
  incremental: true,
  incrementalFile: 'artifacts/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'html', 'json'],
  htmlReporter: { fileName: 'artifacts/mutation/index.html' },
  jsonReporter: { fileName: 'artifacts/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: 80 },
  // A mutant that makes a test loop (a retry loop whose exit was mutated) is stopped after this.
  timeoutMS: 10_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
