import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Forked workers: NODE_EXTRA_CA_CERTS is read when a process starts, so the local CA must be
    // written (by globalSetup) before the workers that talk HTTPS to the simulators are spawned.
    pool: 'forks',
    globalSetup: ['test/setup/global-ca.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
