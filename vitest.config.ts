import { defineConfig } from 'vitest/config';

// Two projects (decisions/0028). `unit`: pure tests (`*.unit.test.ts`), no database; `vitest run --project unit`
// starts no PostgreSQL. `integration`: everything else, on one embedded PostgreSQL started by the global setup,
// which Vitest runs only when a test of this project is selected. `vitest run` runs both.
const UNIT = ['src/**/*.unit.test.{ts,tsx}', 'scripts/**/*.unit.test.ts'];
// A test waits for exactly what it asserts: `expect.poll(() => …)` until it holds, `jobsIdle` (src/test/jobs-idle.ts)
// before asserting that nothing more happened; never a fixed sleep. The poll's deadline only ends a test whose
// awaited change never comes, so it is generous (a job polls every 0.5 s; the machine may be busy).
const shared = {
  setupFiles: ['src/test/setup.ts'],
  pool: 'forks' as const,
  testTimeout: 30_000,
  hookTimeout: 120_000,
  expect: { poll: { timeout: 15_000 } },
};

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: UNIT, ...shared } },
      {
        test: {
          name: 'integration',
          include: ['src/**/*.test.{ts,tsx}', 'migrations/**/*.test.ts'],
          exclude: UNIT,
          globalSetup: ['src/test/global-setup.ts'],
          ...shared,
        },
      },
    ],
  },
});
