import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.data-*/**', 'test-results/**', 'playwright-report/**', 'public/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // A pg connection the server ends (57P01: pg_terminate_backend, DROP DATABASE … WITH (FORCE), a fast shutdown)
    // emits 'error'; unheard, that is an uncaught exception. Pools, clients and pg-boss come from the helpers
    // that attach the listeners, so a new one cannot forget.
    ignores: ['src/platform/db/database.ts', 'src/platform/jobs.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.object.name='pg'][callee.property.name=/^(Pool|Client)$/]", message: 'Use pgPool / pgClient (or createDb) from src/platform/db/database.ts: they attach the \'error\' listeners a connection the server ends needs.' },
        { selector: "NewExpression[callee.name=/^(Pool|Client|PgBoss)$/]", message: 'Use pgPool / pgClient (src/platform/db/database.ts) or pgBoss / startJobs (src/platform/jobs.ts): they attach the \'error\' listeners.' },
      ],
      'no-restricted-imports': ['error', { paths: [
        { name: 'pg', importNames: ['Pool', 'Client'], message: 'Use pgPool / pgClient from src/platform/db/database.ts.' },
        { name: 'pg-pool', message: 'Use pgPool from src/platform/db/database.ts.' },
      ] }],
    },
  },
  {
    files: ['src/cli/**', 'bench/**', 'src/main.ts', 'e2e/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // A pure test runs in the `unit` project, where no PostgreSQL is started (vitest.config.ts).
    files: ['src/**/*.unit.test.ts', 'src/**/*.unit.test.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{
        regex: '/test/(app|pool|pg-cluster|program|instances|factories|sign-in|billing)$',
        message: 'This harness needs the database: name the test *.test.ts (the integration project), not *.unit.test.ts.',
      }] }],
    },
  },
);
