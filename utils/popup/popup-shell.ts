/**
 * The popup's first frame without the framework: the persisted counts as a plain list, built with DOM calls (no
 * markup is stored or parsed), painted by entrypoints/popup-prepaint.ts as soon as `storage.local` answers, before
 * Vue has even been evaluated; Vue then mounts over it. Labels and counts come from the rules the popup's rows use
 * (`getCategoryLabel`, `formatRowCount`), so both frames say the same. With several accounts it paints what the
 * mounted popup shows first: one line per account (its name and total), the sections collapsed. bench/results.md has
 * the effect (popup rows, against the framework-free page).
 */
import { formatRowCount } from '../badge/badge';
import { getVisibleCategories, type Category, type CategoryCounts } from '../protocol/categories';
import { getCategoryLabel } from '../labels/category-labels';
import type { MessageKey } from '../labels/message-key';
import { getAccountName } from '../settings/accounts';

/** What the first frame needs of one account in the persisted snapshot. */
export interface ShellSnapshot {
  counts: CategoryCounts;
}

/** What the first frame needs of an account when there are several: its name and its counts. */
export interface ShellAccount extends ShellSnapshot {
  label: string;
  serverUrl: string;
  role: string | null;
}

/** Paints the counts of `categories` as a plain list into `container`, labelled by `label` (one account). */
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

/** Several accounts: one line each, "name: total" (the total of the categories its role sees), in the user's order. */
export function paintAccountLines(container: HTMLElement, accounts: readonly ShellAccount[]): void {
  const list = container.ownerDocument.createElement('ul');
  list.className = 'prepaint';
  for (const account of accounts) {
    const total = getVisibleCategories(account.role).reduce(
      (sum, category) => sum + (account.counts[category] ?? 0),
      0,
    );
    const item = container.ownerDocument.createElement('li');
    item.textContent = `${getAccountName(account)}: ${formatRowCount(total)}`;
    list.append(item);
  }
  container.replaceChildren(list);
}

/** One account as storage may hold it: unchecked, so every field is read with care. */
type StoredAccount = Partial<ShellAccount> & { countsKnown?: unknown };

/**
 * Paints the first frame from whatever `storage.local` holds under `snapshot`: a single-account version's snapshot
 * (its fields at the top level) is its one account. One account: its rows, as the mounted popup shows them; several:
 * one line each. Nothing when there is nothing known to paint (not set up, or counts not known yet): the mounted popup
 * shows its own state. True when it painted.
 */
export function paintStoredSnapshot(container: HTMLElement, stored: unknown, t: (key: MessageKey) => string): boolean {
  if (typeof stored !== 'object' || stored === null) return false;
  const { accounts: list } = stored as { accounts?: unknown };
  const accounts = (Array.isArray(list) ? list : [stored]) as StoredAccount[];
  const known = accounts.every(
    (account) => typeof account?.counts === 'object' && account.counts !== null && account.countsKnown === true,
  );
  if (accounts.length === 0 || !known) return false;
  const named = accounts.map(({ counts, role, label, serverUrl }) => ({
    counts: counts!,
    role: typeof role === 'string' ? role : null,
    label: typeof label === 'string' ? label : '',
    serverUrl: typeof serverUrl === 'string' ? serverUrl : '',
  }));
  if (named.length > 1) paintAccountLines(container, named);
  else {
    const [account] = named as [ShellAccount];
    paintPlainCounts(container, account, getVisibleCategories(account.role), (category) =>
      getCategoryLabel(category, t),
    );
  }
  return true;
}
