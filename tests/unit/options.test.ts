import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '@/utils/settings/settings';
import { fakeClient, getSavedSettings, mountOptions } from '../helpers/options-fixture';

describe('options page', () => {
  it('rejects a non-URL, plain http on a non-local host and an empty token, next to each field, saving nothing', async () => {
    const { wrapper, client } = await mountOptions();
    await wrapper.get('#serverUrl').setValue('not a url');
    await wrapper.get('[data-test=save]').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-test=error-serverUrl]').text()).toBe('This is not a URL. Start it with https://');
    expect(wrapper.get('[data-test=error-token]').text()).toBe('Enter your access token.');
    expect(wrapper.get('[data-test=feedback]').text()).toBe('Nothing was saved: please fix the fields marked above.');
    await wrapper.get('#serverUrl').setValue('http://notify.example.com');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-test=error-serverUrl]').text()).toContain('only allowed for localhost');
    expect(wrapper.get('#serverUrl').attributes('aria-invalid')).toBe('true');
    expect(client.save).not.toHaveBeenCalled();
  });

  it('saves a loopback server without asking for permission, trimmed', async () => {
    const { wrapper, client } = await mountOptions();
    await wrapper.get('#serverUrl').setValue('  http://127.0.0.1:8787  ');
    await wrapper.get('#token').setValue(' secret-token ');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(client.requestPermissions).not.toHaveBeenCalled();
    expect(client.save).toHaveBeenCalledWith(
      [expect.objectContaining({ serverUrl: 'http://127.0.0.1:8787', token: 'secret-token', authMethod: 'token' })],
      expect.anything(),
    );
    expect(wrapper.get('[data-test=feedback]').text()).toBe('Saved. Beacon is reconnecting.');
  });

  it('asks for the host permission of another server, and explains a refusal', async () => {
    const client = fakeClient();
    client.requestPermissions.mockResolvedValueOnce(false);
    const { wrapper } = await mountOptions(client);
    await wrapper.get('#serverUrl').setValue('https://notify.example.com/api');
    await wrapper.get('#token').setValue('secret-token');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(client.requestPermissions).toHaveBeenCalledWith(['https://notify.example.com/*']);
    expect(client.save).not.toHaveBeenCalled();
    expect(wrapper.get('[data-test=feedback]').text()).toContain('not allowed to reach https://notify.example.com/*');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(client.save).toHaveBeenCalledTimes(1);
  });

  it('switches the sign-in fields with the method; username needs a username', async () => {
    const { wrapper, client } = await mountOptions();
    await wrapper.get('#serverUrl').setValue('http://localhost:8787');
    await wrapper.get('[data-test=auth-username]').setValue(true);
    expect(wrapper.find('#token').exists()).toBe(false);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-test=error-username]').text()).toBe('Enter your username.');
    await wrapper.get('#username').setValue('alice');
    await wrapper.get('[data-test=auth-cookie]').setValue(true);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(getSavedSettings(client)).toMatchObject({ authMethod: 'cookie' });
  });

  it('keeps notification switches, quiet hours, sound and role', async () => {
    const { wrapper, client } = await mountOptions();
    await wrapper.get('#serverUrl').setValue('http://localhost:8787');
    await wrapper.get('#token').setValue('tok-tok-tok');
    await wrapper.get('[data-test=notify-likes]').setValue(false);
    await wrapper.get('[data-test=quiet-enabled]').setValue(true);
    await wrapper.get('#quietFrom').setValue('23:30');
    await wrapper.get('#quietTo').setValue('06:15');
    await wrapper.get('[data-test=sound]').setValue(false);
    await wrapper.get('#role').setValue('admin');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    const saved = getSavedSettings(client, 0);
    expect(saved.notify).toMatchObject({ likes: false, comments: true });
    expect(saved.quietHours).toEqual({ enabled: true, from: '23:30', to: '06:15' });
    expect(saved.sound).toBe(false);
    expect(saved.role).toBe('admin');
  });

  it('shows locked policy fields read-only and saves the policy value', async () => {
    const client = fakeClient(
      { ...DEFAULT_SETTINGS, token: 'abc-token' },
      { serverUrl: 'https://corp.example.com/api', authMethod: 'token' },
    );
    const { wrapper } = await mountOptions(client);
    const server = wrapper.get('#serverUrl');
    expect((server.element as HTMLInputElement).value).toBe('https://corp.example.com/api');
    expect(server.attributes('readonly')).toBeDefined();
    expect(wrapper.text()).toContain('Set by your administrator.');
    expect(wrapper.get('[data-test=auth-cookie]').attributes('disabled')).toBeDefined();
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(getSavedSettings(client)).toMatchObject({ serverUrl: 'https://corp.example.com/api' });
  });

  it('reports each step of the connection test in plain words', async () => {
    const { wrapper } = await mountOptions();
    await wrapper.get('#serverUrl').setValue('http://localhost:8787');
    await wrapper.get('#token').setValue('wrong-token');
    await wrapper.get('[data-test=test]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-test=test-server]').text()).toBe('Server: OK — reached');
    expect(wrapper.get('[data-test=test-signIn]').text()).toContain('Sign-in: Failed — the server refused the sign-in');
  });

  it('follows changes saved in another window', async () => {
    const { wrapper, client } = await mountOptions();
    client.emit({ ...DEFAULT_SETTINGS, serverUrl: 'http://localhost:9999' });
    await flushPromises();
    expect((wrapper.get('#serverUrl').element as HTMLInputElement).value).toBe('http://localhost:9999');
  });

  it('follows preferences synced from another browser, says which settings sync, and keeps them on "forget"', async () => {
    const { wrapper, client } = await mountOptions(
      fakeClient({ ...DEFAULT_SETTINGS, serverUrl: 'http://localhost:1', token: 'tok' }),
    );
    const fieldset = wrapper.get('fieldset[aria-describedby=preferencesSyncNote]');
    expect(fieldset.get('#preferencesSyncNote').text()).toContain('other browsers');
    client.emit({
      ...DEFAULT_SETTINGS,
      serverUrl: 'http://localhost:1',
      token: 'tok',
      notify: { ...DEFAULT_SETTINGS.notify, likes: false },
    });
    await flushPromises();
    const likes = () => (wrapper.get('[data-test=notify-likes]').element as HTMLInputElement).checked;
    expect(likes()).toBe(false);
    await wrapper.get('[data-test=forget]').trigger('click');
    await flushPromises();
    expect((wrapper.get('#serverUrl').element as HTMLInputElement).value).toBe('');
    expect(likes()).toBe(false);
  });

  it('forgets the server and shows diagnostics', async () => {
    const { wrapper, client } = await mountOptions(
      fakeClient({ ...DEFAULT_SETTINGS, serverUrl: 'http://localhost:1', token: 'tok' }),
    );
    expect(wrapper.get('[data-test=diag-lastEventId]').text()).toBe('abc.7');
    expect(wrapper.get('[data-test=diag-ignored]').text()).toBe('2 / 0 / 0');
    expect(wrapper.get('[data-test=diag-unhandled]').text()).toBe('0');
    await wrapper.get('[data-test=forget]').trigger('click');
    await flushPromises();
    expect(client.forget).toHaveBeenCalled();
    expect((wrapper.get('#serverUrl').element as HTMLInputElement).value).toBe('');
    expect(wrapper.get('[data-test=feedback]').text()).toBe('Beacon has forgotten the server.');
  });

  it('labels every control', async () => {
    const { wrapper } = await mountOptions();
    for (const control of wrapper.findAll('input, select')) {
      const id = control.attributes('id');
      const labelled = id ? wrapper.find(`label[for="${id}"]`).exists() : control.element.closest('label') !== null;
      expect(labelled, `control ${control.html()}`).toBe(true);
    }
  });

  it('shows the popup shortcut and opens the browser’s shortcut settings; says so when there is none', async () => {
    const { wrapper, client } = await mountOptions();
    expect(wrapper.get('[data-test=shortcut]').text()).toBe('Alt+Shift+U');
    await wrapper.get('[data-test=change-shortcut]').trigger('click');
    expect(client.openShortcutSettings).toHaveBeenCalled();
    const removed = fakeClient();
    removed.getShortcut.mockResolvedValueOnce(null);
    const other = await mountOptions(removed);
    expect(other.wrapper.get('[data-test=shortcut]').text()).toBe('no shortcut set');
  });
});
