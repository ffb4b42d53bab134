/**
 * The popup's first frame (utils/popup/popup-shell.ts) against the real popup: for the same snapshot, the plain list
 * painted before Vue mounts must show the rows the mounted components show, with the same labels and counts, so a
 * change to the components that the first frame does not follow turns this red.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getCategoryLabel } from '@/utils/labels/category-labels';
import type { MessageKey } from '@/utils/labels/message-key';
import { paintPlainCounts, paintStoredSnapshot } from '@/utils/popup/popup-shell';
import { getVisibleCategories, getZeroCounts } from '@/utils/protocol/categories';
import type { Snapshot } from '@/utils/snapshot/snapshot';
import { accountsWith, mountPopup, snapshotWith } from '../helpers/popup-fixture';
import { getMessage, useLocale } from '../setup';

afterEach(() => {
  document.body.innerHTML = '';
});

/** The first frame as popup-prepaint.ts paints it: labels through `i18n.getMessage`, rows of the snapshot's role. */
function paintFirstFrame(snapshot: Snapshot): string[] {
  const container = document.createElement('div');
  const t = (key: MessageKey) => getMessage(key) || key;
  const [account] = snapshot.accounts;
  paintPlainCounts(container, account!, getVisibleCategories(account!.role), (category) =>
    getCategoryLabel(category, t),
  );
  return [...container.querySelectorAll('li')].map((item) => item.textContent ?? '');
}

/** The mounted popup's rows, as "label: count". */
async function mountedRows(snapshot: Snapshot): Promise<string[]> {
  const { wrapper } = await mountPopup(snapshot);
  const rows = wrapper
    .findAll('li[data-category]')
    .map((row) => `${row.get('.row__label').text()}: ${row.get('[data-test=count]').text()}`);
  wrapper.unmount();
  return rows;
}

describe('popup first frame', () => {
  it.each([
    ['a user', snapshotWith({}, { likes: 2, comments: 150, system: 1 })],
    ['a manager', snapshotWith({ role: 'manager' }, { stars: 99, manager: 100 })],
  ])('shows the rows, labels and counts the mounted popup shows, for %s', async (_who, snapshot) => {
    const firstFrame = paintFirstFrame(snapshot);
    expect(firstFrame.length).toBeGreaterThan(0);
    expect(firstFrame).toEqual(await mountedRows(snapshot));
  });

  it('says the same in another locale', async () => {
    useLocale('zh_CN');
    const snapshot = snapshotWith({}, { likes: 5 });
    expect(paintFirstFrame(snapshot)).toEqual(await mountedRows(snapshot));
  });

  it('is built from text, never parsed as markup', () => {
    const container = document.createElement('div');
    paintPlainCounts(container, { counts: { ...getZeroCounts(), comments: 4 } }, ['likes', 'comments'], (c) =>
      c === 'likes' ? '<img src=x onerror=alert(1)>' : c,
    );
    expect([...container.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      '<img src=x onerror=alert(1)>: 0',
      'comments: 4',
    ]);
    expect(container.querySelector('img')).toBeNull();
  });
});

/** What popup-prepaint.ts paints from what `storage.local` holds under `snapshot`, before Vue. */
describe('popup first frame from storage, every stored shape', () => {
  const t = (key: MessageKey) => getMessage(key) || key;
  const paint = (stored: unknown) => {
    const container = document.createElement('div');
    const painted = paintStoredSnapshot(container, stored, t);
    return { painted, lines: [...container.querySelectorAll('li')].map((item) => item.textContent) };
  };

  it('a single-account version’s snapshot (fields at the top level): its rows, as before', () => {
    const stored = { accountKey: 'k', countsKnown: true, role: 'user', counts: { ...getZeroCounts(), likes: 2 } };
    const { painted, lines } = paint(stored);
    expect(painted).toBe(true);
    expect(lines[0]).toBe('Likes: 2');
    expect(lines).toEqual(paintFirstFrame(snapshotWith({}, { likes: 2 })));
  });

  it('one account of the several-accounts shape: the same rows', () => {
    expect(paint(snapshotWith({}, { comments: 150 })).lines).toEqual(
      paintFirstFrame(snapshotWith({}, { comments: 150 })),
    );
  });

  it('several accounts: one line each, name and total, in order', () => {
    const stored = accountsWith(
      [
        { id: 'w', label: 'Work', serverUrl: 'https://a.test' },
        { likes: 2, stars: 1 },
      ],
      [{ id: 'h', label: '', serverUrl: 'https://b.test', role: 'admin' }, { report_email: 4 }],
    );
    expect(paint(stored)).toEqual({ painted: true, lines: ['Work: 3', 'b.test: 4'] });
  });

  it('nothing known yet, not set up, or anything else: nothing painted (the mounted popup shows its state)', () => {
    const unknown = snapshotWith({ countsKnown: false });
    for (const stored of [undefined, null, 'x', { accounts: [] }, unknown, { accountKey: null, counts: {} }]) {
      expect(paint(stored), JSON.stringify(stored)).toEqual({ painted: false, lines: [] });
    }
    const oneUnknown = accountsWith([{ id: 'a' }, { likes: 1 }], [{ id: 'b', countsKnown: false }]);
    expect(paint(oneUnknown).painted).toBe(false);
  });
});
