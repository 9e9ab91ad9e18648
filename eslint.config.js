// @ts-check
// Flat ESLint config for the StreamFlow monorepo.
//
// The most important part is the import-boundary section: the package graph is one-way
// (see CONVENTIONS.md):
//
//   schema  <-  shapes  <-  sync-server
//      ^          ^
//      +----------+-------  app
//
// schema imports nothing of ours, shapes imports only schema, sync-server never imports app and
// app never imports sync-server. Cross-package imports always go through the package name
// (`@streamflow/x`), never through a relative path reaching into another package.
// tools/lint-boundaries.test.ts proves these rules fire.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const SEE = 'see CONVENTIONS.md: one-way package graph';

/**
 * Escape a package name for a RegExp compiled with the `u` flag (where `\-` is a syntax error).
 * @param {string} name
 */
const escape = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Forbid a relative path that climbs out of this package into another package's sources
 * (`../../app/src/x.ts`). Requiring `<pkg>/src|test|e2e/` keeps a local folder that happens to be
 * called e.g. `app/` from being a false positive.
 * @param {string} to
 * @param {string} message
 */
const relativeInto = (to, message) => ({
  regex: `^(\\.\\./)+${escape(to)}/(src|test|e2e)/`,
  message,
});

/**
 * Forbid importing another workspace package, by package name (incl. deep imports such as
 * `@streamflow/app/src/x`) and by relative path.
 * @param {string} from
 * @param {string} to
 */
const forbidPackage = (from, to) => {
  const message = `${from} must not import ${to} (${SEE}).`;
  return [{ regex: `^@streamflow/${escape(to)}(/.*)?$`, message }, relativeInto(to, message)];
};

/**
 * Allowed dependency, but it must go through the package name, not a relative path.
 * @param {string} from
 * @param {string} to
 */
const forbidRelativeInto = (from, to) => [
  relativeInto(
    to,
    `${from} must import ${to} as @streamflow/${to}, not via a relative path (${SEE}).`,
  ),
];

/**
 * @param {string} pkg
 * @param {Array<{ regex: string; message: string }>} patterns
 */
const boundary = (pkg, patterns) => ({
  name: `streamflow/boundaries/${pkg}`,
  files: [`${pkg}/**/*.{ts,tsx,mts,cts,js,mjs,cjs,jsx}`],
  rules: {
    'no-restricted-imports': ['error', { patterns }],
  },
});

export default defineConfig(
  {
    name: 'streamflow/ignores',
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.data/**',
      '**/coverage/**',
      '**/test-results/**',
      '**/playwright-report/**',
      '**/.bench/**',
      'migrations/**',
      // Hand-written code is TypeScript; *.js files are build outputs (except this config).
      '**/*.js',
      '!eslint.config.js',
      // Deliberately broken files used by tools/lint-boundaries.test.ts.
      'tools/lint-fixtures/**',
    ],
  },

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    name: 'streamflow/typescript',
    files: ['**/*.{ts,tsx,mts,cts}'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  {
    // JS files (just this config today) are not part of any tsconfig project.
    name: 'streamflow/js-no-type-info',
    files: ['**/*.{js,mjs,cjs,jsx}'],
    extends: [tseslint.configs.disableTypeChecked],
  },

  // ---------------------------------------------------------------- import boundaries
  boundary('schema', [
    {
      regex: '^@streamflow/',
      message: `schema must not import any @streamflow/* package: it is the root of the graph (${SEE}).`,
    },
    // Relative escapes into sibling packages (the package-name form is covered above).
    relativeInto('shapes', `schema must not import shapes (${SEE}).`),
    relativeInto('sync-server', `schema must not import sync-server (${SEE}).`),
    relativeInto('app', `schema must not import app (${SEE}).`),
  ]),
  boundary('shapes', [
    ...forbidPackage('shapes', 'sync-server'),
    ...forbidPackage('shapes', 'app'),
    {
      regex: '^@streamflow/(?!(schema|sync-server|app)(/|$))',
      message: `shapes may only import @streamflow/schema (${SEE}).`,
    },
    ...forbidRelativeInto('shapes', 'schema'),
  ]),
  boundary('sync-server', [
    ...forbidPackage('sync-server', 'app'),
    ...forbidRelativeInto('sync-server', 'schema'),
    ...forbidRelativeInto('sync-server', 'shapes'),
  ]),
  boundary('app', [
    ...forbidPackage('app', 'sync-server'),
    ...forbidRelativeInto('app', 'schema'),
    ...forbidRelativeInto('app', 'shapes'),
  ]),

  // ---------------------------------------------------------------- environment access
  {
    name: 'streamflow/no-process-env',
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message:
            'Read configuration through sync-server/src/env.ts (or app/src/config.ts); process.env is only allowed in env.ts, main.ts, cli/, scripts/, *.config.ts, testing/ and tests.',
        },
      ],
    },
  },
  {
    name: 'streamflow/process-env-allowed',
    files: [
      'sync-server/src/env.ts',
      'sync-server/src/main.ts',
      'sync-server/src/cli/**',
      'scripts/**',
      '**/*.config.ts',
      '**/testing/**',
      '**/*.test.ts',
      'app/e2e/**',
    ],
    rules: {
      'no-restricted-properties': 'off',
    },
  },
  {
    name: 'streamflow/app-no-import-meta-env',
    files: ['app/**'],
    ignores: ['app/src/config.ts', 'app/**/*.config.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.type='MetaProperty'][property.name='env']",
          message: 'Read import.meta.env only in app/src/config.ts and import the typed config.',
        },
      ],
    },
  },
);
