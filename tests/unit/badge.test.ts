import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBadgeRenderer } from '@/utils/badge/badge-renderer';
import {
  BADGE_COLORS,
  formatCount,
  getBadgeColor,
  getBadgeText,
  getBadgeTitle,
  getIconPaths,
  isLive,
} from '@/utils/badge/badge';
import type { MessageKey } from '@/utils/labels/message-key';
import { getZeroCounts, type CategoryCounts } from '@/utils/protocol/categories';
import {
  getEmptySnapshot,
  type AccountSnapshot,
  type ConnectionStatus,
  type Snapshot,
} from '@/utils/snapshot/snapshot';
import { oneAccount } from '../helpers/account-snapshot';

const t = (key: MessageKey, subs?: string | string[]) => (subs === undefined ? key : `${key}(${String(subs)})`);

/** One account in this state (none when unconfigured), with these counts. */
function snapshot(
  status: ConnectionStatus,
  counts: Partial<CategoryCounts> = {},
  role: string | null = 'user',
  account: Partial<AccountSnapshot> = {},
): Snapshot {
  if (status === 'unconfigured') return getEmptySnapshot();
  const one = oneAccount({
    role,
    counts: { ...getZeroCounts(), ...counts },
    connection: {
      status,
      retryAt: null,
      reason: status === 'error' ? { code: 'http', status: 500, detail: 'boom' } : null,
    },
    ...account,
  });
  return one;
}

/** Several accounts, each as `snapshot` makes one, named by label. */
function several(...accounts: Array<[label: string, status: ConnectionStatus, counts?: Partial<CategoryCounts>]>) {
  return {
    ...getEmptySnapshot(),
    accounts: accounts.map(
      ([label, status, counts], index) =>
        snapshot(status, counts, 'user', { id: `a${index}`, label, serverUrl: `https://s${index}.test` }).accounts[0]!,
    ),
  };
}

describe('badge text', () => {
  it('formats counts: empty at 0, the number up to 99, 99+ above', () => {
    expect(formatCount(0)).toBe('');
    expect(formatCount(1)).toBe('1');
    expect(formatCount(99)).toBe('99');
    expect(formatCount(100)).toBe('99+');
    expect(formatCount(123_456)).toBe('99+');
  });

  it('totals visible categories only: report emails count for non-user roles', () => {
    expect(getBadgeText(snapshot('live', { likes: 2, comments: 3, report_email: 4 }, 'user'))).toBe('5');
    expect(getBadgeText(snapshot('live', { likes: 2, comments: 3, report_email: 4 }, 'admin'))).toBe('9');
  });

  it('keeps the last known count while connecting, reconnecting or offline', () => {
    for (const status of ['connecting', 'reconnecting', 'offline'] as const) {
      expect(getBadgeText(snapshot(status, { system: 7 }))).toBe('7');
      expect(BADGE_COLORS[status]).toBe('#80868b');
    }
  });

  it('shows ! when signed out, nothing when unconfigured, and a mark on errors', () => {
    expect(getBadgeText(snapshot('signed-out', { likes: 4 }))).toBe('!');
    expect(getBadgeText(snapshot('unconfigured'))).toBe('');
    expect(getBadgeText(snapshot('error'))).toBe('!');
    expect(getBadgeText(snapshot('error', { likes: 3 }))).toBe('3');
    expect(
      new Set([BADGE_COLORS.live, BADGE_COLORS['signed-out'], BADGE_COLORS.error, BADGE_COLORS.connecting]).size,
    ).toBe(4);
  });
});

describe('badge title', () => {
  it('lists the state, the reason, each visible category and the last sync', () => {
    const value = snapshot('error', { likes: 1, report_email: 2 }, 'user', { lastSyncedAt: 0 });
    const title = getBadgeTitle(value, t, () => '10:00');
    expect(title.split('\n')).toEqual([
      'extName — statusError',
      'reasonHttp(500,boom)',
      'categoryLikes: 1',
      'categoryStars: 0',
      'categoryComments: 0',
      'categorySystem: 0',
      'categoryManager: 0',
      'lastSynced(10:00)',
    ]);
  });
});

