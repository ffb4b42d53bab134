/**
 * The options page with several accounts: one account keeps the single-account form (no list until "Add account");
 * then a list to add, label, reorder and remove (with a confirm), each account its own form; limits and policy.
 */
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ACCOUNTS, MAX_LABEL_LENGTH } from '@/utils/settings/accounts';
import { getNewAccount, type StoredAccount } from '@/utils/settings/accounts-model';
import { DEFAULT_SETTINGS, pickPreferences } from '@/utils/settings/settings';
import { useSettingsStore } from '@/utils/stores/settings-store';
import { fakeClient, getSavedSettings, mountOptions } from '../helpers/options-fixture';
import { useLocale } from '../setup';

const HOME = { ...DEFAULT_SETTINGS, serverUrl: 'https://home.example/api', token: 'home-token' };
const account = (id: string, fields: Partial<StoredAccount> = {}): StoredAccount => ({
  ...getNewAccount(id),
  token: `${id}-token`,
  ...fields,
});
const TWO = [
  account('main', { serverUrl: 'https://home.example/api' }),
  account('work', { label: 'Work', serverUrl: 'https://work.example' }),
];

let mounted: VueWrapper | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
});

async function mountWith(client = fakeClient(HOME)) {
  const result = await mountOptions(client);
  mounted = result.wrapper;
  return result;
}

const names = (wrapper: VueWrapper) => wrapper.findAll('[data-test=account-name]').map((name) => name.text());
const inputValue = (wrapper: VueWrapper, selector: string) => (wrapper.get(selector).element as HTMLInputElement).value;
const savedIds = (client: ReturnType<typeof fakeClient>) => client.save.mock.calls.at(-1)![0].map(({ id }) => id);

describe('options page with one account', () => {
  it('shows the single-account form: no list, no name field, only an "Add account" button', async () => {
    const { wrapper } = await mountWith();
    expect(wrapper.find('[data-test=account-list]').exists()).toBe(false);
    expect(wrapper.find('#label').exists()).toBe(false);
    expect(wrapper.get('legend').text()).toBe('Server');
    expect(inputValue(wrapper, '#serverUrl')).toBe('https://home.example/api');
    expect(wrapper.get('[data-test=add-account]').text()).toBe('Add account');
    expect(wrapper.get('[data-test=forget]').text()).toBe('Sign out and forget this server');
  });
});

