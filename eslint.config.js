// ESLint: TypeScript and Vue rules, and the import map of docs/architecture.md. Formatting is Prettier's job.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The folders of docs/architecture.md, as boundaries elements. */
const FOLDERS = {
  protocol: 'utils/protocol',
  lib: 'utils/lib',
  connection: 'utils/connection',
  background: 'utils/background',
  snapshot: 'utils/snapshot',
  settings: 'utils/settings',
  notifications: 'utils/notifications',
  badge: 'utils/badge',
  labels: 'utils/labels',
  messaging: 'utils/messaging',
  stores: 'utils/stores',
  popup: 'utils/popup',
  tabs: 'utils/tabs',
  components: 'components',
  entrypoints: 'entrypoints',
  locales: 'public/_locales',
  server: 'server',
  tooling: ['tests', 'bench', 'scripts'],
};
const ELEMENTS = Object.entries(FOLDERS).map(([type, pattern]) => ({ type, pattern }));

/**
 * The rows of the map that are part of a folder: the browser edges (storage, i18n, messaging) are kept apart from
 * the pure models beside them, and the three kinds of entrypoint apart from each other. Any other row is a folder.
 */
const ROWS = {
  snapshot: { type: 'snapshot', fileInternalPath: '!*-storage.ts' },
  'snapshot-storage': { type: 'snapshot', fileInternalPath: '*-storage.ts' },
  settings: { type: 'settings', fileInternalPath: '!*-storage.ts' },
  'settings-storage': { type: 'settings', fileInternalPath: '*-storage.ts' },
  labels: { type: 'labels', fileInternalPath: '!i18n.ts' },
  i18n: { type: 'labels', fileInternalPath: 'i18n.ts' },
  messaging: { type: 'messaging', fileInternalPath: '!{messaging,extension-*}.ts' },
  'messaging-edge': { type: 'messaging', fileInternalPath: '{messaging,extension-*}.ts' },
  'background-entry': { type: 'entrypoints', fileInternalPath: 'background.ts' },
  'prepaint-entry': { type: 'entrypoints', fileInternalPath: 'popup-prepaint.ts' },
  'page-entry': { type: 'entrypoints', fileInternalPath: '{popup,options}/**' },
  // The field rules stored values are read back with: the one connection module the snapshot uses for its values.
  'connection/server-input': { type: 'connection', fileInternalPath: 'server-input.ts' },
  // The accounts' limits and the name an account shows: what the snapshot and the labels need of the settings.
  'settings/accounts': { type: 'settings', fileInternalPath: 'accounts.ts' },
};
const row = (name) => ROWS[name] ?? { type: name };
const ALL_ROWS = [...new Set([...Object.keys(FOLDERS), ...Object.keys(ROWS)])].filter(
  (name) => !['entrypoints', 'tooling', 'server', 'connection/server-input', 'settings/accounts'].includes(name),
);

/**
 * The "may import" column: rows of the map (`local`), rows whose types only (`types`), packages by name, and Node's
 * modules (`node`). Nothing else is allowed.
 */
