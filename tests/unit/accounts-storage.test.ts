/**
 * The accounts list in `storage.local` (`settings`, v3): the migration from every shape earlier versions stored, the
 * bounds a stored value is read back with, and what the background runs with (`loadAccountsInForce`).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { MAX_ACCOUNTS, MAX_LABEL_LENGTH } from '@/utils/settings/accounts';
import { MAX_FIELD_LENGTH, type StoredAccount } from '@/utils/settings/accounts-model';
import { NO_POLICY, parseAccountsPolicy } from '@/utils/settings/accounts-policy';
import { DEFAULT_SETTINGS, pickConnection, pickPreferences } from '@/utils/settings/settings';

const TOKEN = 'secret-token-4711';
const SERVER = 'https://notify.example.test/api';
const NOTIFY = { ...DEFAULT_SETTINGS.notify, likes: false };
const CONNECTION = { ...pickConnection(DEFAULT_SETTINGS), serverUrl: SERVER, token: TOKEN, role: 'admin' as const };
const noPolicy = async () => NO_POLICY;

/** A fresh module instance: the migration runs when the storage item is defined, as at a worker or page start. */
async function loadStorageModule() {
  vi.resetModules();
  return import('@/utils/settings/settings-storage');
}

const account = (id: string, fields: Partial<StoredAccount> = {}): StoredAccount => ({
  ...pickConnection(DEFAULT_SETTINGS),
  id,
  label: '',
  ...fields,
});

beforeEach(() => fakeBrowser.reset());

describe('the migration of earlier versions’ settings to the accounts list', () => {
  it('v1 (connection and preferences together): the first account `main`, the preferences to storage.sync', async () => {
    await fakeBrowser.storage.local.set({
      settings: { ...CONNECTION, notify: NOTIFY, sound: false },
      settings$: { v: 1 },
    });
    const { loadStoredAccounts, loadAccountsInForce } = await loadStorageModule();
    expect(await loadStoredAccounts()).toEqual([{ ...CONNECTION, id: 'main', label: '' }]);
    const stored = await fakeBrowser.storage.local.get(['settings', 'settings$']);
    expect(stored).toEqual({ settings: [{ ...CONNECTION, id: 'main', label: '' }], settings$: { v: 3 } });
    expect((await fakeBrowser.storage.sync.get('preferences')).preferences).toMatchObject({
      notify: NOTIFY,
      sound: false,
    });
    expect(JSON.stringify(await fakeBrowser.storage.sync.get(null))).not.toContain(TOKEN);
    const { accounts } = await loadAccountsInForce(noPolicy);
    expect(accounts).toEqual([
      { ...DEFAULT_SETTINGS, ...CONNECTION, notify: NOTIFY, sound: false, id: 'main', label: '' },
    ]);
  });

  it('v2 (the connection only): the first account `main`, preferences where they were', async () => {
    await fakeBrowser.storage.local.set({ settings: CONNECTION, settings$: { v: 2 } });
    await fakeBrowser.storage.sync.set({ preferences: { notify: NOTIFY } });
    const { loadAccountsInForce } = await loadStorageModule();
    const { accounts } = await loadAccountsInForce(noPolicy);
    expect(accounts).toEqual([{ ...DEFAULT_SETTINGS, ...CONNECTION, notify: NOTIFY, id: 'main', label: '' }]);
    expect((await fakeBrowser.storage.local.get('settings$')).settings$).toEqual({ v: 3 });
  });

  it('a value preset without its version (an administrator, a test driver): read as the account `main`', async () => {
    const { loadStoredAccounts } = await loadStorageModule();
    await fakeBrowser.storage.local.set({ settings: { serverUrl: SERVER, token: TOKEN } });
    expect(await loadStoredAccounts()).toEqual([account('main', { serverUrl: SERVER, token: TOKEN })]);
  });

  it('a fresh install: no account (Beacon is not set up), nothing written', async () => {
    const { loadStoredAccounts, loadAccountsInForce } = await loadStorageModule();
    expect(await loadStoredAccounts()).toEqual([]);
    expect(await loadAccountsInForce(noPolicy)).toEqual({ accounts: [], policy: NO_POLICY });
    expect(await fakeBrowser.storage.local.get('settings')).toEqual({});
  });

  it('a single-account value that names nothing (signed out, "forget"): no account', async () => {
    await fakeBrowser.storage.local.set({ settings: pickConnection(DEFAULT_SETTINGS), settings$: { v: 2 } });
    const { loadStoredAccounts } = await loadStorageModule();
    expect(await loadStoredAccounts()).toEqual([]);
  });

  it.each([
    ['text', 'settings'],
    ['a number', 42],
    ['a list of numbers', [1, 2]],
    ['wrong types', { serverUrl: 42, token: { secret: true }, authMethod: 'magic', role: 'root' }],
  ])('garbage (%s): no account, and Beacon still starts', async (_, value) => {
    await fakeBrowser.storage.local.set({ settings: value, settings$: { v: 2 } });
    const { loadStoredAccounts, loadAccountsInForce } = await loadStorageModule();
    expect(await loadStoredAccounts()).toEqual([]);
    expect((await loadAccountsInForce(noPolicy)).accounts).toEqual([]);
  });

  it('garbage beside a usable server: the server kept, each broken field its default', async () => {
    await fakeBrowser.storage.local.set({
      settings: { serverUrl: SERVER, token: 'x'.repeat(MAX_FIELD_LENGTH + 1), authMethod: 'magic', role: 7 },
      settings$: { v: 2 },
    });
    const { loadStoredAccounts } = await loadStorageModule();
    expect(await loadStoredAccounts()).toEqual([account('main', { serverUrl: SERVER })]);
  });

  it('a value a newer version wrote (its migration refuses to go back): still read, never an error', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    await fakeBrowser.storage.local.set({ settings: [account('a1', { serverUrl: SERVER })], settings$: { v: 9 } });
    const { loadStoredAccounts } = await loadStorageModule();
    expect(await loadStoredAccounts()).toEqual([account('a1', { serverUrl: SERVER })]);
    expect(error).toHaveBeenCalled();
  });
});

