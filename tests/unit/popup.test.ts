import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getEmptySnapshot } from '@/utils/snapshot/snapshot';
import { HIGHLIGHT_MS } from '@/utils/stores/popup-store';
import { mountPopup, snapshotWith, type Mounted } from '../helpers/popup-fixture';
import { useLocale } from '../setup';

const rowCounts = (wrapper: Mounted['wrapper']) =>
  Object.fromEntries(
    wrapper
      .findAll('li[data-category]')
      .map((row) => [row.attributes('data-category'), row.find('[data-test=count]').text()]),
  );

beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

describe('popup', () => {
  it('live: per-category counts, total, the latest notices as plain text', async () => {
    const notice = {
      id: 'n1',
      title: 'Maintenance <b>tonight</b>',
      content: '<img src=x onerror=alert(1)>',
      url: 'https://app.test/n1',
      createdAt: new Date(Date.now() - 120_000).toISOString(),
    };
    const { wrapper, client } = await mountPopup(
      snapshotWith({ latest: { system: notice, manager: null } }, { likes: 2, comments: 150, system: 1 }),
    );
    expect(rowCounts(wrapper)).toEqual({ likes: '2', stars: '0', comments: '99+', system: '1', manager: '0' });
    expect(wrapper.get('[data-test=total]').text()).toBe('99+ unread');
    expect(wrapper.get('[data-test=connection-label]').text()).toBe('Live');
    const card = wrapper.get('[data-test=latest-system]');
    expect(card.text()).toContain('Maintenance <b>tonight</b>');
    expect(card.find('img').exists()).toBe(false);
    expect(card.text()).toContain('2 minutes ago');
    await card.get('button').trigger('click');
    // The background decides where it leads (the one URL rule): the popup names the notice's URL and category.
    expect(client.open).toHaveBeenCalledWith('main', { kind: 'url', url: 'https://app.test/n1', category: 'system' });
    expect(wrapper.get('[data-test=latest-manager]').text()).toContain('Nothing yet.');
  });

  it('live: says when the last notification arrived as well as when counts were last synced', async () => {
    const { wrapper } = await mountPopup(
      snapshotWith({ lastSyncedAt: Date.now() - 28_000, lastEventAt: Date.now() - 3_000 }),
    );
    expect(wrapper.get('.connection').text()).toContain('Synced 28 seconds ago');
    expect(wrapper.get('[data-test=last-event]').text()).toBe('Last notification 3 seconds ago');
    const { wrapper: before } = await mountPopup(snapshotWith({ lastEventAt: null }));
    expect(before.find('[data-test=last-event]').exists()).toBe(false);
  });

  it('shows report emails only for roles other than user', async () => {
    const user = await mountPopup(snapshotWith({ role: 'user' }, { report_email: 3 }));
    expect(Object.keys(rowCounts(user.wrapper))).not.toContain('report_email');
    const admin = await mountPopup(snapshotWith({ role: 'admin' }, { report_email: 3 }));
    expect(rowCounts(admin.wrapper).report_email).toBe('3');
  });

  it('reconnecting: says when, and Retry now asks the background', async () => {
    const { wrapper, client } = await mountPopup(
      snapshotWith(
        { connection: { status: 'reconnecting', retryAt: Date.now() + 7000, reason: { code: 'closed' } } },
        { likes: 1 },
      ),
    );
    expect(wrapper.get('[data-test=connection-label]').text()).toBe('Reconnecting in 7 s');
    expect(wrapper.get('[data-test=connection-reason]').text()).toBe('the server closed the stream');
    expect(rowCounts(wrapper).likes).toBe('1'); // the last known count stays
    await wrapper.get('.connection__retry').trigger('click');
    expect(client.reconnect).toHaveBeenCalled();
  });

  it("says why it is not live in the browser's language, with the server's own words quoted", async () => {
    useLocale('zh_CN');
    const { wrapper } = await mountPopup(
      snapshotWith({
        connection: {
          status: 'error',
          retryAt: Date.now() + 5000,
          reason: { code: 'http', status: 503, detail: 'maintenance' },
        },
      }),
    );
    expect(wrapper.get('[data-test=connection-label]').text()).toBe('服务器错误');
    expect(wrapper.get('[data-test=connection-reason]').text()).toBe('HTTP 503：maintenance');
    wrapper.unmount();

    const stalled = await mountPopup(
      snapshotWith({
        connection: { status: 'reconnecting', retryAt: Date.now() + 3000, reason: { code: 'stalled', seconds: 45 } },
      }),
    );
    expect(stalled.wrapper.get('[data-test=connection-reason]').text()).toBe('服务器 45 秒内没有发送数据');
  });

  it('signed out: a call to action that opens the settings', async () => {
    const { wrapper, client } = await mountPopup(
      snapshotWith({
        connection: {
          status: 'signed-out',
          retryAt: null,
          reason: { code: 'http', status: 401, detail: 'token expired', path: '/notification/me' },
        },
      }),
    );
    expect(wrapper.get('[data-test=connection-label]').text()).toBe('Signed out');
    const callout = wrapper.get('[data-test=signed-out]');
    await callout.get('button').trigger('click');
    expect(client.openSettings).toHaveBeenCalled();
  });

  it('unconfigured: leads to the options page and shows no counts', async () => {
    const { wrapper, client } = await mountPopup({ ...getEmptySnapshot() });
    expect(wrapper.find('li[data-category]').exists()).toBe(false);
    await wrapper.get('[data-test=unconfigured] button').trigger('click');
    expect(client.openSettings).toHaveBeenCalled();
  });

  it('empty state when everything is read; mark all read disabled', async () => {
    const { wrapper } = await mountPopup(snapshotWith());
    expect(wrapper.get('[data-test=empty]').text()).toBe("You're all caught up.");
    expect(wrapper.get('[data-test=mark-all]').attributes('disabled')).toBeDefined();
  });

  it('first-ever open: a skeleton until the background answers, no skeleton when a snapshot exists', async () => {
    const first = await mountPopup(
      snapshotWith({ countsKnown: false, connection: { status: 'connecting', retryAt: null, reason: null } }),
      null,
    );
    expect(first.wrapper.find('[data-test=skeleton]').exists()).toBe(true);
    const again = await mountPopup(snapshotWith({}, { likes: 1 }));
    expect(again.wrapper.find('[data-test=skeleton]').exists()).toBe(false);
  });

  it('mark all read and per-category mark read go to the background; failures are shown', async () => {
    const { wrapper, client } = await mountPopup(snapshotWith({}, { likes: 2, stars: 1 }));
    await wrapper.get('[data-test=mark-all]').trigger('click');
    expect(client.markRead).toHaveBeenCalledWith('main', 'all');
    await wrapper.get('li[data-category=stars] .row__read').trigger('click');
    expect(client.markRead).toHaveBeenCalledWith('main', 'stars');
    vi.mocked(client.markRead).mockRejectedValueOnce(new Error('HTTP 500: boom'));
    await wrapper.get('[data-test=mark-all]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-test=action-error]').text()).toBe('That did not work: HTTP 500: boom');
  });

  it('follows pushed snapshots and highlights rows whose count rose, for 3 seconds', async () => {
    const { wrapper, client } = await mountPopup(snapshotWith({}, { likes: 1 }));
    client.push(snapshotWith({}, { likes: 2, stars: 0 }));
    await flushPromises();
    expect(rowCounts(wrapper).likes).toBe('2');
    expect(wrapper.get('li[data-category=likes]').classes()).toContain('row--risen');
    expect(wrapper.get('li[data-category=stars]').classes()).not.toContain('row--risen');
    vi.advanceTimersByTime(HIGHLIGHT_MS + 10);
    await flushPromises();
    expect(wrapper.get('li[data-category=likes]').classes()).not.toContain('row--risen');
  });

  it('uses real buttons with accessible names', async () => {
    const { wrapper } = await mountPopup(snapshotWith({}, { likes: 2 }));
    const open = wrapper.get('li[data-category=likes] .row__open');
    expect(open.element.tagName).toBe('BUTTON');
    expect(open.attributes('aria-label')).toBe('Likes, 2 unread');
    expect(open.attributes('aria-expanded')).toBe('false');
    expect(open.attributes('aria-controls')).toBe('inbox-likes');
    expect(wrapper.get('li[data-category=likes] .row__read').attributes('aria-label')).toBe('Mark Likes read');
  });
});
