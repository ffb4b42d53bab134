// @vitest-environment node
// The map of docs/architecture.md, held by eslint.config.js: each row's fixture that breaks it must fail lint with
// the boundary rule, and one that obeys it must pass, so a loosened rule turns this suite red. The fixtures are
// linted as text under a virtual path in the row's folder: no fixture file sits in the tree for `npm run lint`.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd(), overrideConfigFile: 'eslint.config.js' });

/** A module that imports `source` (its values, or only its types) and uses it. */
function importing(source: string, kind: 'value' | 'type' = 'value'): string {
  return kind === 'value'
    ? `import * as probe from '${source}';\n\nexport { probe };\n`
    : `import type { Probe } from '${source}';\n\nexport type Exported = Probe;\n`;
}

async function lintAs(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map(({ ruleId, message }) => ({ ruleId, message }));
}

type Fixture = [file: string, source: string, kind?: 'value' | 'type'];

/** One import per row that its "may import" column does not allow (and the known holes of the old deny-lists). */
const FORBIDDEN: Fixture[] = [
  ['utils/protocol/x.ts', '@/utils/lib/clock'],
  ['utils/protocol/x.ts', 'node:fs'],
  ['utils/lib/x.ts', '@/utils/protocol/categories'],
  ['utils/lib/x.ts', 'vue'],
  ['utils/lib/x.ts', 'pinia'],
  ['utils/lib/x.ts', '@/utils/stores/popup-store'],
  ['utils/lib/x.ts', '@/utils/settings/snooze-storage'],
  ['utils/connection/x.ts', 'vue'],
  ['utils/connection/x.ts', '@/utils/stores/popup-store'],
  ['utils/connection/x.ts', '@/utils/settings/last-policy-storage'],
  ['utils/connection/x.ts', '@/utils/snapshot/inbox-cache-storage'],
  ['utils/connection/x.ts', '@/utils/messaging/extension-settings-client'],
  ['utils/connection/x.ts', '@/utils/snapshot/snapshot'],
  ['utils/connection/x.ts', 'wxt/browser'],
  ['utils/connection/x.ts', 'node:http'],
  ['utils/background/x.ts', '@/utils/settings/snooze-storage'],
  ['utils/background/x.ts', '@/utils/settings/last-policy-storage'],
  ['utils/background/x.ts', '@/utils/snapshot/inbox-cache-storage'],
  ['utils/background/x.ts', '@/utils/snapshot/snapshot-storage'],
  ['utils/background/x.ts', '@/utils/messaging/extension-popup-client'],
  ['utils/background/x.ts', '@/utils/messaging/messaging'],
  ['utils/background/x.ts', '@/utils/messaging/protocol-map'],
  ['utils/background/x.ts', '@/utils/notifications/os-notifier'],
  ['utils/background/x.ts', '@/utils/labels/i18n'],
  ['utils/background/x.ts', '@/utils/tabs/open-or-focus-tab'],
  ['utils/background/x.ts', '@wxt-dev/storage'],
  ['utils/snapshot/x.ts', '@wxt-dev/storage'],
  ['utils/snapshot/x.ts', '@/utils/snapshot/snapshot-storage'],
  ['utils/snapshot/x.ts', '@/utils/background/inbox'],
  ['utils/snapshot/x.ts', '@/utils/connection/api-client'],
  ['utils/snapshot/x-storage.ts', '@/utils/background/inbox'],
  ['utils/snapshot/x-storage.ts', 'wxt/browser'],
  ['utils/settings/x.ts', 'wxt/browser'],
  ['utils/settings/x.ts', '@wxt-dev/storage'],
  ['utils/settings/x.ts', '@/utils/settings/snooze-storage'],
  ['utils/settings/x.ts', '@/utils/labels/i18n'],
  ['utils/settings/x-storage.ts', '@/utils/background/background-core'],
  ['utils/settings/x-storage.ts', '@webext-core/messaging'],
  ['utils/notifications/x.ts', '@/utils/labels/i18n'],
  ['utils/notifications/x.ts', '@/utils/settings/snooze-storage'],
  ['utils/notifications/x.ts', 'wxt/browser'],
  ['utils/badge/x.ts', '@/utils/labels/i18n'],
  ['utils/badge/x.ts', '@/utils/snapshot/snapshot-storage'],
  ['utils/badge/x.ts', 'wxt/browser'],
  ['utils/labels/x.ts', 'wxt/browser'],
  ['utils/labels/x.ts', '@/utils/connection/connection-reason'],
  ['utils/labels/x.ts', '@/utils/background/inbox', 'type'],
  ['utils/labels/i18n.ts', '@/utils/settings/settings-storage'],
  ['utils/messaging/x.ts', '@webext-core/messaging'],
  ['utils/messaging/x.ts', '@/utils/settings/settings-storage'],
  ['utils/messaging/x.ts', '@/utils/background/inbox', 'type'],
  ['utils/messaging/extension-x-client.ts', '@/utils/background/background-core'],
  ['utils/stores/x.ts', '@/utils/messaging/extension-popup-client'],
  ['utils/stores/x.ts', '@/utils/messaging/messaging'],
  ['utils/stores/x.ts', '@/utils/background/inbox', 'type'],
  ['utils/stores/x.ts', 'wxt/browser'],
  ['utils/popup/x.ts', '@/utils/labels/i18n'],
  ['utils/popup/x.ts', 'vue'],
  ['utils/tabs/x.ts', '@/utils/background/background-core'],
  ['utils/tabs/x.ts', '@/utils/settings/app-url'],
  ['components/ProbeRow.vue', '@/utils/background/inbox'],
  ['components/ProbeRow.vue', '@/utils/messaging/extension-popup-client'],
  ['components/ProbeRow.vue', '@/utils/connection/api-client'],
  ['components/ProbeRow.vue', 'wxt/browser'],
  ['entrypoints/popup/x.ts', '@/utils/background/background-core'],
  ['entrypoints/options/x.ts', '@/utils/background/inbox', 'type'],
  ['entrypoints/popup-prepaint.ts', 'vue'],
  ['entrypoints/popup-prepaint.ts', '@/utils/settings/settings-storage'],
  ['entrypoints/background.ts', '@/components/CategoryRow.vue'],
  ['entrypoints/background.ts', '@/utils/stores/popup-store'],
  ['server/x.ts', '@/utils/labels/i18n'],
  ['server/x.ts', '../utils/settings/settings'],
  ['server/store/x.ts', '../../utils/labels/i18n'],
  ['server/store/x.ts', '../../utils/snapshot/snapshot'],
  ['server/store/x.ts', 'vue'],
  // Of the settings, snapshot, labels and popup take only `settings/accounts` (limits, the name an account shows).
  ['utils/snapshot/x.ts', '@/utils/settings/app-url'],
  ['utils/labels/x.ts', '@/utils/settings/server-url'],
  ['utils/popup/x.ts', '@/utils/settings/settings-storage'],
];

