/** How the options page names an account: its label, else its server's host, else (a new one) "New account". */
import type { Translate } from '@/utils/labels/message-key';
import { getAccountName, type AccountSettings } from '@/utils/settings/accounts';

export function getAccountDisplayName(account: Pick<AccountSettings, 'label' | 'serverUrl'>, t: Translate): string {
  return getAccountName(account).trim() || t('newAccountName');
}
