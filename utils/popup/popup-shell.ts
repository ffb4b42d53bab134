/**
 * The popup's first frame without the framework: the persisted counts as a plain list, built with DOM calls (no
 * markup is stored or parsed), painted by entrypoints/popup-prepaint.ts as soon as `storage.local` answers, before
 * Vue has even been evaluated; Vue then mounts over it. Labels and counts come from the rules the popup's rows use
 * (`getCategoryLabel`, `formatRowCount`), so both frames say the same. bench/results.md has the effect (popup rows,
 * against the framework-free page).
 */
import { formatRowCount } from '../badge/badge';
import type { Category, CategoryCounts } from '../protocol/categories';

/** What the first frame needs from the persisted snapshot. */
export interface ShellSnapshot {
  counts: CategoryCounts;
}

/** Paints the counts of `categories` as a plain list into `container`, labelled by `label`. */
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