/** One import per row that its column allows: the same rule must stay quiet. */
const ALLOWED: Fixture[] = [
  ['utils/protocol/x.ts', './categories'],
  ['utils/lib/x.ts', './clock'],
  ['utils/connection/x.ts', '@/utils/protocol/wire'],
  ['utils/connection/x.ts', '@/utils/settings/server-url'],
  ['utils/connection/x.ts', '@/utils/snapshot/snapshot', 'type'],
  ['utils/connection/x.ts', 'eventsource-parser'],
  ['utils/background/x.ts', '@/utils/connection/connection-loop'],
  ['utils/background/x.ts', '@/utils/snapshot/storage-failure'],
  ['utils/background/x.ts', '@/utils/messaging/protocol-map', 'type'],
  ['utils/background/x.ts', '@/utils/notifications/notification-plan', 'type'],
  ['utils/snapshot/x.ts', '@/utils/connection/server-input'],
  ['utils/snapshot/x.ts', '@/utils/connection/connection-reason', 'type'],
  ['utils/snapshot/x-storage.ts', '@wxt-dev/storage'],
  ['utils/snapshot/x-storage.ts', '@/utils/snapshot/inbox-item'],
  ['utils/settings/x.ts', '@/utils/labels/message-key', 'type'],
  ['utils/settings/x-storage.ts', '@wxt-dev/storage'],
  ['utils/settings/x-storage.ts', 'wxt/browser'],
  ['utils/notifications/x.ts', '@/utils/labels/category-labels'],
  ['utils/notifications/x.ts', '@/utils/settings/app-url'],
  ['utils/badge/x.ts', '@/utils/labels/reason-text'],
  ['utils/labels/x.ts', '@/utils/connection/connection-reason', 'type'],
  ['utils/labels/i18n.ts', 'wxt/browser'],
  ['utils/messaging/x.ts', '@/utils/settings/settings'],
  ['utils/messaging/extension-x-client.ts', '@/utils/settings/settings-storage'],
  ['utils/messaging/extension-x-client.ts', '@webext-core/messaging'],
  ['utils/stores/x.ts', '@/utils/messaging/popup-client'],
  ['utils/stores/x.ts', 'pinia'],
  ['utils/popup/x.ts', '@/utils/protocol/categories'],
  ['utils/popup/x.ts', '@/utils/settings/accounts'],
  ['utils/popup/x.ts', '@/utils/labels/category-labels'],
  ['utils/snapshot/x.ts', '@/utils/settings/accounts'],
  ['utils/labels/x.ts', '@/utils/settings/accounts'],
  ['utils/tabs/x.ts', 'wxt/browser'],
  ['utils/tabs/x.ts', '@/utils/settings/app-url', 'type'],
  ['components/ProbeRow.vue', '@/utils/stores/popup-store'],
  ['components/ProbeRow.vue', '@/utils/badge/badge'],
  ['entrypoints/popup/x.ts', '@/utils/messaging/extension-popup-client'],
  ['entrypoints/popup-prepaint.ts', '@/utils/popup/popup-shell'],
  ['entrypoints/background.ts', '@/utils/background/background-core'],
  ['server/store/x.ts', '../../utils/protocol/wire'],
  ['server/store/x.ts', 'ioredis'],
  ['server/x.ts', 'node:http'],
];