describe('badge with several accounts (docs/architecture.md, "Badge")', () => {
  it('sums what each account shows alone, in the live colour while one is live', () => {
    const both = several(['Work', 'live', { likes: 2 }], ['Home', 'live', { comments: 3, report_email: 9 }]);
    expect(getBadgeText(both)).toBe('5');
    expect(getBadgeColor(both)).toBe(BADGE_COLORS.live);
    expect(isLive(both)).toBe(true);
    expect(getBadgeText(several(['Work', 'live', { likes: 60 }], ['Home', 'connecting', { likes: 60 }]))).toBe('99+');
  });

  it('marks a total that misses an account: a signed-out one adds nothing and a "!", an error its count and a "!"', () => {
    const signedOut = several(['Work', 'signed-out', { likes: 7 }], ['Home', 'live', { likes: 3 }]);
    expect(getBadgeText(signedOut)).toBe('3!');
    expect(getBadgeColor(signedOut)).toBe(BADGE_COLORS.live);
    expect(getBadgeText(several(['Work', 'error', { likes: 7 }], ['Home', 'live', { likes: 3 }]))).toBe('10!');
    expect(getBadgeText(several(['Work', 'stopped'], ['Home', 'live']))).toBe('!');
    expect(getBadgeText(several(['Work', 'live', { likes: 200 }], ['Home', 'error']))).toBe('99+!');
    expect(getBadgeText(several(['Work', 'reconnecting', { likes: 1 }], ['Home', 'offline', { likes: 1 }]))).toBe('2');
  });

  it('without a live account takes the most urgent state’s colour, and the grey icon', () => {
    const none = several(['Work', 'error', { likes: 1 }], ['Home', 'signed-out'], ['Lab', 'connecting']);
    expect(getBadgeColor(none)).toBe(BADGE_COLORS['signed-out']);
    expect(isLive(none)).toBe(false);
    expect(getBadgeColor(several(['Work', 'error'], ['Home', 'connecting']))).toBe(BADGE_COLORS.error);
    expect(getBadgeColor(several(['Work', 'connecting'], ['Home', 'reconnecting']))).toBe(BADGE_COLORS.connecting);
  });

  it('the tooltip lists each account in order: its name (label, else host) and its total or state', () => {
    const value = several(
      ['Work', 'live', { likes: 2 }],
      ['', 'signed-out', { likes: 4 }],
      ['Lab', 'error', { likes: 1 }],
    );
    expect(getBadgeTitle(value, t, () => '10:00').split('\n')).toEqual([
      'extName',
      'Work: 2',
      's1.test: statusSignedOut',
      'Lab: 1 (statusError — reasonHttp(500,boom))',
    ]);
  });

  it('one account: the tooltip and text as they always were', () => {
    const one = snapshot('live', { likes: 2 });
    expect(getBadgeTitle(one, t, () => '10:00').split('\n')[0]).toBe('extName — statusLive');
    expect(getBadgeText(snapshot('error', { likes: 3 }))).toBe('3'); // no marker: the colour says it
  });
});

afterEach(() => vi.useRealTimers());

