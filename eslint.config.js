import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.data-*/**', 'test-results/**', 'playwright-report/**', 'public/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'smart'],
      // decisions/0027: inside a transaction every read goes through it. An executor that falls back to the pool
      // when the caller forgets its `tx` takes a second connection while the first is held (the pool deadlock of
      // decisions/0022), so no parameter defaults or optionalises its executor: it is required, or not there.
      'no-restricted-syntax': ['error',
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
      ],
    },
  },
  {
    // pg-boss: without the caller's transaction a job is queued on pg-boss's own connection, by design (jobs.ts).
    files: ['src/platform/jobs.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['src/cli/**', 'bench/**', 'src/main.ts', 'e2e/**'],
    rules: { 'no-console': 'off' },
  },
);
