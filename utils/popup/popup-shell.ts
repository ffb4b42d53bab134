/**
 * The popup's first frame without the framework. After each mount the popup keeps its rendered markup (the "shell")
 * in `storage.local` beside the snapshot (one read for both; the page's `localStorage` cost its first open in a fresh
 * profile about 40 ms more); the next open puts it back as soon as `storage.local` answers, with the counts of the
 * current snapshot written in, before Vue has even been evaluated. Vue then mounts over it with the same markup, so
 * nothing moves. Scoped styles match because the shell carries Vue's `data-v-*` attributes and the CSS is inline in
 * popup.html. With no shell yet (the first open after install), a plain list of the counts is painted instead.
 * bench/results.md has the effect (popup rows, against the framework-free page).
 */
import type { Category, CategoryCounts } from '../protocol/categories';

/** The `storage.local` key of the shell: `{ html, version, account }`. */
export const POPUP_SHELL_KEY = 'popupShell';

/**
 * The stored shell's markup if it was kept by this build (a shell from another build could carry other `data-v-*`
 * ids, so it is kept with the build's version) for the same account (it shows that account's latest notices), and
 * is well-formed; null otherwise.
 */
export function getStoredShell(value: unknown, version: string | undefined, account: string | null): string | null {
  if (typeof value !== 'object' || value === null || version === undefined || account === null) return null;
  const { html, version: keptBy, account: keptFor } = value as Record<string, unknown>;
  return typeof html === 'string' && keptBy === version && keptFor === account ? html : null;
}

/** What the first frame needs from the persisted snapshot. */
export interface ShellSnapshot {
  counts: CategoryCounts;
}

function formatRowCount(count: number): string {
  return count > 99 ? '99+' : String(Math.max(0, count));
}

/**
 * Writes `snapshot`'s counts into a shell's rows and total. False when the shell cannot show them as Vue would
 * (a total shown where there is none, or the other way round), and the caller paints the plain list instead.
 */
export function fillShell(container: HTMLElement, snapshot: ShellSnapshot): boolean {
  const rows = [...container.querySelectorAll<HTMLElement>('li[data-category]')];
  if (rows.length === 0) return false;
  let total = 0;
  for (const row of rows) {
    const count = snapshot.counts[row.dataset.category as Category] ?? 0;
    total += count;
    const text = row.querySelector('[data-test=count]');
    if (text) text.textContent = formatRowCount(count);
    row.classList.toggle('row--zero', count === 0);
    row.classList.remove('row--risen');
  }
  const totalText = container.querySelector('[data-test=total]');
  const empty = container.querySelector('[data-test=empty]');
  if (total > 0 !== Boolean(totalText) || (total === 0) !== Boolean(empty)) return false;
  // "N unread": the number is the only digits in the text, in every locale Beacon ships.
  if (totalText) totalText.textContent = (totalText.textContent ?? '').replace(/\d+\+?/, formatRowCount(total));
  // Its buttons have no handlers until Vue mounts over it: inert, so a click cannot land on them (and test drivers
  // wait for the real ones).
  for (const child of container.children) child.setAttribute('inert', '');
  return true;
}

/** The first open after install: the counts as a plain list, labelled by `label`. */
export function paintPlainCounts(
  container: HTMLElement,
  snapshot: ShellSnapshot,
  categories: readonly Category[],
  label: (category: Category) => string,
): void {
  const list = container.ownerDocument.createElement('ul');
  list.className = 'prepaint';
  for (const category of categories) {
    const item = container.ownerDocument.createElement('li');
    item.dataset.category = category;
    item.textContent = `${label(category)}: ${formatRowCount(snapshot.counts[category] ?? 0)}`;
    list.append(item);
  }
  container.replaceChildren(list);
}
