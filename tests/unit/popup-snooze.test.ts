import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountPopup, snapshotWith } from '../helpers/popup-fixture';

afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

describe('popup snooze', () => {
  it('offers three presets from a keyboard-reachable menu; choosing one says until when', async () => {
    // Only the clock is fixed: a loaded machine must not move "now" between the click and the assertion.
    vi.useFakeTimers({ now: new Date(2026, 10, 24, 12, 0), toFake: ['Date'] });
    const { wrapper, client } = await mountPopup(snapshotWith({}, { likes: 1 }));
    expect(wrapper.find('[data-test=snoozed]').exists()).toBe(false);
    const toggle = wrapper.get('[data-test=snooze-toggle]');
    expect(toggle.attributes('aria-label')).toBe('Snooze notifications');
    await toggle.trigger('click');
    expect(toggle.attributes('aria-expanded')).toBe('true');
    expect(document.activeElement?.getAttribute('data-test')).toBe('snooze-short');
    expect(wrapper.findAll('.snooze__option').map((option) => option.text())).toEqual([
      'For 1 hour',
      'Until tomorrow 08:00',
      'Until I turn them back on',
    ]);
    await wrapper.get('[data-test=snooze-tomorrow]').trigger('click');
    expect(client.setSnooze).toHaveBeenCalledWith({ until: new Date(2026, 10, 25, 8, 0).getTime() });
    expect(wrapper.find('#snooze-menu').exists()).toBe(false);
    expect(wrapper.get('[data-test=snoozed-text]').text()).toMatch(/^Snoozed until Wed,? 08:00( AM)?$/);
    expect(wrapper.get('[data-test=snooze-toggle]').classes()).toContain('icon-button--on');
    // The badge keeps counting while snoozed.
    expect(wrapper.get('li[data-category=likes] [data-test=count]').text()).toBe('1');
  });

  it('shows a stored snooze on the first frame; Turn back on ends it; Escape closes the menu', async () => {
    const { wrapper, client } = await mountPopup(snapshotWith(), undefined, { snooze: { until: null } });
    expect(wrapper.get('[data-test=snoozed-text]').text()).toBe('Snoozed until you turn notifications back on');
    await wrapper.get('[data-test=resume]').trigger('click');
    expect(client.setSnooze).toHaveBeenCalledWith(null);
    await flushPromises();
    expect(wrapper.find('[data-test=snoozed]').exists()).toBe(false);
    await wrapper.get('[data-test=snooze-toggle]').trigger('click');
    await wrapper.get('#snooze-menu').trigger('keydown', { key: 'Escape' });
    expect(wrapper.find('#snooze-menu').exists()).toBe(false);
  });

  it('a snooze that could not be saved is not shown, and the failure is', async () => {
    const { wrapper, client } = await mountPopup(snapshotWith());
    vi.mocked(client.setSnooze).mockRejectedValueOnce(new Error('quota exceeded'));
    await wrapper.get('[data-test=snooze-toggle]').trigger('click');
    await wrapper.get('[data-test=snooze-short]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-test=snoozed]').exists()).toBe(false);
    expect(wrapper.get('[data-test=action-error]').text()).toBe('That did not work: quota exceeded');
  });

  it('names and starts the presets the user chose (synced preferences), and follows a change while open', async () => {
    // Only the clock is fixed: a loaded machine must not move "now" between the click and the assertion.
    vi.useFakeTimers({ now: new Date(2026, 10, 24, 12, 0), toFake: ['Date'] });
    const { wrapper, client } = await mountPopup(snapshotWith(), undefined, {
      snoozePresets: { minutes: 120, tomorrowAt: '07:30' },
    });
    await wrapper.get('[data-test=snooze-toggle]').trigger('click');
    const labels = () => wrapper.findAll('.snooze__option').map((option) => option.text());
    expect(labels()).toEqual(['For 2 hours', 'Until tomorrow 07:30', 'Until I turn them back on']);
    await wrapper.get('[data-test=snooze-short]').trigger('click');
    expect(client.setSnooze).toHaveBeenLastCalledWith({ until: new Date(2026, 10, 24, 14, 0).getTime() });

    // Changed in the options page or in another browser: the open menu follows.
    client.pushSnoozePresets({ minutes: 30, tomorrowAt: '09:15' });
    await wrapper.get('[data-test=resume]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-test=snooze-toggle]').trigger('click');
    expect(labels()).toEqual(['For 30 minutes', 'Until tomorrow 09:15', 'Until I turn them back on']);
    await wrapper.get('[data-test=snooze-tomorrow]').trigger('click');
    expect(client.setSnooze).toHaveBeenLastCalledWith({ until: new Date(2026, 10, 25, 9, 15).getTime() });
  });
});
