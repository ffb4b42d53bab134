/** The popup's browser edge: where "Open app" and "Open" lead, and the snooze presets, with fakeBrowser. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createPopupClient } from '@/utils/messaging/extension-popup-client';

beforeEach(() => {
  fakeBrowser.reset();
  vi.spyOn(window, 'close').mockImplementation(() => {});
});

describe('popup client', () => {
  it("opens the administrator's app URL, not the user's, like a notification click does", async () => {
    await fakeBrowser.storage.local.set({
      settings: { serverUrl: 'https://notify.test', token: 'tok-tok-tok', appUrl: 'https://mine.test/{category}' },
    });
    await fakeBrowser.storage.managed.set({ appUrl: 'https://corp.test/inbox/{category}' });
    const create = vi.spyOn(fakeBrowser.tabs, 'create');
    await createPopupClient().openApp('likes');
    expect(create).toHaveBeenCalledWith({ url: 'https://corp.test/inbox/likes' });
    expect(window.close).toHaveBeenCalled();
  });

  it("falls back to the server's origin when no app URL is set", async () => {
    await fakeBrowser.storage.local.set({ settings: { serverUrl: 'https://notify.test/api', token: 'tok-tok-tok' } });
    const create = vi.spyOn(fakeBrowser.tabs, 'create');
    await createPopupClient().openApp(null);
    expect(create).toHaveBeenCalledWith({ url: 'https://notify.test/' });
  });

  it('tells the popup when the snooze presets change in storage.sync (another browser, the options page)', async () => {
    const seen: unknown[] = [];
    const stop = createPopupClient().onSnoozePresetsChanged((presets) => seen.push(presets));
    await fakeBrowser.storage.sync.set({ preferences: { snoozePresets: { minutes: 240, tomorrowAt: '06:00' } } });
    await vi.waitFor(() => expect(seen).toEqual([{ minutes: 240, tomorrowAt: '06:00' }]));
    stop();
    await fakeBrowser.storage.sync.set({ preferences: { snoozePresets: { minutes: 30, tomorrowAt: '06:00' } } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toHaveLength(1);
  });
});
