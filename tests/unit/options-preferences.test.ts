/** The options page's preferences (they follow the user through storage.sync): what a save says, and does. */
import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '@/utils/settings/settings';
import { fakeClient, mountOptions } from '../helpers/options-fixture';

const SIGNED_IN = { ...DEFAULT_SETTINGS, serverUrl: 'http://localhost:8787', token: 'tok-tok-tok' };

describe('options page preferences', () => {
  it('says a preferences-only save keeps the connection, and a server change reconnects', async () => {
    const { wrapper, client } = await mountOptions(fakeClient(structuredClone(SIGNED_IN)));
    const feedback = () => wrapper.get('[data-test=feedback]').text();
    await wrapper.get('[data-test=notify-likes]').setValue(false);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(client.save).toHaveBeenLastCalledWith(
      expect.objectContaining({ notify: expect.objectContaining({ likes: false }) }),
    );
    expect(feedback()).toBe('Saved. Your notification choices apply at once; the connection stays open.');

    await wrapper.get('#token').setValue('another-token');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(feedback()).toBe('Saved. Beacon is reconnecting.');
    // Compared with what was saved last, not with what was loaded.
    await wrapper.get('[data-test=sound]').setValue(false);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(feedback()).toMatch(/connection stays open/);
  });

  it('says when storage.sync refused the preferences: saved here, synced later', async () => {
    const client = fakeClient(structuredClone(SIGNED_IN));
    client.save.mockResolvedValue({ preferencesSynced: false });
    const { wrapper } = await mountOptions(client);
    await wrapper.get('[data-test=quiet-enabled]').setValue(true);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    const feedback = wrapper.get('[data-test=feedback]');
    expect(feedback.text()).toBe(
      'Saved in this browser. Your notification choices could not be synced to your other browsers right now; Beacon will try again.',
    );
    expect(feedback.attributes('role')).toBe('status');
  });
});
