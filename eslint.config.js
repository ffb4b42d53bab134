// ESLint: TypeScript and Vue rules, and the import boundaries of docs/architecture.md. Formatting is Prettier's job.
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Import patterns, named by what they reach. */
const BROWSER = [
  { group: ['wxt/browser', 'wxt/utils/*', 'webextension-polyfill'], message: 'No browser API here: inject it.' },
  { group: ['@wxt-dev/storage'], message: 'No storage here: inject it.' },
  { group: ['@webext-core/messaging', '**/messaging/messaging'], message: 'No messaging here: inject it.' },
];
const NODE = [{ group: ['node:*'], message: 'No Node API here: this code runs in the browser.' }];
const STORAGE_MODULES = [
  {
    group: ['**/settings/settings-storage', '**/snapshot/snapshot-storage', '**/labels/i18n', '**/tabs/*'],
    message: 'A browser edge module: import it from an entrypoint, not from the core.',
  },
];
const BACKGROUND = [
  { group: ['**/background/*', '@/utils/background/*'], message: 'Pages never import the background core.' },
];
const ANY_UTILS_FOLDER = [
  { group: ['../*', '../../*', '@/*', 'eventsource-parser', 'vue', 'pinia'], message: 'The protocol imports nothing.' },
];

/** `no-restricted-imports` with these pattern groups. */
const restrict = (...groups) => ({ 'no-restricted-imports': ['error', { patterns: groups.flat() }] });

export default tseslint.config(
  {
    ignores: ['.output/**', '.wxt/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'bench/results*'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
      // Prettier formats templates; these stylistic Vue rules would fight it.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      // Server text is plain text (protocol §5): never rendered as HTML.
      'vue/no-v-html': 'error',
    },
  },
  // The wire format is shared with the Node server: it imports nothing.
  { files: ['utils/protocol/**'], rules: restrict(ANY_UTILS_FOLDER, BROWSER, NODE) },
  // General helpers and the connection know nothing of browsers, storage or the background.
  { files: ['utils/lib/**', 'utils/connection/**'], rules: restrict(BROWSER, NODE, STORAGE_MODULES, BACKGROUND) },
  // The background core: effects are injected, so it runs in unit tests without a browser.
  {
    files: ['utils/background/**', 'utils/notifications/**', 'utils/badge/**'],
    rules: restrict(BROWSER, NODE, STORAGE_MODULES),
  },
  // Pure models: no browser, no background.
  {
    files: ['utils/settings/*.ts', 'utils/snapshot/*.ts', 'utils/labels/*.ts'],
    // The browser edges: every `*-storage.ts` file, and i18n.
    ignores: ['utils/settings/*-storage.ts', 'utils/snapshot/*-storage.ts', 'utils/labels/i18n.ts'],
    rules: restrict(BROWSER, NODE, BACKGROUND),
  },
  // Pages, their stores and components reach the background only through messaging.
  {
    files: ['entrypoints/popup/**', 'entrypoints/options/**', 'components/**', 'utils/stores/**', 'utils/messaging/**'],
    rules: restrict(BACKGROUND, NODE),
  },
  // The reference server shares only the wire format with the extension.
  {
    files: ['server/**'],
    rules: restrict([
      {
        group: [
          '../utils/*',
          '!../utils/protocol',
          '../utils/*/**',
          '!../utils/protocol/**',
          '@/*',
          '../entrypoints/*',
        ],
        message: 'The server shares only utils/protocol with the extension.',
      },
    ]),
  },
);