describe('adding and labelling accounts', () => {
  it('adds an account: the list appears, the new form opens with its name focused, Save stores both in order', async () => {
    const { wrapper, client } = await mountWith();
    await wrapper.get('[data-test=add-account]').trigger('click');
    await flushPromises();
    expect(names(wrapper)).toEqual(['home.example', 'New account']);
    const rows = wrapper.findAll('[data-test=account-choose]');
    expect(rows[1]!.attributes('aria-current')).toBe('true');
    expect(rows[0]!.attributes('aria-current')).toBeUndefined();
    expect(document.activeElement?.id).toBe('label');
    expect(inputValue(wrapper, '#serverUrl')).toBe('');
    expect(wrapper.get('legend').text()).toBe('Account: New account');

    await wrapper.get('#label').setValue('Staging');
    await wrapper.get('#serverUrl').setValue('https://staging.example/api');
    await wrapper.get('#token').setValue('staging-token');
    expect(names(wrapper)).toEqual(['home.example', 'Staging']);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    // One prompt for every origin that needs one, from the click.
    expect(client.requestPermissions).toHaveBeenCalledWith(['https://home.example/*', 'https://staging.example/*']);
    const [saved] = client.save.mock.calls.at(-1)!;
    expect(saved).toEqual([
      expect.objectContaining({ id: 'main', serverUrl: 'https://home.example/api', token: 'home-token' }),
      expect.objectContaining({ label: 'Staging', serverUrl: 'https://staging.example/api', token: 'staging-token' }),
    ]);
    expect(saved[1]!.id).toMatch(/^added-\d+$/);
    expect(wrapper.get('[data-test=feedback]').text()).toBe('Saved. Beacon is reconnecting.');
  });

  it('switches the form to the account chosen in the list, each with its own values and test', async () => {
    const { wrapper, client } = await mountWith(fakeClient(HOME, {}, TWO));
    expect(inputValue(wrapper, '#serverUrl')).toBe('https://home.example/api');
    await wrapper.findAll('[data-test=account-choose]')[1]!.trigger('click');
    expect(inputValue(wrapper, '#serverUrl')).toBe('https://work.example');
    expect(inputValue(wrapper, '#label')).toBe('Work');
    await wrapper.get('[data-test=test]').trigger('click');
    await flushPromises();
    expect(client.testConnection).toHaveBeenCalledWith(
      expect.objectContaining({
        serverUrl: 'https://work.example',
        token: 'work-token',
        notify: DEFAULT_SETTINGS.notify,
      }),
      expect.any(Function),
    );
    expect(client.requestPermissions).toHaveBeenCalledWith(['https://work.example/*']);
  });

  it('tests the account chosen, with its own policy fields, when a policy locks the account `main`', async () => {
    const policy = { serverUrl: 'https://corp.example/api', accounts: [{ id: 'preset' }] };
    const { wrapper, client } = await mountWith(fakeClient(HOME, policy, TWO));
    expect(names(wrapper)).toEqual(['corp.example', 'Work', 'New account']);
    await wrapper.findAll('[data-test=account-choose]')[1]!.trigger('click');
    await wrapper.get('[data-test=test]').trigger('click');
    await flushPromises();
    expect(client.testConnection).toHaveBeenLastCalledWith(
      expect.objectContaining({ id: 'work', serverUrl: 'https://work.example' }),
      expect.any(Function),
    );
    await wrapper.findAll('[data-test=account-choose]')[0]!.trigger('click');
    await wrapper.get('[data-test=test]').trigger('click');
    await flushPromises();
    expect(client.testConnection).toHaveBeenLastCalledWith(
      expect.objectContaining({ id: 'main', serverUrl: 'https://corp.example/api', token: 'main-token' }),
      expect.any(Function),
    );
  });

  it(`keeps a name to ${MAX_LABEL_LENGTH} characters and refuses a longer one, saving nothing`, async () => {
    const { wrapper, client } = await mountWith(fakeClient(HOME, {}, TWO));
    expect(wrapper.get('#label').attributes('maxlength')).toBe(String(MAX_LABEL_LENGTH));
    await wrapper.get('#label').setValue('x'.repeat(MAX_LABEL_LENGTH + 1));
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-test=error-label]').text()).toBe('This name is too long.');
    expect(client.save).not.toHaveBeenCalled();
  });

  it('refuses a second account with the same server, sign-in and token, showing it', async () => {
    const { wrapper, client } = await mountWith(fakeClient(HOME, {}, TWO));
    await wrapper.findAll('[data-test=account-choose]')[1]!.trigger('click');
    await wrapper.get('#serverUrl').setValue('https://home.example/api/');
    await wrapper.get('#token').setValue('main-token');
    await wrapper.findAll('[data-test=account-choose]')[0]!.trigger('click');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.findAll('[data-test=account-choose]')[1]!.attributes('aria-current')).toBe('true');
    expect(wrapper.get('[data-test=error-serverUrl]').text()).toBe(
      'Another account already uses this server with the same sign-in.',
    );
    expect(client.save).not.toHaveBeenCalled();
  });

  it('shows the account with a problem when Save finds one in an account not on screen', async () => {
    const { wrapper, client } = await mountWith(fakeClient(HOME, {}, TWO));
    await wrapper.findAll('[data-test=account-choose]')[1]!.trigger('click');
    await wrapper.get('#token').setValue('');
    await wrapper.findAll('[data-test=account-choose]')[0]!.trigger('click');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(inputValue(wrapper, '#serverUrl')).toBe('https://work.example');
    expect(wrapper.get('[data-test=error-token]').text()).toBe('Enter your access token.');
    expect(client.save).not.toHaveBeenCalled();
  });
});

describe('reordering accounts', () => {
  it('moves an account with its buttons, keeps the focus on the one pressed, and saves the order', async () => {
    const three = [...TWO, account('third', { label: 'Third', serverUrl: 'https://third.example' })];
    const { wrapper, client } = await mountWith(fakeClient(HOME, {}, three));
    const upButtons = () => wrapper.findAll('[data-test=move-up]');
    expect(upButtons()[0]!.attributes('disabled')).toBeDefined();
    expect(upButtons()[1]!.attributes('aria-label')).toBe('Move Work up');
    await upButtons()[2]!.trigger('click');
    await flushPromises();
    expect(names(wrapper)).toEqual(['home.example', 'Third', 'Work']);
    expect(document.activeElement?.getAttribute('data-move')).toBe('third:-1');
    await upButtons()[1]!.trigger('click');
    await flushPromises();
    expect(names(wrapper)).toEqual(['Third', 'home.example', 'Work']);
    // At the top its "up" button is disabled: the focus goes to its "down" button, not to the page.
    expect(document.activeElement?.getAttribute('data-move')).toBe('third:1');
    await wrapper.findAll('[data-test=move-down]')[2]!.trigger('click');
    expect(names(wrapper)).toEqual(['Third', 'home.example', 'Work']);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(savedIds(client)).toEqual(['third', 'main', 'work']);
  });
});

