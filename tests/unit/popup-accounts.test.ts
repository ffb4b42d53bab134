/**
 * The popup with several accounts (issue #25): one section per account, collapsed to a line (name, state, total) with
 * a disclosure button; each section's actions act on its own account; the first frame paints them before Vue.
 */
import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getBadgeText } from '@/utils/badge/badge';
import { paintAccountLines } from '@/utils/popup/popup-shell';
import { accountsWith, mountPopup, snapshotWith, type Mounted } from '../helpers/popup-fixture';

beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

const signedOut = {
  status: 'signed-out' as const,
  retryAt: null,
  reason: { code: 'http' as const, status: 401, detail: 'expired' },
};
type AccountChange = Parameters<typeof accountsWith>[number];
const threeAccountsList = (): AccountChange[] => [
  [{ id: 'work', label: 'Work', serverUrl: 'https://a.test', accountKey: 'https://a.test|token|' }, { likes: 2 }],
  [
    { id: 'home', label: '', serverUrl: 'https://b.test:8443', accountKey: 'https://b.test:8443|token|' },
    { comments: 5 },
  ],
  [
    {
      id: 'lab',
      label: 'Lab',
      serverUrl: 'https://c.test',
      accountKey: 'https://c.test|token|',
      connection: signedOut,
    },
  ],
];
const threeAccounts = () => accountsWith(...threeAccountsList());

const headers = ({ wrapper }: Mounted) => wrapper.findAll('[data-test=account-toggle]');
const section = ({ wrapper }: Mounted, id: string) => wrapper.get(`[data-account="${id}"]`);

