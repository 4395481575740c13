// ESLint 9 flat config: the house rules that tooling can check (`npm run lint`, part of `npm test`).
// Formatting belongs to Prettier (eslint-config-prettier, last, switches off every rule that would fight it).
// A rule turned off or down here carries its reason on the same line.
import eslintComments from '@eslint-community/eslint-plugin-eslint-comments';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'data-*/**', '.tmp/**', 'processes/**', 'locales/**', 'docs/**'] },
  {
    files: ['server/**/*.ts', 'modeler/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.mjs', 'eslint.config.mjs'],
    extends: [js.configs.recommended, tseslint.configs.strict],
    plugins: { 'import-x': importX, '@eslint-community/eslint-comments': eslintComments },
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      parserOptions: {
        // Each file is typed by its nearest tsconfig (tsconfig.json, modeler/tsconfig.json); the plain
        // JavaScript build scripts, in no tsconfig, get TypeScript's default project.
        projectService: { allowDefaultProject: ['scripts/*.mjs', 'eslint.config.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    settings: {
      'import-x/extensions': ['.ts', '.mjs', '.js'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.json', 'modeler/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its rejection: await it, or `void` it with the reason it may run on.
      '@typescript-eslint/no-floating-promises': 'error',
      // An async function where a void callback is expected (event handlers, forEach) drops its errors.
      '@typescript-eslint/no-misused-promises': 'error',
      // Dependencies point one way: a runtime import cycle fails on load order, and says two parts are one.
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
      // Every disable says why (`-- reason`).
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: ['eslint-enable'] }],
      // Turned down: `_name` marks a parameter a signature needs, and `{ secret: _s, ...view }` drops a field.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Turned down: a commented group of empty cases (one answer for several kinds) is not a fall-through.
      'no-fallthrough': ['error', { allowEmptyCase: true }],
      // Off: variables, env and JSON documents are plain records by contract; removing a key is the operation, a Map would not serialise.
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Off in tests and benches: a wrong `!` there throws at once and fails the run, which is the check wanted.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Off in tests: chai's property assertions (`expect(x).to.be.empty`) are expressions by design.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  {
    files: ['scripts/**/*.mjs', 'eslint.config.mjs'],
    languageOptions: { globals: globals.node },
  },
  prettier,
);
