/**
 * Policy (`storage.managed`) as the background uses it. In Chromium the first `storage.managed` read after every
 * browser start takes about 3 s (2.7–2.8 s measured on this project's machines, fresh and existing profiles alike),
 * and Beacon used to wait for it before connecting. Now a read that has not answered within a short grace period is
 * stood in for by the policy of the last answer (kept in `storage.local`; none on the first run), and when the answer
 * comes and differs from the stand-in, `onChanged` makes the background apply the settings again. Policies change
 * rarely; a policy added while the browser was closed applies seconds late, as one added while it runs does.
 */
import type { Clock } from '../lib/clock';
import { NO_POLICY, parseSavedPolicy, type AccountsPolicy } from './accounts-policy';

/** How long a read waits for the browser before the last known policy stands in. */
export const POLICY_GRACE_MS = 100;

export interface PolicySourceEffects {
  /** The browser's policy now (`storage.managed`); NO_POLICY when none is set. */
  read(): Promise<AccountsPolicy>;
  /** The last answer of `read`, as stored (unchecked); null when there is none. */
  loadLast(): Promise<unknown>;
  saveLast(policy: AccountsPolicy): Promise<void>;
  /** The policy in force differs from the one handed out before the browser answered. */
  onChanged(): void;
  clock: Clock;
}

export interface PolicySource {
  /** The policy to run with now: the browser's, or after the grace period the last known one. */
  get(): Promise<AccountsPolicy>;
  /** The browser's own answer (first install, where a stand-in could mislead: "is Beacon set up by policy?"). */
  getFromBrowser(): Promise<AccountsPolicy>;
  /** The policy changed in the browser (`storage.onChanged`, area `managed`): read it again. */
  refresh(): Promise<AccountsPolicy>;
}

const sameValue = (a: AccountsPolicy, b: AccountsPolicy) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

export function createPolicySource(effects: PolicySourceEffects, graceMs = POLICY_GRACE_MS): PolicySource {
  let answer: AccountsPolicy | null = null;
  let standIn: AccountsPolicy | null = null;
  // The stored copy is checked like a policy: whatever storage holds cannot break Beacon.
  const last = effects
    .loadLast()
    .then((value) => (value && typeof value === 'object' ? parseSavedPolicy(value) : null))
    .catch(() => null);

  const readFromBrowser = () =>
    effects.read().then((value) => {
      answer = value;
      void effects.saveLast(value).catch(() => undefined);
      if (standIn !== null && !sameValue(standIn, value)) effects.onChanged();
      standIn = null;
      return value;
    });
  let reading = readFromBrowser();

  return {
    async get() {
      if (answer !== null) return answer;
      // The browser is still slow: no second grace period.
      if (standIn !== null) return standIn;
      let timer: unknown;
      const graceOver = new Promise<null>((resolve) => {
        timer = effects.clock.setTimeout(() => resolve(null), graceMs);
      });
      const first = await Promise.race([reading, graceOver]);
      effects.clock.clearTimeout(timer);
      if (first !== null) return first;
      const value = (answer as AccountsPolicy | null) ?? standIn ?? (await last) ?? NO_POLICY;
      if (answer === null) standIn = value;
      return answer ?? value;
    },
    getFromBrowser: () => reading,
    refresh() {
      reading = readFromBrowser();
      return reading;
    },
  };
}
