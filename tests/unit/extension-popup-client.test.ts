/** The popup's browser edge: "Open app" and "Open" go to the background, and the snooze presets, with fakeBrowser. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createPopupClient } from '@/utils/messaging/extension-popup-client';
import { sendMessage } from '@/utils/messaging/messaging';

vi.mock('@/utils/messaging/messaging', () => ({ sendMessage: vi.fn(async () => {}), onMessage: vi.fn() }));

beforeEach(() => {
  fakeBrowser.reset();
  vi.spyOn(window, 'close').mockImplementation(() => {});
});

describe('popup client', () => {
  it('asks the background to open a page (it picks the URL) and opens no tab itself', async () => {
    const create = vi.spyOn(fakeBrowser.tabs, 'create');
    const target = { kind: 'url', url: 'https://evil.example/phish', category: 'comments' } as const;
    await createPopupClient().open('work', target);
    expect(sendMessage).toHaveBeenCalledWith('openPage', { account: 'work', ...target });
    expect(create).not.toHaveBeenCalled();
    expect(window.close).toHaveBeenCalled();
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
