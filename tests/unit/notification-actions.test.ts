/** Notification clicks and buttons: where they lead (only trusted origins) and what "Mark read" does on failure. */
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { t } from '@/utils/labels/i18n';
import { realClock } from '@/utils/lib/clock';
import { createNotificationActions } from '@/utils/notifications/notification-actions';
import { OsNotifier, type ButtonAction, type ClickTarget } from '@/utils/notifications/os-notifier';
import { getOpenUrl, type OpenTarget } from '@/utils/settings/app-url';
import { DEFAULT_SETTINGS } from '@/utils/settings/settings';

const SETTINGS = {
  ...DEFAULT_SETTINGS,
  id: 'main',
  label: '',
  serverUrl: 'https://api.test',
  appUrl: 'https://app.test/inbox/{category}',
};
/** Another account: its own app. */
const OTHER = {
  ...SETTINGS,
  id: 'other',
  serverUrl: 'https://other.test',
  appUrl: 'https://other-app.test/{category}',
};
const ACCOUNTS = [SETTINGS, OTHER];

/** What a click on a notification of the account 'main' returns. */
const onMain = (target: ClickTarget) => ({ account: 'main', target });
/** What a button of a notification of the account 'main' returns. */
type ButtonOf = ButtonAction extends infer B ? (B extends unknown ? Omit<B, 'account'> : never) : never;
const buttonOnMain = (action: ButtonOf) => ({ account: 'main', ...action }) as ButtonAction;

function setup(shown: { click?: { account: string; target: ClickTarget }; button?: ButtonAction }, signedOut = false) {
  const openTab = vi.fn((_url: string | null) => {});
  const deps = {
    notifier: {
      handleClick: vi.fn(async () => shown.click ?? null),
      handleButtonClick: vi.fn(async () => shown.button ?? null),
      showActionFailed: vi.fn(async () => {}),
    },
    // What the background's openPage does: the one URL rule (tests/unit/app-url.test.ts) with that account's
    // settings, then a tab.
    openPage: vi.fn(async (account: string, target: OpenTarget) => {
      const settings = ACCOUNTS.find(({ id }) => id === account);
      if (!settings) throw new Error('no such account');
      openTab(getOpenUrl(settings, target));
    }),
    openOptionsPage: vi.fn(async () => {}),
    markItemsRead: vi.fn(async () => {}),
    isSignedOut: () => signedOut,
    showSignIn: vi.fn(async (_account: string) => {}),
    log: { warn: vi.fn() },
  };
  return { deps: { ...deps, openTab }, actions: createNotificationActions(deps) };
}

