// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The connector's top-level source folders. */
const CONNECTOR = [
  'core',
  'runtime',
  'store',
  'acumatica',
  'activities',
  'workflows',
  'api',
  'worker',
  'emulator',
];
/** Packages that do IO or need a server process: never in core/. */
const SERVER_PACKAGES = [
  '^@temporalio/(client|worker|activity)$',
  '^(mongodb|pino|undici|fastify)$',
  '^node:',
];

/** A folder name matches the folder and anything in it; a fragment with a slash is used as written. */
const folder = (f) => (f.includes('/') ? f : `${f}(/|$)`);

/**
 * `no-restricted-imports` for one folder: relative imports into `forbidden` folders (regex fragments after
 * the folder's `../`), the given packages, and value imports from `typeOnly` folders (types are fine).
 */
function layer(files, { forbidden, packages = [], typeOnly = [], message }) {
  const configs = [
    {
      files: [files],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              ...(forbidden.length > 0
                ? [{ regex: `^(\\.\\./)+(${forbidden.map(folder).join('|')})`, message }]
                : []),
              ...packages.map((regex) => ({ regex, message })),
            ],
          },
        ],
      },
    },
  ];
  if (typeOnly.length > 0) {
    configs.push({
      files: [files],
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                regex: `^(\\.\\./)+(${typeOnly.map(folder).join('|')})`,
                allowTypeImports: true,
                message: `${message} (import type only)`,
              },
            ],
          },
        ],
      },
    });
  }
  return configs;
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tools/**', '.data/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
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
  // Layers (docs/architecture.md#layers): each folder imports only the folders below it, so the picture stays
  // true. A forbidden import fails lint with the rule that forbids it.
  ...layer('core/**/*.ts', {
    forbidden: ['runtime', ...CONNECTOR.filter((f) => f !== 'core')],
    packages: SERVER_PACKAGES,
    message: 'core/ is pure and workflow-safe: it imports only core/ (and zod).',
  }),
  ...layer('runtime/**/*.ts', {
    forbidden: CONNECTOR.filter((f) => f !== 'core' && f !== 'runtime'),
    message: 'runtime/ (configuration, logger) sits on core/ only.',
  }),
  ...layer('store/**/*.ts', {
    forbidden: ['acumatica', 'activities', 'workflows', 'api', 'worker', 'emulator'],
    packages: ['^@temporalio/', '^fastify', '^undici$'],
    message: 'store/ knows MongoDB only: inject what it needs from Temporal (see HolderCheck).',
  }),
  ...layer('acumatica/**/*.ts', {
    forbidden: ['store', 'activities', 'workflows', 'api', 'worker', 'emulator'],
    packages: ['^@temporalio/', '^mongodb$', '^fastify'],
    message: 'acumatica/ is the REST client and mappers: no store, no Temporal.',
  }),
  ...layer('activities/**/*.ts', {
    forbidden: ['workflows', 'api', 'worker', 'emulator'],
    message: 'activities/ build on core/, runtime/, store/ and acumatica/ only.',
  }),
  ...layer('api/**/*.ts', {
    forbidden: ['acumatica', 'worker', 'emulator', 'store/(?!index$)', 'workflows/(?!definitions$)'],
    typeOnly: ['activities'],
    packages: ['^mongodb$', '^@temporalio/worker$'],
    message:
      'api/ reaches MongoDB through the store interface (store/index.ts), Temporal through its client, and ' +
      'activities by type only.',
  }),
  ...layer('worker/**/*.ts', {
    forbidden: ['api', 'emulator'],
    message: 'worker/ composes the sync workers; the API is its own process.',
  }),
  ...layer('emulator/**/*.ts', {
    forbidden: CONNECTOR,
    message: 'The emulator stands alone: it imports nothing of the connector.',
  }),
  // The console runs in the browser: it bundles only pure core/ modules and takes every other shape as a type.
  ...layer('console/src/**/*.{ts,tsx}', {
    forbidden: [],
    typeOnly: CONNECTOR.filter((f) => f !== 'core'),
    packages: SERVER_PACKAGES,
    message: 'console/src is browser code: values from core/ only, the API and the rest by type.',
  }),
  // Workflows run in Temporal's deterministic sandbox: only the workflow SDK, core/ and activity *types*.
  ...layer('workflows/**/*.ts', {
    forbidden: CONNECTOR.filter((f) => !['core', 'workflows', 'activities'].includes(f)),
    typeOnly: ['activities'],
    packages: [
      '^(?!@temporalio/(workflow|common)$)@temporalio/',
      '^(mongodb|pino|undici|fastify)$',
      '^node:',
    ],
    message: 'Workflows may import only @temporalio/workflow, core/ and activity types.',
  }),
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