describe('popup with several accounts', () => {
  it('one account looks as it always did: no account header, its rows open', async () => {
    const popup = await mountPopup(snapshotWith({}, { likes: 2 }));
    expect(headers(popup)).toHaveLength(0);
    expect(popup.wrapper.findAll('li[data-category]').length).toBeGreaterThan(0);
    expect(popup.wrapper.get('li[data-category=likes] .row__open').attributes('aria-controls')).toBe('inbox-likes');
  });

  it('shows one line per account, in order: name (label, else host), state and total, collapsed', async () => {
    const popup = await mountPopup(threeAccounts());
    expect(
      headers(popup).map((header) => [
        header.get('[data-test=account-name]').text(),
        header.get('[data-test=account-state]').text(),
        header.get('[data-test=account-total]').text(),
        header.attributes('aria-expanded'),
      ]),
    ).toEqual([
      ['Work', 'Live', '2', 'false'],
      ['b.test:8443', 'Live', '5', 'false'],
      ['Lab', 'Signed out', '0', 'false'],
    ]);
    expect(popup.wrapper.find('li[data-category]').exists()).toBe(false);
    expect(popup.wrapper.get('[data-test=total]').text()).toContain('7');
  });

  it('a header opens and closes its section; what is opened acts on that account only', async () => {
    const popup = await mountPopup(threeAccounts());
    const home = section(popup, 'home');
    await home.get('[data-test=account-toggle]').trigger('click');
    expect(home.get('[data-test=account-toggle]').attributes('aria-expanded')).toBe('true');
    const body = home.get('[data-test=account-toggle]').attributes('aria-controls')!;
    expect(popup.wrapper.find(`#${body}`).exists()).toBe(true);
    expect(section(popup, 'work').find('li[data-category]').exists()).toBe(false);

    await home.get('[data-test=mark-all]').trigger('click');
    expect(popup.client.markRead).toHaveBeenCalledWith('home', 'all');
    await home.get('li[data-category=comments] [data-test=toggle]').trigger('click');
    await flushPromises();
    expect(popup.client.getItems).toHaveBeenCalledWith('home', 'comments', 1);
    // Ids stay unique with several accounts: each list is its account's.
    expect(home.get('li[data-category=comments] .row__open').attributes('aria-controls')).toBe('inbox-home-comments');
    await home.get('[data-test=open-app]').trigger('click');
    expect(popup.client.open).toHaveBeenCalledWith('home', { kind: 'category', category: null });

    await section(popup, 'lab').get('[data-test=account-toggle]').trigger('click');
    await section(popup, 'lab').get('.connection__retry').trigger('click');
    expect(popup.client.reconnect).toHaveBeenCalledWith('lab');

    await home.get('[data-test=account-toggle]').trigger('click');
    expect(home.find('li[data-category]').exists()).toBe(false);
  });

  it('a failed action is shown in its account’s section', async () => {
    const popup = await mountPopup(threeAccounts());
    vi.mocked(popup.client.markRead).mockRejectedValueOnce(new Error('HTTP 500: boom'));
    await section(popup, 'work').get('[data-test=account-toggle]').trigger('click');
    await section(popup, 'home').get('[data-test=account-toggle]').trigger('click');
    await section(popup, 'work').get('[data-test=mark-all]').trigger('click');
    await flushPromises();
    expect(section(popup, 'work').get('[data-test=action-error]').text()).toContain('HTTP 500: boom');
    expect(section(popup, 'home').find('[data-test=action-error]').exists()).toBe(false);
  });

  it('ArrowDown and ArrowUp move between the section headers; Tab reaches each (they are buttons)', async () => {
    const popup = await mountPopup(threeAccounts());
    const [first, second, third] = headers(popup);
    for (const header of [first, second, third]) expect(header!.element.tagName).toBe('BUTTON');
    (first!.element as HTMLElement).focus();
    await first!.trigger('keydown', { key: 'ArrowDown' });
    expect(document.activeElement).toBe(second!.element);
    await second!.trigger('keydown', { key: 'ArrowDown' });
    expect(document.activeElement).toBe(third!.element);
    await third!.trigger('keydown', { key: 'ArrowDown' });
    expect(document.activeElement).toBe(third!.element);
    await third!.trigger('keydown', { key: 'ArrowUp' });
    expect(document.activeElement).toBe(second!.element);
  });

  it('a count that rose highlights the row of that account only', async () => {
    const popup = await mountPopup(threeAccounts());
    await section(popup, 'work').get('[data-test=account-toggle]').trigger('click');
    await section(popup, 'home').get('[data-test=account-toggle]').trigger('click');
    const next = threeAccounts();
    next.accounts[1]!.counts.likes = 1;
    popup.client.push(next);
    await flushPromises();
    expect(section(popup, 'home').get('li[data-category=likes]').classes()).toContain('row--risen');
    expect(section(popup, 'work').get('li[data-category=likes]').classes()).not.toContain('row--risen');
  });

  it('the live region says each account’s state change by its name, once, and several changes in one update', async () => {
    const popup = await mountPopup(threeAccounts());
    const announcer = () => popup.wrapper.get('[data-test=announcer]').text();
    expect(announcer()).toBe(''); // what the popup shows on opening is not news

    const homeStopped = threeAccounts();
    homeStopped.accounts[1]!.connection = { status: 'stopped', retryAt: null, reason: null };
    popup.client.push(homeStopped);
    await flushPromises();
    expect(announcer()).toBe('b.test:8443: Stopped');

    // Another account's counts move: nothing new to say, and home's change is not said again.
    const countsOnly = threeAccounts();
    countsOnly.accounts[1]!.connection = homeStopped.accounts[1]!.connection;
    countsOnly.accounts[0]!.counts.likes = 9;
    popup.client.push(countsOnly);
    await flushPromises();
    expect(announcer()).toBe('b.test:8443: Stopped');

    // Two accounts change in one update: both said, in the user's order; the one that did not change is not.
    const twoChanges = threeAccounts();
    twoChanges.accounts[0]!.connection = { status: 'reconnecting', retryAt: Date.now() + 5000, reason: null };
    twoChanges.accounts[1]!.connection = homeStopped.accounts[1]!.connection;
    twoChanges.accounts[2]!.connection = { status: 'live', retryAt: null, reason: null };
    popup.client.push(twoChanges);
    await flushPromises();
    expect(announcer()).toBe('Work: Reconnecting; Lab: Live');
  });

  it('an account added while the popup is open is not news; one removed leaves the others’ changes named', async () => {
    const popup = await mountPopup(accountsWith(...threeAccountsList().slice(0, 2)));
    const announcer = () => popup.wrapper.get('[data-test=announcer]').text();
    popup.client.push(threeAccounts());
    await flushPromises();
    expect(announcer()).toBe('');
    const withoutHome = accountsWith(threeAccountsList()[0]!, threeAccountsList()[2]!);
    withoutHome.accounts[1]!.connection = { status: 'live', retryAt: null, reason: null };
    popup.client.push(withoutHome);
    await flushPromises();
    expect(announcer()).toBe('Lab: Live');
  });

  it('the first frame paints one line per account (name and total) before Vue, from text only', () => {
    const container = document.createElement('div');
    paintAccountLines(
      container,
      threeAccounts().accounts.map((account) => ({
        ...account,
        label: account.id === 'lab' ? '<b>x</b>' : account.label,
      })),
    );
    expect([...container.querySelectorAll('li')].map((item) => item.textContent)).toEqual([
      'Work: 2',
      'b.test:8443: 5',
      '<b>x</b>: 0',
    ]);
    expect(container.querySelector('b')).toBeNull();
  });
});

// Found by the two-server e2e (tests/e2e/accounts-scenario.ts): the badge said "4!" while the popup said "6 unread".
describe('popup total with several accounts: the badge\'s number (docs/architecture.md, "Badge")', () => {
  it('leaves out a signed-out account’s last counts, as the badge does', async () => {
    const snapshot = accountsWith(
      [{ id: 'work', label: 'Work', accountKey: 'https://a.test|token|' }, { likes: 4 }],
      [{ id: 'lab', label: 'Lab', accountKey: 'https://c.test|token|', connection: signedOut }, { likes: 2 }],
    );
    const popup = await mountPopup(snapshot);
    expect(getBadgeText(snapshot)).toBe('4!');
    expect(popup.wrapper.get('[data-test=total]').text()).toBe('4 unread');
  });

  it('one account signed out keeps its last total, as it always did', async () => {
    const popup = await mountPopup(snapshotWith({ connection: signedOut }, { likes: 2 }));
    expect(popup.wrapper.get('[data-test=total]').text()).toBe('2 unread');
  });
});
