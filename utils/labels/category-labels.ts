/** Message keys naming each category in `_locales`. */
import type { Category } from '../protocol/categories';
import type { MessageKey } from './i18n';

const KEYS: Record<Category, MessageKey> = {
  likes: 'categoryLikes',
  stars: 'categoryStars',
  comments: 'categoryComments',
  system: 'categorySystem',
  manager: 'categoryManager',
  report_email: 'categoryReportEmail',
};

export function getCategoryMessageKey(category: Category): MessageKey {
  return KEYS[category];
}
