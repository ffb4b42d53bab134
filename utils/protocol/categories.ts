/**
 * The six notification categories of the protocol (docs/protocol.md §2).
 * Shared by the extension and the reference server, so both agree on names and numbers.
 */
export const CATEGORIES = ['likes', 'stars', 'comments', 'system', 'manager', 'report_email'] as const;

/** A category's name as used in REST paths. */
export type Category = (typeof CATEGORIES)[number];

/** The SSE `notice_type`: the index of a category in {@link CATEGORIES}. */
export type NoticeType = 0 | 1 | 2 | 3 | 4 | 5;

/** Per-category numbers, e.g. unread counts. */
export type CategoryCounts = Record<Category, number>;

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

export function isNoticeType(value: unknown): value is NoticeType {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) < CATEGORIES.length;
}

export function getCategoryOfNoticeType(noticeType: NoticeType): Category {
  return CATEGORIES[noticeType]!;
}

export function getNoticeType(category: Category): NoticeType {
  return CATEGORIES.indexOf(category) as NoticeType;
}

/** Report e-mails are only for users whose role is not `user` (protocol §2). */
export function canSeeCategory(category: Category, role: string | null): boolean {
  return category !== 'report_email' || (role !== null && role !== 'user');
}

/** The categories a user with this role sees; an unknown role (null) is treated as `user`. */
export function getVisibleCategories(role: string | null): Category[] {
  return CATEGORIES.filter((category) => canSeeCategory(category, role));
}

export function getZeroCounts(): CategoryCounts {
  return { likes: 0, stars: 0, comments: 0, system: 0, manager: 0, report_email: 0 };
}