describe('createBadgeRenderer', () => {
  it('sets text, colour, title and icon, and only what changed afterwards', async () => {
    const calls: string[] = [];
    const action = {
      setBadgeText: ({ text }: { text: string }) => void calls.push(`text:${text}`),
      setBadgeBackgroundColor: ({ color }: { color: string }) => void calls.push(`color:${color}`),
      setTitle: () => void calls.push('title'),
      setIcon: ({ path }: { path: Record<string, string> }) => void calls.push(`icon:${path['16']}`),
    };
    const renderer = createBadgeRenderer(action, t, () => 'now');
    await renderer.render(snapshot('connecting', { likes: 3 }));
    expect(calls).toEqual(['text:3', 'color:#80868b', 'title', 'icon:/icon-grey/16.png']);
    calls.length = 0;
    await renderer.render(snapshot('connecting', { likes: 3 }));
    expect(calls).toEqual([]);
    await renderer.render(snapshot('live', { likes: 3 }));
    expect(calls).toEqual(['color:#d93025', 'title', 'icon:/icon/16.png']);
    expect(getIconPaths(true)['128']).toBe('/icon/128.png');
  });

  it('sets a change after a quiet spell at once, and a few close together; a flood at about one round per frame, the latest last', async () => {
    vi.useFakeTimers();
    const titles: string[] = [];
    const texts: string[] = [];
    const action = {
      setBadgeText: ({ text }: { text: string }) => void texts.push(text),
      setBadgeBackgroundColor: () => {},
      setTitle: ({ title }: { title: string }) => void titles.push(title),
      setIcon: () => {},
    };
    const renderer = createBadgeRenderer(action, t, () => 'now');
    await renderer.render(snapshot('live', { likes: 1 }));
    expect(texts).toEqual(['1']);
    await vi.advanceTimersByTimeAsync(1000);

    // A lone change, long after the last one: set in the same call, no timer. So are a few close together (a steady
    // rate with jitter).
    void renderer.render(snapshot('live', { likes: 2 }));
    expect(texts).toEqual(['1', '2']);
    await vi.advanceTimersByTimeAsync(1000);
    for (const likes of [3, 4, 5, 6]) {
      void renderer.render(snapshot('live', { likes }));
      await vi.advanceTimersByTimeAsync(2);
    }
    expect(texts).toEqual(['1', '2', '3', '4', '5', '6']);
    await vi.advanceTimersByTimeAsync(1000);
    titles.length = 0;

    // 1,000 changes within 100 ms (the tooltip differs each time).
    let done: Promise<void> = Promise.resolve();
    for (let i = 1; i <= 1000; i++) {
      done = renderer.render(snapshot('live', { likes: 2, comments: i }));
      if (i % 10 === 0) await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(16);
    await done;
    // At most a burst of 4, then one per 16 ms.
    expect(titles.length).toBeGreaterThan(4);
    expect(titles.length).toBeLessThanOrEqual(4 + Math.ceil(100 / 16) + 1);
    expect(titles.at(-1)).toContain('categoryComments: 1000');
    expect(texts.at(-1)).toBe('99+');

    // Nothing changed: no call, and no wait for the next change to pay.
    const before = titles.length;
    await vi.advanceTimersByTimeAsync(1000);
    await renderer.render(snapshot('live', { likes: 2, comments: 1000 }));
    expect(titles.length).toBe(before);
    void renderer.render(snapshot('live', { likes: 3, comments: 1000 }));
    expect(texts.at(-1)).toBe('99+');
    expect(titles.length).toBe(before + 1);

    // The system clock set back an hour during a flood: the badge still follows within a frame.
    for (let i = 0; i < 5; i++) void renderer.render(snapshot('live', { likes: 4 + i, comments: 1000 }));
    vi.setSystemTime(Date.now() - 3_600_000);
    void renderer.render(snapshot('live', { likes: 20, comments: 1000 }));
    await vi.advanceTimersByTimeAsync(16);
    expect(titles.at(-1)).toContain('categoryLikes: 20');
    void renderer.render(snapshot('live', { likes: 21, comments: 1000 }));
    await vi.advanceTimersByTimeAsync(16);
    expect(titles.at(-1)).toContain('categoryLikes: 21');
    vi.setSystemTime(Date.now() - 3_600_000);
    void renderer.render(snapshot('live', { likes: 22, comments: 1000 }));
    await vi.advanceTimersByTimeAsync(16);
    expect(titles.at(-1)).toContain('categoryLikes: 22');
  });

  it('a failure while rendering is a rejection for the caller to log, never a throw into its update', async () => {
    const action = { setBadgeText: () => {}, setBadgeBackgroundColor: () => {}, setTitle: () => {}, setIcon: () => {} };
    const broken = createBadgeRenderer(
      action,
      () => {
        throw new Error('no such message');
      },
      () => 'now',
    );
    let rendered: Promise<void> | null = null;
    expect(() => (rendered = broken.render(snapshot('live', { likes: 1 })))).not.toThrow();
    await expect(rendered).rejects.toThrow('no such message');

    // The same for a change that waited for its round.
    vi.useFakeTimers();
    let failing = false;
    const later = createBadgeRenderer(
      action,
      (key) => {
        if (failing) throw new Error('no such message');
        return key;
      },
      () => 'now',
    );
    // The fifth waits for its round; the core, like this test, catches every render's promise.
    for (let likes = 1; likes <= 5; likes++) later.render(snapshot('live', { likes })).catch(() => {});
    const waited = later.render(snapshot('live', { likes: 6 }));
    failing = true;
    const settled = expect(waited).rejects.toThrow('no such message');
    await vi.advanceTimersByTimeAsync(16);
    await settled;
  });
});
