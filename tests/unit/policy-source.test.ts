import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { realClock } from '@/utils/lib/clock';
import { createPolicySource, POLICY_GRACE_MS, type PolicySourceEffects } from '@/utils/settings/policy-source';
import { NO_POLICY, parseAccountsPolicy, type AccountsPolicy } from '@/utils/settings/accounts-policy';

const LOCKED = parseAccountsPolicy({ serverUrl: 'https://notify.example.com' });
const OTHER = parseAccountsPolicy({
  serverUrl: 'https://other.example.com',
  authMethod: 'cookie',
  accounts: [{ id: 'staging', serverUrl: 'https://staging.example.com' }],
  allowAddingAccounts: false,
});

/** A browser whose storage.managed answers when the test says so. */
function setUp(last: unknown) {
  let answer!: (value: AccountsPolicy) => void;
  const effects = {
    read: vi.fn(() => new Promise<AccountsPolicy>((resolve) => (answer = resolve))),
    loadLast: vi.fn(async () => last),
    saveLast: vi.fn(async () => {}),
    onChanged: vi.fn(),
    clock: realClock,
  } satisfies PolicySourceEffects;
  return { effects, source: createPolicySource(effects), answer: (value: AccountsPolicy) => answer(value) };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('policy source', () => {
  it("uses the browser's answer when it comes within the grace period, and keeps it", async () => {
    const { effects, source, answer } = setUp(OTHER);
    const got = source.get();
    answer(LOCKED);
    await expect(got).resolves.toEqual(LOCKED);
    await expect(source.get()).resolves.toEqual(LOCKED);
    expect(effects.read).toHaveBeenCalledTimes(1);
    expect(effects.saveLast).toHaveBeenCalledWith(LOCKED);
    expect(effects.onChanged).not.toHaveBeenCalled();
  });

  it('stands in the last known policy for a slow browser, and says nothing when the answer is the same', async () => {
    const { effects, source, answer } = setUp(LOCKED);
    const got = source.get();
    await vi.advanceTimersByTimeAsync(POLICY_GRACE_MS);
    await expect(got).resolves.toEqual(LOCKED);
    answer({ ...LOCKED });
    await vi.advanceTimersByTimeAsync(0);
    expect(effects.onChanged).not.toHaveBeenCalled();
  });

  it('applies the answer when it differs from the stand-in: onChanged once, then the answer', async () => {
    const { effects, source, answer } = setUp(null);
    const got = source.get();
    await vi.advanceTimersByTimeAsync(POLICY_GRACE_MS);
    await expect(got).resolves.toEqual(NO_POLICY);
    answer(LOCKED);
    await vi.advanceTimersByTimeAsync(0);
    expect(effects.onChanged).toHaveBeenCalledTimes(1);
    await expect(source.get()).resolves.toEqual(LOCKED);
    expect(effects.saveLast).toHaveBeenCalledWith(LOCKED);
  });

  it('waits for the grace period once: while the browser stays slow, later reads get the stand-in at once', async () => {
    const { source } = setUp(LOCKED);
    const first = source.get();
    await vi.advanceTimersByTimeAsync(POLICY_GRACE_MS);
    await expect(first).resolves.toEqual(LOCKED);
    let second: unknown = null;
    void source.get().then((value) => (second = value));
    await vi.advanceTimersByTimeAsync(0);
    expect(second).toEqual(LOCKED);
  });

  it('waits no longer than the grace period', async () => {
    const { source } = setUp(OTHER);
    let settled = false;
    void source.get().then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(POLICY_GRACE_MS - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
  });

  it('checks the stored copy like a policy: broken values stand in as no policy, never as an error', async () => {
    for (const stored of [
      'locked',
      42,
      [1, 2],
      { serverUrl: 'http://evil.example.com', authMethod: 'magic' },
      { accounts: 'all of them', allowAddingAccounts: 'no' },
      { accounts: [{ id: '../../etc' }, { serverUrl: 'https://no-id.example.com' }, null] },
    ]) {
      const { source } = setUp(stored);
      const got = source.get();
      await vi.advanceTimersByTimeAsync(POLICY_GRACE_MS);
      await expect(got).resolves.toEqual(NO_POLICY);
    }
    const effects = { ...setUp(null).effects, loadLast: async () => Promise.reject(new Error('storage gone')) };
    const got = createPolicySource(effects).get();
    await vi.advanceTimersByTimeAsync(POLICY_GRACE_MS);
    await expect(got).resolves.toEqual(NO_POLICY);
  });

  it('stands in the copy a single-account version saved (its fields at the top level)', async () => {
    const { source } = setUp({ serverUrl: 'https://notify.example.com' });
    const got = source.get();
    await vi.advanceTimersByTimeAsync(POLICY_GRACE_MS);
    await expect(got).resolves.toEqual(LOCKED);
  });

  it('stands in a saved copy with preset accounts and adding forbidden as it was', async () => {
    const { source } = setUp(JSON.parse(JSON.stringify(OTHER)));
    const got = source.get();
    await vi.advanceTimersByTimeAsync(POLICY_GRACE_MS);
    await expect(got).resolves.toEqual(OTHER);
  });

  it('keeps Beacon running when the copy cannot be saved', async () => {
    const { effects, source, answer } = setUp(null);
    effects.saveLast.mockRejectedValueOnce(new Error('quota'));
    const got = source.get();
    answer(LOCKED);
    await expect(got).resolves.toEqual(LOCKED);
  });

  it("answers first-install questions only from the browser's own answer", async () => {
    const { source, answer } = setUp(LOCKED);
    let fromBrowser: AccountsPolicy | null = null;
    void source.getFromBrowser().then((value) => (fromBrowser = value));
    await vi.advanceTimersByTimeAsync(10 * POLICY_GRACE_MS);
    expect(fromBrowser).toBeNull();
    answer(NO_POLICY);
    await vi.advanceTimersByTimeAsync(0);
    expect(fromBrowser).toEqual(NO_POLICY);
  });

  it('reads the policy again when the browser says it changed', async () => {
    const { effects, source, answer } = setUp(null);
    answer(LOCKED);
    await expect(source.get()).resolves.toEqual(LOCKED);
    const refreshed = source.refresh();
    answer(OTHER);
    await expect(refreshed).resolves.toEqual(OTHER);
    await expect(source.get()).resolves.toEqual(OTHER);
    expect(effects.read).toHaveBeenCalledTimes(2);
    expect(effects.onChanged).not.toHaveBeenCalled();
  });
});
