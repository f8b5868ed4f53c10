import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'migrations/**/*.test.ts'],
    globalSetup: ['src/test/global-setup.ts'],
    setupFiles: ['src/test/setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // A test waits for exactly what it asserts: `expect.poll(() => …)` until it holds, `jobsIdle` (src/test/jobs-idle.ts)
    // before asserting that nothing more happened; never a fixed sleep. The poll's deadline only ends a test whose
    // awaited change never comes, so it is generous (a job polls every 0.5 s; the machine may be busy).
    expect: { poll: { timeout: 15_000 } },
  },
});
