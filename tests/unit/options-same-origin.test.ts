/**
 * The options page warns when a 6th account uses one origin (docs/architecture.md "Same origin": over HTTP/1.1 the
 * browser's 6 connections per host are then all held by streams, and every REST call of that origin waits and fails).
 */
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { getNewAccount, type StoredAccount } from '@/utils/settings/accounts-model';
import { getCrowdedOrigins } from '@/utils/settings/accounts-draft';
import { DEFAULT_SETTINGS } from '@/utils/settings/settings';
import { fakeClient, mountOptions } from '../helpers/options-fixture';
import { useLocale } from '../setup';

const HOME = { ...DEFAULT_SETTINGS, serverUrl: 'https://home.example/api', token: 'home-token' };
const account = (id: string, serverUrl: string): StoredAccount => ({
  ...getNewAccount(id),
  token: `${id}-token`,
  serverUrl,
});
/** Five accounts on one HTTP/1.1 origin (plain http on loopback: browsers speak HTTP/2 only over TLS). */
const FIVE = ['a', 'b', 'c', 'd', 'e'].map((id) => account(id, `http://127.0.0.1:8080/api/${id}`));

let mounted: VueWrapper | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
});

async function addAccountOn(serverUrl: string, accounts = FIVE) {
  const { wrapper } = await mountOptions(fakeClient(HOME, {}, accounts));
  mounted = wrapper;
  // 5 on one origin is fine; 6 warn on the first account's form already.
  expect(wrapper.find('[data-test=same-origin-warning]').exists()).toBe(accounts.length >= 6);
  await wrapper.get('[data-test=add-account]').trigger('click');
  await flushPromises();
  await wrapper.get('#serverUrl').setValue(serverUrl);
  return wrapper;
}

describe('several accounts on one origin', () => {
  it('a 6th account on one origin: the form warns, naming the origin, the count and HTTP/2', async () => {
    const wrapper = await addAccountOn('http://127.0.0.1:8080/api/f');
    const warning = wrapper.get('[data-test=same-origin-warning]');
    expect(warning.text()).toContain('6 accounts use http://127.0.0.1:8080');
    expect(warning.text()).toContain('HTTP/2');
    expect(wrapper.get('#serverUrl').attributes('aria-describedby')).toContain(warning.attributes('id'));
    // Each account of that origin shows it when chosen; one elsewhere does not.
    await wrapper.findAll('[data-test=account-choose]')[0]!.trigger('click');
    expect(wrapper.find('[data-test=same-origin-warning]').exists()).toBe(true);
  });

  it('another port or host is another pool: no warning', async () => {
    expect((await addAccountOn('http://127.0.0.1:8081/api')).find('[data-test=same-origin-warning]').exists()).toBe(
      false,
    );
  });

  it('an account of another origin does not show the warning of a crowded one', async () => {
    const six = [...FIVE, account('f', 'http://127.0.0.1:8080/f')];
    const wrapper = await addAccountOn('https://elsewhere.example', six);
    expect(wrapper.find('[data-test=same-origin-warning]').exists()).toBe(false);
    expect(getCrowdedOrigins(six)).toEqual([{ origin: 'http://127.0.0.1:8080', count: 6 }]);
  });

  it('counts only usable server URLs, by origin (scheme, host, port)', () => {
    const urls = [
      'https://x.test/a',
      'https://x.test:443/b',
      'https://X.test/c',
      'not a url',
      '',
      'http://x.test/d',
      'ftp://x.test/e',
    ];
    const accounts = [...urls, 'https://x.test/e', 'https://x.test/f'].map((url, index) => account(`${index}`, url));
    expect(getCrowdedOrigins(accounts)).toEqual([]);
    accounts.push(account('g', 'https://x.test/g'));
    expect(getCrowdedOrigins(accounts)).toEqual([{ origin: 'https://x.test', count: 6 }]);
  });

  it('speaks Chinese', async () => {
    useLocale('zh_CN');
    const warning = (await addAccountOn('http://127.0.0.1:8080/f')).get('[data-test=same-origin-warning]');
    expect(warning.text()).toContain('http://127.0.0.1:8080');
    expect(warning.text()).toContain('HTTP/2');
    expect(warning.text()).not.toContain('accounts use');
  });
});