const MAY_IMPORT = {
  protocol: {},
  lib: {},
  connection: { local: ['protocol', 'lib', 'settings'], types: ['snapshot'], packages: ['eventsource-parser'] },
  background: {
    local: ['protocol', 'lib', 'connection', 'settings', 'snapshot'],
    types: ['notifications', 'messaging'],
    packages: ['eventsource-parser'],
  },
  snapshot: { local: ['protocol', 'connection/server-input', 'settings/accounts'], types: ['connection'] },
  'snapshot-storage': { local: ['protocol', 'lib', 'connection', 'snapshot'], packages: ['@wxt-dev/storage'] },
  settings: { local: ['protocol', 'lib', 'labels'] },
  'settings-storage': { local: ['protocol', 'lib', 'labels', 'settings'], packages: ['@wxt-dev/storage', 'wxt'] },
  notifications: { local: ['protocol', 'lib', 'labels', 'settings'] },
  badge: { local: ['protocol', 'lib', 'labels', 'settings', 'snapshot'] },
  labels: { local: ['protocol', 'settings/accounts'], types: ['connection', 'snapshot', 'settings', 'locales'] },
  i18n: { local: ['labels'], packages: ['wxt'] },
  messaging: { local: ['protocol', 'lib', 'connection', 'settings', 'snapshot'] },
  'messaging-edge': {
    local: [
      'protocol',
      'lib',
      'connection',
      'settings',
      'settings-storage',
      'snapshot',
      'snapshot-storage',
      'messaging',
    ],
    packages: ['@webext-core/messaging', 'wxt'],
  },
  stores: {
    local: ['protocol', 'lib', 'connection', 'labels', 'settings', 'snapshot', 'messaging'],
    packages: ['vue', 'pinia'],
  },
  popup: { local: ['protocol', 'badge', 'settings/accounts', 'labels'] },
  tabs: { types: ['settings'], packages: ['wxt'] },
  components: {
    local: ['protocol', 'labels', 'i18n', 'settings', 'snapshot', 'badge', 'stores', 'components'],
    types: ['connection'],
    packages: ['vue', 'pinia'],
  },
  'background-entry': {
    local: ALL_ROWS.filter((name) => !name.endsWith('-entry') && !['components', 'stores', 'popup'].includes(name)),
    packages: ['wxt'],
  },
  'prepaint-entry': { local: ['protocol', 'labels', 'popup'], packages: ['wxt'] },
  'page-entry': {
    local: ALL_ROWS.filter((name) => !name.endsWith('-entry') && name !== 'background'),
    packages: ['vue', 'pinia', 'wxt'],
  },
  locales: {},
  server: { local: ['protocol'], packages: ['ioredis'], node: true },
};

/** The policies of `boundaries/dependencies`: nothing is allowed unless listed in MAY_IMPORT. */
const POLICIES = [
  ...Object.entries(MAY_IMPORT).map(([from, { local = [], types = [], packages = [], node = false }]) => ({
    from: { element: row(from) },
    allow: [
      // A row may import its own files.
      { to: { element: [from, ...local].map(row) } },
      ...(types.length > 0 ? [{ to: { element: types.map(row) }, dependency: { kind: 'type' } }] : []),
      ...(packages.length > 0 ? [{ to: { module: { origin: 'external', source: packages } } }] : []),
      ...(node ? [{ to: { module: { origin: 'core' } } }] : []),
    ],
  })),
];

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
  // Extension code writes no markup: text goes through textContent or Vue's interpolation (docs/security.md). Store
  // reviewers' `web-ext lint` flags the same writes; this holds them in the source, where the fix is.
  {
    files: ['utils/**', 'components/**', 'entrypoints/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'AssignmentExpression > MemberExpression.left[property.name=/^(innerHTML|outerHTML)$/]',
          message: 'No markup written from code: build the nodes and set textContent.',
        },
        {
          selector: 'CallExpression > MemberExpression.callee[property.name=/^(insertAdjacentHTML|write|writeln)$/]',
          message: 'No markup written from code: build the nodes and set textContent.',
        },
        {
          selector: 'ImportExpression[source.type!="Literal"]',
          message: 'No import of a computed URL: add a module script element, or import a literal path.',
        },
      ],
    },
  },
  // The map (docs/architecture.md, "may import"): an allow-list per folder, proven by tests/unit/lint-map.test.ts.
  {
    // Tests, the bench, scripts and config files may import anything: the map is not checked there.
    files: ['utils/**', 'components/**', 'entrypoints/**', 'server/**'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': ELEMENTS,
      'boundaries/include': ['**/*.ts', '**/*.js', '**/*.vue', '**/*.json'],
      'import/resolver': { typescript: { project: './tsconfig.json' }, node: true },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          checkAllOrigins: true,
          checkUnknownLocals: true,
          // Files of one folder are checked too: the pure models and the browser edges share folders.
          checkInternals: true,
          message:
            '{{from.elementPath}}/{{from.internalPath}} may not import "{{dependency.source}}": not in its "may import" row of docs/architecture.md.',
          policies: POLICIES,
        },
      ],
      // A file outside every folder of the map is an error too, so a new folder has to be given its row.
      'boundaries/no-unknown-files': 'error',
    },
  },
);
