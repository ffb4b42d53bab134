/** The last policy the browser answered with (`storage.local`): the stand-in of settings/policy-source.ts. */
import { storage } from '@wxt-dev/storage';
import type { AccountsPolicy } from './accounts-policy';

const lastPolicyItem = storage.defineItem<unknown>('local:lastPolicy', { fallback: null });

export const loadLastPolicy = (): Promise<unknown> => lastPolicyItem.getValue();
export const saveLastPolicy = (policy: AccountsPolicy): Promise<void> => lastPolicyItem.setValue(policy);
