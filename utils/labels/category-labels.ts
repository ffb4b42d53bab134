/** Each category's name in `_locales`. */
import type { Category } from '../protocol/categories';
import type { Translate } from './message-key';

const KEYS = {
  likes: 'categoryLikes',
  stars: 'categoryStars',
  comments: 'categoryComments',
  system: 'categorySystem',
  manager: 'categoryManager',
  report_email: 'categoryReportEmail',
} as const satisfies Record<Category, string>;

export function getCategoryLabel(category: Category, t: Translate): string {
  return t(KEYS[category]);
}
