import { defineConfig } from 'wxt';
import { LOOPBACK_HOSTS } from './utils/settings/server-url';
import { deferPageEntry } from './scripts/build/deferred-entry';
import { inlinePageCss } from './scripts/build/inline-page-css';
import { splitPageGroups } from './scripts/build/page-groups';
import { noStaticMarkup, VUE_COMPILER_OPTIONS } from './scripts/build/no-static-markup';
import { DEFAULT_POPUP_SHORTCUT, getPopupCommandName } from './utils/settings/shortcut';

/** Fixed so the Firefox extension keeps its identity (and its storage) across updates. */
export const GECKO_ID = 'beacon@beacon-notifier.dev';

export default defineConfig({
  modules: ['@wxt-dev/module-vue', '@wxt-dev/webextension-polyfill'],
  // No template compiles to an HTML string parsed with innerHTML (scripts/build/no-static-markup.ts).
  vue: { vite: { template: { compilerOptions: VUE_COMPILER_OPTIONS } } },
  // Explicit imports everywhere: no module's exports become implicit globals.
  imports: false,
  // Every component is <script setup>: compile out Vue's Options API and production devtools hooks (-4 KB).
  vite: () => ({
    define: {
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    // The popup paints sooner when it fetches fewer files: its CSS goes inline (this plugin) and its script is one
    // file (the hook below). bench/results.md has the effect.
    // The popup's first frame is painted before its module runs (scripts/build/deferred-entry.ts).
    // Vue's runtime keeps no innerHTML write (scripts/build/no-static-markup.ts).
    plugins: [inlinePageCss(), deferPageEntry(), noStaticMarkup()],
  }),
  hooks: {
    'entrypoints:grouped': (_wxt, groups) => splitPageGroups(groups),
  },
  manifest: ({ browser, manifestVersion }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    // storage: settings and the last snapshot; alarms: wakes a stopped worker; notifications: OS notifications;
    // cookies: with browser-session sign-in, a sign-in on the web app (a new cookie) ends the signed-out state.
    permissions: ['storage', 'alarms', 'notifications', 'cookies'],
    // Loopback servers work out of the box (exactly the hosts the HTTPS rule lets use plain HTTP); any other server
    // origin is asked for at run time. Both schemes: the cookies API reports a Secure cookie (a __Host- session) as
    // one of https://host, so without https the sign-in on a loopback web app would go unnoticed; and a loopback
    // server over TLS needs no run-time request either (needsPermissionRequest).
    host_permissions: LOOPBACK_HOSTS.flatMap((host) => [`http://${host}/*`, `https://${host}/*`]),
    // HTTPS only: plain HTTP is allowed for the loopback hosts alone (server-url.ts), which are granted above.
    optional_host_permissions: ['https://*/*'],
    action: { default_title: '__MSG_extName__' },
    // The popup from the keyboard; the options page shows the shortcut and where to change it.
    commands: {
      [getPopupCommandName(manifestVersion)]: {
        suggested_key: { default: DEFAULT_POPUP_SHORTCUT },
        description: '__MSG_openPopupCommand__',
      },
    },
    ...(browser === 'firefox'
      ? {
          // WXT drops optional_host_permissions for MV2; Firefox MV2 reads them from optional_permissions.
          optional_permissions: ['https://*/*'],
          browser_specific_settings: {
            gecko: {
              id: GECKO_ID,
              // 142: the first version (desktop and Android) that reads data_collection_permissions.
              strict_min_version: '142.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {
          // Administrators preset and lock settings through Chrome policy (docs/configuration.md).
          storage: { managed_schema: 'managed_schema.json' },
        }),
  }),
  zip: {
    // The Firefox sources zip is for reviewers: source and build files only.
    excludeSources: [
      '.output/**',
      '.wxt/**',
      'node_modules/**',
      'test-results/**',
      'coverage/**',
      'bench/results*',
      '.ci/**',
      '**/*.log',
      // A reference server's --data folder (npm run server -- --data ./data): users' data, never for reviewers.
      'data/**',
      'tmp/**',
      // Screenshots and store images (npm run screenshots): nothing a reviewer needs to rebuild the extension.
      'docs/images/**',
    ],
  },
});
