/** The options page's preferences (they follow the user through storage.sync): what a save says, and does. */
import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '@/utils/settings/settings';
import { fakeClient, mountOptions } from '../helpers/options-fixture';
import { useLocale } from '../setup';

const SIGNED_IN = { ...DEFAULT_SETTINGS, serverUrl: 'http://localhost:8787', token: 'tok-tok-tok' };

describe('options page preferences', () => {
  it('says a preferences-only save applies at once (no reconnect), and a sign-in change reconnects', async () => {
    const { wrapper, client } = await mountOptions(fakeClient(structuredClone(SIGNED_IN)));
    const feedback = () => wrapper.get('[data-test=feedback]').text();
    await wrapper.get('[data-test=notify-likes]').setValue(false);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(client.save).toHaveBeenLastCalledWith(
      expect.any(Array),
      expect.objectContaining({ notify: expect.objectContaining({ likes: false }) }),
    );
    expect(feedback()).toBe('Saved. Your notification choices apply at once.');

    await wrapper.get('#token').setValue('another-token');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(feedback()).toBe('Saved. Beacon is reconnecting.');
    // Compared with what was saved last, not with what was loaded.
    await wrapper.get('[data-test=sound]').setValue(false);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(feedback()).toBe('Saved. Your notification choices apply at once.');
  });

  it('says "reconnecting" for a new sign-in even when the storage change event comes before the save resolves', async () => {
    // Seen in Firefox under load: storage.onChanged reached the page first, and the save compared the new settings
    // with themselves.
    const client = fakeClient(structuredClone(DEFAULT_SETTINGS));
    client.save.mockImplementation(async (accounts, preferences) => {
      client.emitAccounts(structuredClone(accounts), structuredClone(preferences));
      return { preferencesSynced: true };
    });
    const { wrapper } = await mountOptions(client);
    await wrapper.get('#serverUrl').setValue('http://localhost:8787');
    await wrapper.get('#token').setValue('tok-tok-tok');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-test=feedback]').text()).toBe('Saved. Beacon is reconnecting.');
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

  it('offers the snooze presets with labelled controls in the notifications fieldset, and saves them', async () => {
    const { wrapper, client } = await mountOptions(fakeClient(structuredClone(SIGNED_IN)));
    const fieldset = wrapper.get('fieldset[aria-describedby=preferencesSyncNote]');
    const select = fieldset.get('select#snoozeMinutes');
    const time = fieldset.get('input#snoozeTomorrowAt');
    expect(fieldset.get('label[for=snoozeMinutes]').text()).toBe('Short snooze');
    expect(fieldset.get('label[for=snoozeTomorrowAt]').text()).toBe('“Until tomorrow” ends at');
    expect(select.attributes('aria-describedby')).toContain('snoozeMinutes-help');
    expect(fieldset.get('#snoozeMinutes-help').text()).toBe("What the popup's snooze menu offers.");
    expect(select.findAll('option').map((option) => option.text())).toEqual([
      '30 minutes',
      '1 hour',
      '2 hours',
      '4 hours',
    ]);
    expect((select.element as HTMLSelectElement).value).toBe('60');
    expect((time.element as HTMLInputElement).value).toBe('08:00');
    expect(time.attributes('type')).toBe('time');

    await select.setValue('240');
    await time.setValue('06:45');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    // A number, as the synced value must be (a string would be read back as the default).
    expect(client.save).toHaveBeenLastCalledWith(
      expect.any(Array),
      expect.objectContaining({ snoozePresets: { minutes: 240, tomorrowAt: '06:45' } }),
    );
  });

  it('refuses a malformed "until tomorrow" time next to the field, saving nothing', async () => {
    const { wrapper, client } = await mountOptions(fakeClient(structuredClone(SIGNED_IN)));
    await wrapper.get('#snoozeTomorrowAt').setValue('25:00');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-test=error-snoozeTomorrowAt]').text()).toBe('Use a time such as 22:00.');
    expect(wrapper.get('#snoozeTomorrowAt').attributes('aria-invalid')).toBe('true');
    expect(client.save).not.toHaveBeenCalled();
  });

  it('shows snooze presets synced from another browser, and "forget" keeps the stored ones, not unsaved edits', async () => {
    const { wrapper, client } = await mountOptions(fakeClient(structuredClone(SIGNED_IN)));
    client.emit({ ...SIGNED_IN, snoozePresets: { minutes: 30, tomorrowAt: '09:30' } });
    await flushPromises();
    const minutes = () => (wrapper.get('#snoozeMinutes').element as HTMLSelectElement).value;
    const tomorrowAt = () => (wrapper.get('#snoozeTomorrowAt').element as HTMLInputElement).value;
    expect([minutes(), tomorrowAt()]).toEqual(['30', '09:30']);
    await wrapper.get('#snoozeMinutes').setValue('120');
    await wrapper.get('[data-test=forget]').trigger('click');
    await flushPromises();
    expect((wrapper.get('#serverUrl').element as HTMLInputElement).value).toBe('');
    expect([minutes(), tomorrowAt()]).toEqual(['30', '09:30']);
  });

  it('labels the snooze controls in Chinese', async () => {
    useLocale('zh_CN');
    const { wrapper } = await mountOptions(fakeClient(structuredClone(SIGNED_IN)));
    expect(wrapper.get('label[for=snoozeMinutes]').text()).toBe('短暂停时长');
    expect(wrapper.get('label[for=snoozeTomorrowAt]').text()).toBe('“直到明天”的结束时间');
    expect(wrapper.findAll('#snoozeMinutes option').map((option) => option.text())).toEqual([
      '30 分钟',
      '1 小时',
      '2 小时',
      '4 小时',
    ]);
  });
});
