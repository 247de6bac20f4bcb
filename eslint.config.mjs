// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tools/**', '.data/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's test()/describe() return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            {
              from: 'package',
              name: ['test', 'describe', 'it', 'suite', 'before', 'after'],
              package: 'node:test',
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment only in runtime/config.ts.' },
      ],
    },
  },
  {
    // Config module, scripts, tests and benchmarks may read the environment.
    files: [
      'api/server.ts',
      'worker/main.ts',
      'scripts/**',
      'test/**',
      'bench/**',
      'emulator/main.ts',
      'emulator/fidelity.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Workflows run in Temporal's deterministic sandbox: only the workflow SDK, core/ and activity *types*.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^(?!@temporalio/workflow$|@temporalio/common$|\\.{1,2}/|(\\.\\./)+core/|(\\.\\./)+activities/).*',
              message: 'Workflows may import only @temporalio/workflow, core/ and activity types.',
            },
            {
              regex: '^(\\.\\./)+core/(logger|config)$',
              message:
                'core/logger and core/config do IO-adjacent work; workflows take values through their input.',
            },
            {
              regex: '^(\\.\\./)+(store|acumatica|api|worker|emulator|scripts)(/|$)',
              message: 'Workflows may import only @temporalio/workflow, core/ and activity types.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+activities(/|$)',
              allowTypeImports: true,
              message: 'Import activity types only (import type).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
