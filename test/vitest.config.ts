import { defineConfig } from 'vitest/config';

// Unit and integration suites. Benchmarks (test/bench) and the Playwright journey (test/e2e) run elsewhere.
export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    pool: 'forks',
    // Two files at a time on CI's 2 cores (vitest's default there is one): most integration files wait on
    // child processes, sockets and polls rather than compute. KESTREL_TEST_WORKERS overrides it.
    maxWorkers: Number(process.env.KESTREL_TEST_WORKERS ?? 2),
    testTimeout: 60_000,
    // Headless hosts seal the audit signing key with a passphrase; tests give one, at scrypt's lowest cost we accept.
    env: { KESTREL_KEY_PASSPHRASE: 'kestrel test passphrase', KESTREL_KEY_SCRYPT_LOG_N: '14' },
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