describe('the stored accounts list', () => {
  it('is read back in order, in bounds: usable ids, unique, at most 10, labels cut', async () => {
    const long = `${'é'.repeat(MAX_LABEL_LENGTH - 1)}😀😀`;
    const stored: unknown[] = [
      { ...account('b'), label: long },
      account('a'),
      { ...account('a'), label: 'the same id again' },
      { ...account(''), label: 'no id' },
      { ...account('../../etc'), label: 'an id that is a path' },
      'not an account',
      ...Array.from({ length: MAX_ACCOUNTS }, (_, index) => account(`more-${index}`)),
    ];
    await fakeBrowser.storage.local.set({ settings: stored, settings$: { v: 3 } });
    const { loadStoredAccounts } = await loadStorageModule();
    const accounts = await loadStoredAccounts();
    expect(accounts.map(({ id }) => id)).toEqual([
      'b',
      'a',
      ...Array.from({ length: 8 }, (_, index) => `more-${index}`),
    ]);
    expect(accounts[0]!.label).toBe(`${'é'.repeat(MAX_LABEL_LENGTH - 1)}😀`);
    expect(accounts[1]!.label).toBe('');
  });

  it('saves in bounds; only the preferences reach storage.sync (no token, server, label or id)', async () => {
    const { saveAccounts, loadStoredAccounts } = await loadStorageModule();
    const accounts = Array.from({ length: MAX_ACCOUNTS + 1 }, (_, index) =>
      account(`id-${index}`, { label: `Label ${index}`, serverUrl: `https://s${index}.example.test`, token: TOKEN }),
    );
    const preferences = { ...pickPreferences(DEFAULT_SETTINGS), notify: NOTIFY };
    expect(await saveAccounts(accounts, { ...preferences, ...{ token: TOKEN } })).toBe(true);
    expect(await loadStoredAccounts()).toEqual(accounts.slice(0, MAX_ACCOUNTS));
    expect(await fakeBrowser.storage.sync.get(null)).toEqual({ preferences });
    const synced = JSON.stringify(await fakeBrowser.storage.sync.get(null));
    for (const secret of [TOKEN, 'example.test', 'Label', 'id-0']) expect(synced).not.toContain(secret);
  });

  it('tells watchers about a change of the list', async () => {
    const { saveAccounts, watchSettings } = await loadStorageModule();
    const changed = vi.fn();
    const stop = watchSettings(changed);
    await saveAccounts([account('a', { serverUrl: SERVER })], pickPreferences(DEFAULT_SETTINGS));
    await vi.waitFor(() => expect(changed).toHaveBeenCalled());
    stop();
  });
});

describe('the accounts in force (what the background runs with)', () => {
  it('keeps the user’s order, leaves out unusable server URLs and a repeated sign-in, applies the policy', async () => {
    const { saveAccounts, loadAccountsInForce } = await loadStorageModule();
    await saveAccounts(
      [
        account('work', { label: 'Work', serverUrl: 'https://work.example.test', token: 't1' }),
        account('draft', { serverUrl: 'http://plain.example.test', token: 't2' }),
        account('empty'),
        account('main', { serverUrl: 'https://home.example.test', token: 't3' }),
        account('again', { label: 'Work twice', serverUrl: 'https://work.example.test/', token: 't1' }),
      ],
      pickPreferences(DEFAULT_SETTINGS),
    );
    const policy = parseAccountsPolicy({
      role: 'admin',
      accounts: [{ id: 'corp', label: 'Corp', serverUrl: 'https://corp.example.test', authMethod: 'cookie' }],
    });
    const { accounts } = await loadAccountsInForce(async () => policy);
    expect(accounts.map(({ id, label, role }) => [id, label, role])).toEqual([
      ['work', 'Work', 'auto'],
      ['main', '', 'admin'],
      ['corp', 'Corp', 'auto'],
    ]);
    expect(accounts[2]).toMatchObject({ serverUrl: 'https://corp.example.test', authMethod: 'cookie', token: '' });
  });

  it('reads the browser’s policy by default (storage.managed), and runs with none when it cannot be read', async () => {
    const { saveAccounts, loadAccountsInForce } = await loadStorageModule();
    await saveAccounts([account('main', { serverUrl: SERVER, token: TOKEN })], pickPreferences(DEFAULT_SETTINGS));
    const managed = vi
      .spyOn(fakeBrowser.storage.managed, 'get')
      .mockImplementation(async () => ({ serverUrl: 'https://corp.example.test' }));
    expect((await loadAccountsInForce()).accounts[0]).toMatchObject({
      serverUrl: 'https://corp.example.test',
      token: TOKEN,
    });
    managed.mockRejectedValue(new Error('Managed storage manifest not found'));
    expect(await loadAccountsInForce()).toMatchObject({ accounts: [{ serverUrl: SERVER }], policy: NO_POLICY });
  });
});