describe('removing accounts', () => {
  it('asks first; "Keep it" changes nothing and gives the focus back', async () => {
    const { wrapper, client } = await mountWith(fakeClient(HOME, {}, TWO));
    const remove = wrapper.findAll('[data-test=remove-account]')[1]!;
    expect(remove.attributes('aria-label')).toBe('Remove Work');
    await remove.trigger('click');
    await flushPromises();
    const confirm = wrapper.get('[data-confirm=work]');
    expect(confirm.attributes('role')).toBe('group');
    expect(confirm.text()).toContain('Remove Work? Beacon forgets its sign-in, counts, inbox and notifications');
    expect(document.activeElement?.getAttribute('data-test')).toBe('cancel-remove');
    await confirm.get('[data-test=cancel-remove]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-confirm=work]').exists()).toBe(false);
    expect(document.activeElement?.getAttribute('data-remove')).toBe('work');
    expect(client.save).not.toHaveBeenCalled();
    expect(names(wrapper)).toEqual(['home.example', 'Work']);
  });

  it('removes at once when confirmed: stored without it, its permission given back, other drafts kept', async () => {
    const three = [...TWO, account('third', { label: 'Third', serverUrl: 'https://third.example' })];
    const { wrapper, client } = await mountWith(fakeClient(HOME, {}, three));
    await wrapper.get('#serverUrl').setValue('https://home.example/v2'); // an unsaved draft of another account
    await wrapper.findAll('[data-test=remove-account]')[1]!.trigger('click');
    await wrapper.get('[data-confirm=work] [data-test=confirm-remove]').trigger('click');
    await flushPromises();
    expect(savedIds(client)).toEqual(['main', 'third']);
    expect(getSavedSettings(client).serverUrl).toBe('https://home.example/api');
    expect(client.releaseUnusedPermissions).toHaveBeenCalledWith(['https://home.example/api', 'https://third.example']);
    expect(names(wrapper)).toEqual(['home.example', 'Third']);
    expect(inputValue(wrapper, '#serverUrl')).toBe('https://home.example/v2');
    expect(wrapper.get('[data-test=feedback]').text()).toBe('Work was removed.');
    expect(document.activeElement?.getAttribute('data-test')).toBe('account-choose');
  });

  it('down to one account, the page is the single-account form again', async () => {
    const { wrapper, client } = await mountWith(fakeClient(HOME, {}, TWO));
    await wrapper.findAll('[data-test=remove-account]')[0]!.trigger('click');
    await wrapper.get('[data-confirm=main] [data-test=confirm-remove]').trigger('click');
    await flushPromises();
    expect(savedIds(client)).toEqual(['work']);
    expect(wrapper.find('[data-test=account-list]').exists()).toBe(false);
    expect(inputValue(wrapper, '#serverUrl')).toBe('https://work.example');
    expect(document.activeElement?.id).toBe('serverUrl');
  });

  it('gives back permissions also after a save that moved an account to another server', async () => {
    const { wrapper, client } = await mountWith(fakeClient(HOME, {}, TWO));
    await wrapper.get('#serverUrl').setValue('https://new-home.example');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(client.releaseUnusedPermissions).toHaveBeenCalledWith(['https://new-home.example', 'https://work.example']);
  });
});

