import tseslint from 'typescript-eslint';

// Flat config replaces a rule's options per matching block, so each restriction is a list here and every block
// that sets `no-restricted-syntax` or `no-restricted-imports` gives the lists that hold for its files.

// decisions/0027: inside a transaction every read goes through it. An executor that falls back to the pool when the
// caller forgets its `tx` takes a second connection while the first is held (the pool deadlock of decisions/0022),
// so no parameter defaults or optionalises its executor: it is required, or not there.
const ONE_CONNECTION_PER_TRANSACTION = [
  {
    selector: "AssignmentPattern:matches([right.type='MemberExpression'][right.property.name='db'], [left.typeAnnotation.typeAnnotation.typeName.name=/^(Executor|Db|Tx)$/])",
    message: 'No defaulted executor (decisions/0027): take the executor as a required first parameter, or offer a pool method without one.',
  },
  {
    selector: ":matches(Identifier, TSPropertySignature)[optional=true] > TSTypeAnnotation > TSTypeReference[typeName.name=/^(Executor|Tx)$/]",
    message: 'No optional executor (decisions/0027): a missing one would silently read through the pool.',
  },
  {
    selector: "LogicalExpression[operator=/^(\\?\\?|\\|\\|)$/][right.type='MemberExpression'][right.property.name='db']",
    message: 'No executor falling back to the pool (decisions/0027).',
  },
  {
    selector: "CallExpression[callee.property.name='startTransaction']",
    message: 'Use db.transaction().execute(): a controlled transaction is invisible to the pool guard (decisions/0027).',
  },
];

// A pg connection the server ends (57P01: pg_terminate_backend, DROP DATABASE … WITH (FORCE), a fast shutdown) emits
// 'error'; unheard, that is an uncaught exception. Pools, clients and pg-boss come from the helpers that attach the
// listeners (database.ts, jobs.ts), so a new one cannot forget.
const PG_THROUGH_HELPERS = [
  { selector: "NewExpression[callee.object.name='pg'][callee.property.name=/^(Pool|Client)$/]", message: 'Use pgPool / pgClient (or createDb) from src/platform/db/database.ts: they attach the \'error\' listeners a connection the server ends needs.' },
  { selector: "NewExpression[callee.name=/^(Pool|Client|PgBoss)$/]", message: 'Use pgPool / pgClient (src/platform/db/database.ts) or pgBoss / startJobs (src/platform/jobs.ts): they attach the \'error\' listeners.' },
];
const PG_IMPORTS = [
  { name: 'pg', importNames: ['Pool', 'Client'], message: 'Use pgPool / pgClient from src/platform/db/database.ts.' },
  { name: 'pg-pool', message: 'Use pgPool from src/platform/db/database.ts.' },
];
// A pure test runs in the Vitest project `unit`, where no PostgreSQL is started (vitest.config.ts, decisions/0028).
const DATABASE_HARNESS = [{
  regex: '/test/(app|pool|pg-cluster|program|instances|factories|sign-in|billing|jobs-idle|statements)$',
  message: 'This harness needs the database: name the test *.test.ts (the integration project), not *.unit.test.ts.',
}];

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.data-*/**', 'test-results/**', 'playwright-report/**', 'public/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'smart'],
      'no-restricted-syntax': ['error', ...ONE_CONNECTION_PER_TRANSACTION, ...PG_THROUGH_HELPERS],
      'no-restricted-imports': ['error', { paths: PG_IMPORTS }],
    },
  },
  {
    // The helpers themselves.
    files: ['src/platform/db/database.ts'],
    rules: { 'no-restricted-syntax': ['error', ...ONE_CONNECTION_PER_TRANSACTION], 'no-restricted-imports': 'off' },
  },
  {
    // pg-boss: without the caller's transaction a job is queued on pg-boss's own connection, by design.
    files: ['src/platform/jobs.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['src/**/*.unit.test.ts', 'src/**/*.unit.test.tsx'],
    rules: { 'no-restricted-imports': ['error', { paths: PG_IMPORTS, patterns: DATABASE_HARNESS }] },
  },
  {
    files: ['src/cli/**', 'bench/**', 'src/main.ts', 'e2e/**'],
    rules: { 'no-console': 'off' },
  },
);