/** A `.vue` fixture imports in `<script setup>` and uses the import in its template. */
function fixtureCode(file: string, source: string, kind: 'value' | 'type' = 'value'): string {
  if (!file.endsWith('.vue')) return importing(source, kind);
  return kind === 'value'
    ? `<script setup lang="ts">\nimport * as probe from '${source}';\n</script>\n\n<template><p>{{ probe }}</p></template>\n`
    : `<script setup lang="ts">\nimport type { Probe } from '${source}';\n\ndefineProps<{ probe: Probe }>();\n</script>\n\n<template><p>{{ probe }}</p></template>\n`;
}

/** Test titles name the kind of import. */
const titled = (fixtures: Fixture[]) => fixtures.map(([file, source, kind = 'value']) => [file, source, kind] as const);

describe('the lint holds the map (eslint.config.js, docs/architecture.md)', () => {
  it.each(titled(FORBIDDEN))('%s may not import %s (%s)', async (file, source, kind) => {
    const messages = await lintAs(file, fixtureCode(file, source, kind));
    expect(messages).toEqual([
      {
        ruleId: 'boundaries/dependencies',
        message: expect.stringContaining(`may not import "${source}"`),
      },
    ]);
  });

  it.each(titled(ALLOWED))('%s may import %s (%s)', async (file, source, kind) => {
    expect(await lintAs(file, fixtureCode(file, source, kind))).toEqual([]);
  });

  it.each([
    ['utils/popup/x.ts', 'export function paint(app: HTMLElement, html: string) {\n  app.innerHTML = html;\n}\n'],
    ['entrypoints/x.ts', "document.body.outerHTML = '<p>x</p>';\n"],
    ['components/x.ts', "document.body.insertAdjacentHTML('beforeend', '<p>x</p>');\n"],
    ['entrypoints/popup-prepaint.ts', 'export function load(entry: string) {\n  return import(entry);\n}\n'],
  ])('%s may not write markup or import a computed URL', async (file, code) => {
    expect((await lintAs(file, code)).map(({ ruleId }) => ruleId)).toEqual(['no-restricted-syntax']);
  });

  it('lets a page build nodes and set their text', async () => {
    const code = 'export function paint(app: HTMLElement, text: string) {\n  app.textContent = text;\n}\n';
    expect(await lintAs('utils/popup/x.ts', code)).toEqual([]);
  });

  it('refuses a file in a folder the map does not name', async () => {
    const messages = await lintAs('utils/helpers/x.ts', 'export const probe = 1;\n');
    expect(messages.map(({ ruleId }) => ruleId)).toEqual(['boundaries/no-unknown-files']);
  });
});