describe('notification actions', () => {
  it('"Open" opens the item URL on a trusted origin, the category page for any other', async () => {
    const trusted = setup({
      button: buttonOnMain({
        kind: 'open',
        target: { kind: 'url', url: 'https://app.test/c/9', category: 'comments' },
      }),
    });
    await trusted.actions.onButtonClicked('beacon-cat-comments@main', 0);
    expect(trusted.deps.openTab).toHaveBeenCalledWith('https://app.test/c/9');

    const foreign = setup({
      button: buttonOnMain({
        kind: 'open',
        target: { kind: 'url', url: 'https://evil.test/c/9', category: 'comments' },
      }),
    });
    await foreign.actions.onButtonClicked('beacon-cat-comments@main', 0);
    expect(foreign.deps.openTab).toHaveBeenCalledWith('https://app.test/inbox/comments');
  });

  it('a click opens the item the same way (Firefox has no buttons); the sign-in notification opens the settings', async () => {
    const item = setup({ click: onMain({ kind: 'url', url: 'https://api.test/n/1', category: 'system' }) });
    await item.actions.onClicked('beacon-cat-system@main');
    expect(item.deps.openTab).toHaveBeenCalledWith('https://api.test/n/1');
    const signIn = setup({ click: onMain({ kind: 'settings' }) });
    await signIn.actions.onClicked('beacon-sign-in@main');
    expect(signIn.deps.openOptionsPage).toHaveBeenCalledOnce();
    expect(signIn.deps.openTab).not.toHaveBeenCalled();
  });

  it('"Mark read" marks the one item through the inbox and opens nothing', async () => {
    const { deps, actions } = setup({ button: buttonOnMain({ kind: 'mark-read', category: 'likes', id: 'l-1' }) });
    await actions.onButtonClicked('beacon-cat-likes@main', 1);
    expect(deps.markItemsRead).toHaveBeenCalledWith('main', 'likes', ['l-1']);
    expect(deps.openTab).not.toHaveBeenCalled();
    expect(deps.notifier.showActionFailed).not.toHaveBeenCalled();
  });

  it('a failed "Mark read" says why; a refused sign-in invites to sign in instead', async () => {
    const failed = setup({ button: buttonOnMain({ kind: 'mark-read', category: 'likes', id: 'l-1' }) });
    failed.deps.markItemsRead.mockRejectedValue(new Error('HTTP 500'));
    await failed.actions.onButtonClicked('beacon-cat-likes@main', 1);
    expect(failed.deps.notifier.showActionFailed).toHaveBeenCalledWith('main', 'HTTP 500');
    expect(failed.deps.showSignIn).not.toHaveBeenCalled();

    const signedOut = setup({ button: buttonOnMain({ kind: 'mark-read', category: 'likes', id: 'l-1' }) }, true);
    signedOut.deps.markItemsRead.mockRejectedValue(new Error('HTTP 401'));
    await signedOut.actions.onButtonClicked('beacon-cat-likes@main', 1);
    expect(signedOut.deps.showSignIn).toHaveBeenCalledWith('main');
    expect(signedOut.deps.notifier.showActionFailed).not.toHaveBeenCalled();
  });

  it("ignores notifications that are not Beacon's", async () => {
    const { deps, actions } = setup({});
    await actions.onClicked('other');
    await actions.onButtonClicked('other', 1);
    expect(deps.openTab).not.toHaveBeenCalled();
    expect(deps.markItemsRead).not.toHaveBeenCalled();
  });

  it('"Mark read" of an item whose id is a number (0 included) is offered, and sends that number back', async () => {
    const noon = { ...realClock, now: () => new Date(2026, 10, 24, 12, 0).getTime() };
    for (const id of [42, 0, '42']) {
      fakeBrowser.reset();
      const create = vi.spyOn(fakeBrowser.notifications, 'create');
      const notifier = new OsNotifier(fakeBrowser.notifications, t, { silent: true, buttons: true }, noon);
      notifier.add({ category: 'likes', id, title: 'Ann liked', content: '', url: null, catchUp: false }, SETTINGS);
      await notifier.flush();
      expect(create.mock.lastCall?.[1], String(id)).toMatchObject({
        buttons: [{ title: 'Open' }, { title: 'Mark read' }],
      });
      const { deps } = setup({});
      const actions = createNotificationActions({ ...deps, notifier });
      await actions.onButtonClicked(String(create.mock.lastCall![0]), 1);
      expect(deps.markItemsRead).toHaveBeenCalledWith('main', 'likes', [id]);
      expect(deps.notifier.showActionFailed).not.toHaveBeenCalled();
    }
  });

  it('with several accounts, a click opens that account’s app and "Mark read" marks on that account', async () => {
    const noon = { ...realClock, now: () => new Date(2026, 10, 24, 12, 0).getTime() };
    fakeBrowser.reset();
    const create = vi.spyOn(fakeBrowser.notifications, 'create');
    const notifier = new OsNotifier(fakeBrowser.notifications, t, { silent: true, buttons: true }, noon);
    const notice = {
      category: 'likes' as const,
      id: 'l-7',
      title: 'Ann liked',
      content: '',
      url: null,
      catchUp: false,
    };
    notifier.add(notice, SETTINGS, true);
    notifier.add(notice, OTHER, true);
    await notifier.flush();
    const [mainId, otherId] = create.mock.calls.map(([id]) => String(id));
    const { deps } = setup({});
    const actions = createNotificationActions({ ...deps, notifier });
    await actions.onClicked(otherId!);
    expect(deps.openTab).toHaveBeenLastCalledWith('https://other-app.test/likes');
    await actions.onButtonClicked(mainId!, 1);
    expect(deps.markItemsRead).toHaveBeenCalledWith('main', 'likes', ['l-7']);
    expect(deps.markItemsRead).toHaveBeenCalledTimes(1);
  });
});
