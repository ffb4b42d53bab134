/** Reads the badge's tooltip ("Beacon — Live\nLikes: 12\n…"), which lists every visible category's count. */
import type { Category } from '../../utils/protocol/categories';

/** The English labels the tooltip uses (public/_locales/en). */
const CATEGORY_LABELS: Record<Category, string> = {
  likes: 'Likes',
  stars: 'Stars',
  comments: 'Comments',
  system: 'System notices',
  manager: 'Administrator notices',
  report_email: 'Report emails',
};

/** "Likes: 12" in a title → 12; null when the category is not listed. */
export function getTitleCount(title: string, category: string): number | null {
  const label = CATEGORY_LABELS[category as Category];
  if (!label) return null;
  const match = new RegExp(`^${label}: (\\d+)$`, 'm').exec(title);
  return match ? Number(match[1]) : null;
}

/** What the badge must say for a total, as a user reads it. */
export function getExpectedBadgeText(total: number): string {
  return total === 0 ? '' : total > 99 ? '99+' : String(total);
}

/** True when the tooltip's first line says the connection is live (English locale). */
export function isLiveTitle(title: string): boolean {
  return title.startsWith('Beacon — Live\n') || title === 'Beacon — Live';
}
