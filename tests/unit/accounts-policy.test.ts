/**
 * Policy for several accounts (`storage.managed`): preset locked accounts, `allowAddingAccounts`, the single-account
 * fields locking the account `main`; and the host permissions given back when no account uses an origin any more.
 */
import { describe, expect, it } from 'vitest';
import { MAX_ACCOUNTS } from '@/utils/settings/accounts';
import { getNewAccount, type StoredAccount } from '@/utils/settings/accounts-model';
import {
  getAccountsInOptions,
  getLockedFields,
  isPolicyAccount,
  NO_POLICY,
  parseAccountsPolicy,
} from '@/utils/settings/accounts-policy';
import { getOriginsToRelease, getRequestedOrigins } from '@/utils/settings/host-permission';

const account = (id: string, fields: Partial<StoredAccount> = {}): StoredAccount => ({
  ...getNewAccount(id),
  ...fields,
});
const ids = (accounts: StoredAccount[]) => accounts.map(({ id }) => id);

describe('parsing the policy', () => {
  it('keeps well-typed presets only: an id, fields the options page would accept, never a token', () => {
    const policy = parseAccountsPolicy({
      accounts: [
        { id: 'corp', label: 'Corp', serverUrl: 'https://corp.example/api', authMethod: 'cookie', token: 'corp-token' },
        { id: 'corp', label: 'the same id again' },
        { label: 'no id', serverUrl: 'https://no-id.example' },
        { id: 'plain', serverUrl: 'http://plain.example', role: 'root' },
        'not an account',
      ],
    });
    expect(policy.accounts).toEqual([
      { id: 'corp', label: 'Corp', serverUrl: 'https://corp.example/api', authMethod: 'cookie' },
      { id: 'plain' },
    ]);
    expect(policy.allowAddingAccounts).toBe(true);
  });

  it('forbids adding only for the boolean false; a broken policy is no policy', () => {
    expect(parseAccountsPolicy({ allowAddingAccounts: false }).allowAddingAccounts).toBe(false);
    expect(parseAccountsPolicy({ allowAddingAccounts: 'false' }).allowAddingAccounts).toBe(true);
    for (const broken of [null, 'policy', 42, [], { accounts: 'all' }])
      expect(parseAccountsPolicy(broken)).toEqual(NO_POLICY);
  });

  it('cuts a preset list to 10 and a preset label to 40 characters', () => {
    const policy = parseAccountsPolicy({
      accounts: Array.from({ length: 12 }, (_, index) => ({ id: `p${index}`, label: 'x'.repeat(50) })),
    });
    expect(policy.accounts).toHaveLength(MAX_ACCOUNTS);
    expect(policy.accounts[0]!.label).toHaveLength(40);
  });
});

