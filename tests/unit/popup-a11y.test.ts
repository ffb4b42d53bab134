/** What a screen reader is told in the popup: names that read well aloud, and one polite live region. */
import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mountPopup, snapshotWith, type Mounted } from '../helpers/popup-fixture';
import { useLocale } from '../setup';

const comment = {
  id: 'n-1',
  title: 'Bob commented',
  content: 'Nice',
  url: 'https://app.test/c/1',
  createdAt: new Date().toISOString(),
  read: false,
};

const announcer = (wrapper: Mounted['wrapper']) => wrapper.get('[data-test=announcer]');

beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

describe('popup accessibility', () => {
  it('names read aloud: "Likes, 2 unread" starting with the words on screen; "Mark read: <title>"', async () => {
    const { wrapper } = await mountPopup(snapshotWith({}, { likes: 2, comments: 150 }), undefined, {
      setup: (client) =>
        vi.mocked(client.getItems).mockResolvedValueOnce({
          items: [comment],
          page: 1,
          hasMore: false,
        }),
    });
    const likes = wrapper.get('li[data-category=likes] [data-test=toggle]');
    expect(likes.attributes('aria-label')).toBe('Likes, 2 unread');
    // WCAG 2.5.3: what a voice-control user reads on screen ("Likes 2") is where the name begins.
    expect(likes.text().replace(/\s+/g, ' ')).toBe('Likes 2');
    expect(wrapper.get('li[data-category=comments] [data-test=toggle]').attributes('aria-label')).toBe(
      'Comments, 99+ unread',
    );
    await wrapper.get('li[data-category=comments] [data-test=toggle]').trigger('click');
    await flushPromises();
    const markRead = wrapper.get('[data-test=item-mark-read]');
    expect(markRead.text()).toBe('Mark read');
    expect(markRead.attributes('aria-label')).toBe('Mark read: Bob commented');
  });

  it('zh_CN names', async () => {
    useLocale('zh_CN');
    const { wrapper } = await mountPopup(snapshotWith({}, { likes: 3 }));
    expect(wrapper.get('li[data-category=likes] [data-test=toggle]').attributes('aria-label')).toBe('点赞 3 条未读');
  });

  it('one polite live region says the state changes: reconnecting, live, marked read, snoozed, back on', async () => {
    const { wrapper, client } = await mountPopup(snapshotWith({}, { likes: 2 }));
    expect(wrapper.findAll('[aria-live], [role=status]').map((element) => element.attributes('data-test'))).toEqual([
      'announcer',
    ]);
    expect(announcer(wrapper).attributes('aria-live')).toBe('polite');
    expect(announcer(wrapper).text()).toBe(''); // what the popup shows on opening is not news

    client.push(
      snapshotWith({ connection: { status: 'reconnecting', retryAt: Date.now() + 5000, reason: null } }, { likes: 2 }),
    );
    await flushPromises();
    expect(announcer(wrapper).text()).toBe('Reconnecting');
    vi.advanceTimersByTime(2000); // the countdown ticks on screen, not in the live region
    await flushPromises();
    expect(announcer(wrapper).text()).toBe('Reconnecting');
    client.push(snapshotWith({}, { likes: 2 }));
    await flushPromises();
    expect(announcer(wrapper).text()).toBe('Live');

    await wrapper.get('[data-test=mark-all]').trigger('click');
    await flushPromises();
    expect(client.markRead).toHaveBeenCalled();
    expect(announcer(wrapper).text()).toBe('Marked read');

    await wrapper.get('[data-test=snooze-toggle]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-test=snooze-short]').trigger('click');
    await flushPromises();
    expect(announcer(wrapper).text()).toMatch(/^Snoozed /);
    expect(announcer(wrapper).text()).toBe(wrapper.get('[data-test=snoozed-text]').text());
    await wrapper.get('[data-test=resume]').trigger('click');
    await flushPromises();
    expect(announcer(wrapper).text()).toBe('Notifications are on again');
  });

  it('a failed mark read is an alert, not "Marked read"', async () => {
    const { wrapper, client } = await mountPopup(snapshotWith({}, { likes: 2 }));
    vi.mocked(client.markRead).mockRejectedValueOnce(new Error('HTTP 503'));
    await wrapper.get('[data-test=mark-all]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-test=action-error]').attributes('role')).toBe('alert');
    expect(announcer(wrapper).text()).toBe('');
  });
});
