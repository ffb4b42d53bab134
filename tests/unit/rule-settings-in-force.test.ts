/**
 * One rule for the settings in force (the user's, with every field a policy sets winning): `getEffectiveSettings`,
 * applied by one loader, `loadAccountsInForce` (the background's), and by the options page's client.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createSettingsClient } from '@/utils/messaging/extension-settings-client';
import type { AccountsInOptions } from '@/utils/messaging/settings-client';
import { parseAccountsPolicy } from '@/utils/settings/accounts-policy';
import { loadAccountsInForce } from '@/utils/settings/settings-storage';
import {
  DEFAULT_SETTINGS,
  getEffectiveSettings,
  parseManagedSettings,
  pickConnection,
  pickPreferences,
  type ManagedSettings,
  type Settings,
} from '@/utils/settings/settings';

vi.mock('@/utils/messaging/messaging', () => ({ sendMessage: vi.fn(async () => {}), onMessage: vi.fn() }));

const LOCAL: Settings = {
  ...DEFAULT_SETTINGS,
  serverUrl: 'https://mine.example',
  appUrl: 'https://app.mine.example/',
  authMethod: 'username',
  token: 'my-token',
  username: 'alice',
  role: 'user',
};

const POLICIES: Array<[why: string, policy: Record<string, unknown>, wins: Partial<Settings>]> = [
  ['no policy', {}, {}],
  ['a server', { serverUrl: 'https://corp.example/api' }, { serverUrl: 'https://corp.example/api' }],
  ['an app URL', { appUrl: 'https://app.corp.example/{category}' }, { appUrl: 'https://app.corp.example/{category}' }],
  ['an empty app URL (the server origin)', { appUrl: '' }, { appUrl: '' }],
  ['a sign-in method', { authMethod: 'cookie' }, { authMethod: 'cookie' }],
  ['a user name', { username: 'corp-alice' }, { username: 'corp-alice' }],
  ['a role', { role: 'admin' }, { role: 'admin' }],
  // What no policy may set, whatever a caller hands over: only the managed fields, only with a value.
  ['a field set to undefined', { serverUrl: undefined, role: undefined }, {}],
  ['a token', { token: 'corp-token' }, {}],
  ['preferences', { sound: false, notify: { likes: false } }, {}],
];

describe('the settings in force', () => {
  beforeEach(() => fakeBrowser.reset());

  it.each(POLICIES)('%s: the policy wins where it sets a field, the user elsewhere', (_why, policy, wins) => {
    expect(getEffectiveSettings(LOCAL, policy as ManagedSettings)).toEqual({ ...LOCAL, ...wins });
  });

  it.each(POLICIES)('%s: what a browser policy says is applied the same way', (_why, policy, wins) => {
    // parseManagedSettings drops ill-typed values: it can only narrow what wins.
    const applied = getEffectiveSettings(LOCAL, parseManagedSettings(policy));
    for (const [field, value] of Object.entries(applied))
      expect([LOCAL[field as keyof Settings], wins[field as keyof Settings]]).toContainEqual(value);
  });

  /** The user's settings in storage, and a policy in `storage.managed` (read-only in fakeBrowser, as in browsers). */
  async function store(policy: Record<string, unknown>) {
    await fakeBrowser.storage.local.set({ settings: LOCAL });
    return vi.spyOn(fakeBrowser.storage.managed, 'get').mockImplementation(async () => policy);
  }

  it.each(POLICIES)('%s: loadAccountsInForce reads storage and applies the browser policy', async (_, policy) => {
    await store(policy);
    const loaded = await loadAccountsInForce();
    const managed = parseManagedSettings(policy);
    // The single-account value stored is the account `main`, which the top-level policy fields lock.
    expect(loaded.accounts).toEqual([{ id: 'main', label: '', ...getEffectiveSettings(LOCAL, managed) }]);
    expect(loaded.policy.main).toEqual(managed);
  });

  it('loadAccountsInForce takes the policy from the reader it is given (the background: without the slow read)', async () => {
    const managedRead = await store({ serverUrl: 'https://slow.example' });
    const standIn = parseAccountsPolicy({ serverUrl: 'https://last-known.example' });
    const loaded = await loadAccountsInForce(async () => standIn);
    expect(loaded.accounts.map(({ serverUrl }) => serverUrl)).toEqual(['https://last-known.example']);
    expect(loaded.policy.main).toEqual({ serverUrl: 'https://last-known.example' });
    expect(managedRead).not.toHaveBeenCalled();
  });

  it('the options page loads the settings in force, and gets them again on every change', async () => {
    await store({ serverUrl: 'https://corp.example/api', role: 'admin' });
    const client = createSettingsClient();
    const account = { id: 'main', label: '', ...pickConnection(LOCAL), serverUrl: 'https://corp.example/api' };
    const inForce = {
      accounts: [{ ...account, role: 'admin' }],
      preferences: pickPreferences(LOCAL),
      policy: parseAccountsPolicy({ serverUrl: 'https://corp.example/api', role: 'admin' }),
    } satisfies AccountsInOptions;
    expect(await client.load()).toEqual(inForce);
    const seen: AccountsInOptions[] = [];
    const stop = client.watch((loaded) => seen.push(loaded));
    await fakeBrowser.storage.local.set({ settings: [{ ...account, role: 'user', username: 'bob' }] });
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    expect(seen[0]).toEqual({ ...inForce, accounts: [{ ...account, role: 'admin', username: 'bob' }] });
    stop();
  });
});

describe("the options page's client and host permissions", () => {
  beforeEach(() => fakeBrowser.reset());

  it('asks for the origins it is given in one request, and gives back only granted origins no account uses', async () => {
    // Stubs of our own: the background fixture replaces fakeBrowser.permissions in this (shared) test context.
    const permissions = {
      request: vi.fn(async (_: { origins: string[] }) => true),
      getAll: vi.fn(async () => ({
        origins: ['https://a.example/*', 'https://gone.example/*', 'http://localhost/*', 'https://*/*'],
        permissions: [],
      })),
      remove: vi.fn(async (_: { origins: string[] }) => true),
    };
    const original = fakeBrowser.permissions;
    Object.assign(fakeBrowser, { permissions });
    try {
      const client = createSettingsClient();
      expect(await client.requestPermissions(['https://a.example/*', 'https://b.example/*'])).toBe(true);
      expect(permissions.request).toHaveBeenCalledWith({ origins: ['https://a.example/*', 'https://b.example/*'] });
      await client.releaseUnusedPermissions(['https://a.example/api', 'http://localhost:8787']);
      expect(permissions.remove).toHaveBeenCalledExactlyOnceWith({ origins: ['https://gone.example/*'] });
      permissions.remove.mockClear();
      await client.releaseUnusedPermissions(['https://a.example/api', 'https://gone.example']);
      expect(permissions.remove).not.toHaveBeenCalled();
    } finally {
      Object.assign(fakeBrowser, { permissions: original });
    }
  });
});
