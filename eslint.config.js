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