describe('the accounts list with policy applied', () => {
  const stored = [
    account('a', { serverUrl: 'https://a.example', token: 'ta' }),
    account('main', { serverUrl: 'https://mine.example', token: 'tm', role: 'user' }),
  ];

  it('no policy: the stored list as it is', () => {
    expect(getAccountsInOptions(stored, NO_POLICY)).toEqual(stored);
  });

  it('the single-account fields lock the account `main` where the user put it, its token kept', () => {
    const policy = parseAccountsPolicy({ serverUrl: 'https://corp.example', role: 'admin' });
    const list = getAccountsInOptions(stored, policy);
    expect(ids(list)).toEqual(['a', 'main']);
    expect(list[1]).toEqual({ ...stored[1], serverUrl: 'https://corp.example', role: 'admin' });
    expect(list[0]).toEqual(stored[0]);
    expect([...getLockedFields(policy, 'main')]).toEqual(['serverUrl', 'role']);
    expect(getLockedFields(policy, 'a').size).toBe(0);
    expect(isPolicyAccount(policy, 'main')).toBe(true);
    expect(isPolicyAccount(policy, 'a')).toBe(false);
  });

  it('the single-account fields make a first account `main` when none is stored (a fresh install)', () => {
    const policy = parseAccountsPolicy({ serverUrl: 'https://corp.example', authMethod: 'cookie' });
    expect(getAccountsInOptions([], policy)).toEqual([
      account('main', { serverUrl: 'https://corp.example', authMethod: 'cookie' }),
    ]);
    expect(getAccountsInOptions([stored[0]!], policy).map(({ id }) => id)).toEqual(['main', 'a']);
  });

  it('presets not stored yet come after the user’s accounts, locked where they set a field', () => {
    const policy = parseAccountsPolicy({
      accounts: [{ id: 'corp', label: 'Corp', serverUrl: 'https://corp.example' }, { id: 'blank' }],
    });
    const list = getAccountsInOptions(
      [account('corp', { label: 'Mine now', serverUrl: 'https://evil.example', token: 'corp-token' }), ...stored],
      policy,
    );
    expect(ids(list)).toEqual(['corp', 'a', 'main', 'blank']);
    expect(list[0]).toMatchObject({ label: 'Corp', serverUrl: 'https://corp.example', token: 'corp-token' });
    expect([...getLockedFields(policy, 'corp')]).toEqual(['serverUrl', 'label']);
    expect(isPolicyAccount(policy, 'blank')).toBe(true);
  });

  it('adding forbidden: only the policy’s accounts; with none, the user’s first account alone', () => {
    const forbid = parseAccountsPolicy({ allowAddingAccounts: false, accounts: [{ id: 'corp' }] });
    expect(ids(getAccountsInOptions(stored, forbid))).toEqual(['corp']);
    const forbidOnly = parseAccountsPolicy({ allowAddingAccounts: false });
    expect(ids(getAccountsInOptions(stored, forbidOnly))).toEqual(['a']);
    const forbidWithMain = parseAccountsPolicy({ allowAddingAccounts: false, serverUrl: 'https://corp.example' });
    expect(ids(getAccountsInOptions(stored, forbidWithMain))).toEqual(['main']);
  });

  it('at most 10: the user’s last accounts give way to the policy’s', () => {
    const many = Array.from({ length: MAX_ACCOUNTS }, (_, index) => account(`u${index}`));
    const policy = parseAccountsPolicy({ accounts: [{ id: 'p1' }, { id: 'p2' }] });
    const list = getAccountsInOptions(many, policy);
    expect(list).toHaveLength(MAX_ACCOUNTS);
    expect(ids(list).slice(-3)).toEqual(['u7', 'p1', 'p2']);
  });
});

describe('host permissions', () => {
  it('asks once per origin, never for loopback or an unusable URL', () => {
    expect(
      getRequestedOrigins([
        'https://a.example/api',
        'https://a.example:8443/other',
        ' https://b.example ',
        'http://localhost:8787',
        'https://127.0.0.1/api',
        'http://plain.example',
        '',
      ]),
    ).toEqual(['https://a.example/*', 'https://b.example/*']);
  });

  it('gives back what no account uses, never the manifest’s loopback origins nor a wildcard', () => {
    const granted = [
      'https://a.example/*',
      'https://gone.example/*',
      'http://localhost/*',
      'https://localhost/*',
      'https://127.0.0.1/*',
      'https://[::1]/*',
      'https://*/*',
      '<all_urls>',
    ];
    expect(getOriginsToRelease(granted, ['https://a.example/api', 'http://localhost:8787'])).toEqual([
      'https://gone.example/*',
    ]);
    expect(getOriginsToRelease(granted, [])).toEqual(['https://a.example/*', 'https://gone.example/*']);
  });
});

describe('the managed storage schema (public/managed_schema.json)', () => {
  it('names every field the policy is read with, and no other', async () => {
    const { default: schema } = await import('@/public/managed_schema.json');
    const fields = ['serverUrl', 'appUrl', 'authMethod', 'username', 'role'];
    expect(Object.keys(schema.properties).sort()).toEqual(['accounts', 'allowAddingAccounts', ...fields].sort());
    expect(Object.keys(schema.properties.accounts.items.properties).sort()).toEqual(['id', 'label', ...fields].sort());
    // Fields the schema offers are the ones parseAccountsPolicy keeps.
    const preset = { id: 'p', label: 'P', serverUrl: 'https://p.example', appUrl: 'https://p.example/app' };
    const full = { ...preset, authMethod: 'cookie', username: 'u', role: 'user' };
    expect(parseAccountsPolicy({ accounts: [full], allowAddingAccounts: false, ...full })).toEqual({
      main: {
        serverUrl: 'https://p.example',
        appUrl: 'https://p.example/app',
        authMethod: 'cookie',
        username: 'u',
        role: 'user',
      },
      accounts: [full],
      allowAddingAccounts: false,
    });
  });
});