describe('limits and policy', () => {
  it(`offers no 11th account: no "Add account" at ${MAX_ACCOUNTS}, and the store refuses one`, async () => {
    const ten = Array.from({ length: MAX_ACCOUNTS }, (_, index) =>
      account(`a${index}`, { serverUrl: `https://s${index}.example` }),
    );
    const { wrapper } = await mountWith(fakeClient(HOME, {}, ten));
    expect(wrapper.find('[data-test=add-account]').exists()).toBe(false);
    expect(wrapper.get('[data-test=accounts-limit]').text()).toBe('Beacon holds at most 10 accounts.');
    useSettingsStore().addAccount();
    await flushPromises();
    expect(wrapper.findAll('[data-test=account-row]')).toHaveLength(MAX_ACCOUNTS);
  });

  it('shows preset accounts locked: their fields read-only, no remove button; the user enters the token', async () => {
    const policy = {
      accounts: [{ id: 'corp', label: 'Corp', serverUrl: 'https://corp.example/api', authMethod: 'token' }],
    };
    const { wrapper, client } = await mountWith(fakeClient(HOME, policy));
    expect(names(wrapper)).toEqual(['home.example', 'Corp']);
    const rows = wrapper.findAll('[data-test=account-row]');
    expect(rows[1]!.find('[data-test=remove-account]').exists()).toBe(false);
    expect(rows[1]!.get('[data-test=account-locked]').text()).toBe('Set by your administrator: it cannot be removed.');
    expect(rows[0]!.find('[data-test=remove-account]').exists()).toBe(true);
    // Nor can a script on the page remove it through the store.
    await useSettingsStore().removeAccount('corp', 'Corp');
    expect(client.save).not.toHaveBeenCalled();
    expect(names(wrapper)).toEqual(['home.example', 'Corp']);
    await rows[1]!.get('[data-test=account-choose]').trigger('click');
    expect(wrapper.get('#serverUrl').attributes('readonly')).toBeDefined();
    expect(wrapper.get('#label').attributes('readonly')).toBeDefined();
    expect(wrapper.get('[data-test=auth-cookie]').attributes('disabled')).toBeDefined();
    await wrapper.get('#label').setValue('Mine now');
    await wrapper.get('#token').setValue('corp-token');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(client.save.mock.calls.at(-1)![0][1]).toMatchObject({
      id: 'corp',
      label: 'Corp',
      serverUrl: 'https://corp.example/api',
      token: 'corp-token',
    });
  });

  it('with adding forbidden: no "Add account", for one account or several', async () => {
    const one = await mountWith(fakeClient(HOME, { allowAddingAccounts: false }));
    expect(one.wrapper.find('[data-test=add-account]').exists()).toBe(false);
    one.wrapper.unmount();
    const policy = { allowAddingAccounts: false, accounts: [{ id: 'p1' }, { id: 'p2' }] };
    const { wrapper } = await mountWith(fakeClient(HOME, policy));
    expect(wrapper.findAll('[data-test=account-row]')).toHaveLength(2);
    expect(wrapper.find('[data-test=add-account]').exists()).toBe(false);
    expect(wrapper.get('[data-test=adding-forbidden]').text()).toBe(
      'Your administrator does not allow adding accounts.',
    );
    expect(wrapper.find('[data-test=remove-account]').exists()).toBe(false);
  });
});

describe('other windows and languages', () => {
  it('keeps unsaved edits when another window saves, and follows it when there are none', async () => {
    const { wrapper, client } = await mountWith(fakeClient(HOME, {}, TWO));
    await wrapper.get('#label').setValue('Home');
    client.emitAccounts([TWO[1]!], pickPreferences(DEFAULT_SETTINGS));
    await flushPromises();
    expect(inputValue(wrapper, '#label')).toBe('Home');
    expect(names(wrapper)).toEqual(['Home', 'Work']);
    await wrapper.get('#label').setValue('');
    client.emitAccounts(TWO, pickPreferences(DEFAULT_SETTINGS));
    await flushPromises();
    client.emitAccounts([TWO[1]!, TWO[0]!], pickPreferences(DEFAULT_SETTINGS));
    await flushPromises();
    expect(names(wrapper)).toEqual(['Work', 'home.example']);
  });

  it('keeps what a new user is typing when preferences arrive from another browser', async () => {
    const { wrapper, client } = await mountWith(fakeClient());
    await wrapper.get('#serverUrl').setValue('https://typing.example');
    client.emitAccounts([], { ...pickPreferences(DEFAULT_SETTINGS), sound: false });
    await flushPromises();
    expect(inputValue(wrapper, '#serverUrl')).toBe('https://typing.example');
  });

  it('speaks Chinese', async () => {
    useLocale('zh_CN');
    const { wrapper } = await mountWith(fakeClient(HOME, {}, TWO));
    expect(wrapper.get('#accounts-heading').text()).toBe('账户');
    expect(wrapper.get('[data-test=add-account]').text()).toBe('添加账户');
    expect(wrapper.findAll('[data-test=move-up]')[1]!.attributes('aria-label')).toBe('上移 Work');
    expect(wrapper.get('[data-test=forget]').text()).toBe('退出并忘记所有账户');
  });
});
