/** The options page's connection test (its findings, live) and diagnostics panel (live findings, "Copy"). */
import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TestStepResult } from '@/utils/connection/connection-test';
import type { Settings } from '@/utils/settings/settings';
import { getEmptySnapshot } from '@/utils/snapshot/snapshot';
import { fakeClient, mountOptions } from '../helpers/options-fixture';
import { useLocale } from '../setup';
import { oneAccount } from '../helpers/account-snapshot';

const TOKEN = 'secret-token-for-the-test';

/** A client whose test reports the stream open, waits, then reports a buffered stream. */
function bufferedClient() {
  const client = fakeClient();
  let finish!: () => void;
  client.testConnection.mockImplementation(async (_: Settings, onStep: (result: TestStepResult) => void) => {
    onStep({ step: 'server', verdict: 'ok', outcome: { kind: 'reached' } });
    onStep({ step: 'stream', verdict: 'ok', outcome: { kind: 'stream-open', seconds: 0.1 } });
    onStep({ step: 'heartbeat', verdict: 'pending', outcome: { kind: 'waiting', seconds: 20 } });
    await new Promise<void>((resolve) => (finish = resolve));
    onStep({ step: 'heartbeat', verdict: 'failed', outcome: { kind: 'buffered', seconds: 20 } });
    onStep({
      step: 'countsInEvents',
      verdict: 'note',
      outcome: { kind: 'counts-refetched', events: 2, perSecond: 3.6 },
    });
    return false;
  });
  client.getSnapshot.mockResolvedValue(
    oneAccount({
      lastEventId: 'e.9',
      diagnostics: {
        ...getEmptySnapshot().diagnostics,
        heartbeats: 12,
        lastHeartbeatAt: Date.UTC(2026, 10, 27, 9, 30),
        eventsWithId: 4,
        eventsWithCount: 3,
        eventsWithoutCount: 2,
        readEvents: 1,
        resyncs: 1,
      },
    }),
  );
  return { client, finish: () => finish() };
}

async function startTest(client = bufferedClient().client) {
  const { wrapper } = await mountOptions(client);
  await wrapper.get('#serverUrl').setValue('http://localhost:8787');
  await wrapper.get('#token').setValue(TOKEN);
  await wrapper.get('[data-test=test]').trigger('click');
  await flushPromises();
  return wrapper;
}

afterEach(() => vi.unstubAllGlobals());

describe('options page: the connection test and the diagnostics', () => {
  it('shows the wait for a heartbeat, then replaces it with the finding: a buffering proxy, and its fix', async () => {
    const { client, finish } = bufferedClient();
    const wrapper = await startTest(client);
    expect(wrapper.get('[data-test=test-heartbeat]').text()).toBe(
      'Heartbeat: Waiting — waiting for a heartbeat on the stream (at most 20 s)…',
    );
    expect(wrapper.get('[data-test=test]').text()).toBe('Testing…');
    finish();
    await flushPromises();
    expect(wrapper.findAll('[data-test=test-heartbeat]')).toHaveLength(1);
    const heartbeat = wrapper.get('[data-test=test-heartbeat]');
    expect(heartbeat.attributes('data-verdict')).toBe('failed');
    expect(heartbeat.text()).toMatch(
      /^Heartbeat: Failed — the stream's headers came, but not one byte followed in 20 s/,
    );
    expect(heartbeat.text()).toContain('nginx: proxy_buffering off;');
    expect(heartbeat.text()).toContain('X-Accel-Buffering: no');
    expect(wrapper.get('[data-test=test-countsInEvents]').text()).toContain('at most 3.6 a second per category');
    expect(wrapper.findAll('[data-test=test-results] li').map((li) => li.attributes('data-test'))).toEqual([
      'test-server',
      'test-stream',
      'test-heartbeat',
      'test-countsInEvents',
    ]);
  });

  it('shows what the background saw live: heartbeats, ids, counts in events, read events, resyncs', async () => {
    const { wrapper } = await mountOptions(bufferedClient().client);
    expect(wrapper.get('[data-test=diag-heartbeats]').text()).toMatch(/^12, the last at .+/);
    expect(wrapper.get('[data-test=diag-eventIds]').text()).toBe('4 of 5');
    expect(wrapper.get('[data-test=diag-countsInEvents]').text()).toBe('3 / 2');
    expect(wrapper.get('[data-test=diag-readEvents]').text()).toBe('1');
    expect(wrapper.get('[data-test=diag-resyncs]').text()).toBe('1');
  });

  it('"Copy" puts the diagnostics and the last test in plain text on the clipboard, without the token', async () => {
    const writeText = vi.fn(async (_: string) => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const { client, finish } = bufferedClient();
    const wrapper = await startTest(client);
    finish();
    await flushPromises();
    await wrapper.get('[data-test=diag-copy]').trigger('click');
    await flushPromises();
    const text = writeText.mock.calls[0]![0];
    expect(text).toContain('Heartbeats seen: 12, the last at ');
    expect(text).toContain('Events with a count / without (refetched): 3 / 2');
    expect(text).toContain('Connection test:\nServer: OK — reached\nLive stream: OK');
    expect(text).toContain("Heartbeat: Failed — the stream's headers came, but not one byte followed in 20 s");
    expect(text).not.toContain(TOKEN);
    expect(text).not.toMatch(/<|>/); // plain text, no markup
    expect(wrapper.get('[data-test=diag-copied]').text()).toContain('Copied');
  });

  it('a refused clipboard shows the text to copy by hand', async () => {
    vi.stubGlobal('navigator', {
      ...navigator,
      clipboard: { writeText: async () => Promise.reject(new Error('denied')) },
    });
    const { wrapper } = await mountOptions(bufferedClient().client);
    await wrapper.get('[data-test=diag-copy]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-test=diag-copied]').text()).toContain('Could not copy');
    expect((wrapper.get('[data-test=diag-report]').element as HTMLTextAreaElement).value).toContain(
      'Heartbeats seen: 12',
    );
  });

  it('in Chinese too', async () => {
    useLocale('zh_CN');
    const { client, finish } = bufferedClient();
    const wrapper = await startTest(client);
    finish();
    await flushPromises();
    expect(wrapper.get('[data-test=test-heartbeat]').text()).toMatch(
      /^心跳: 失败 — 收到了事件流的响应头，但 20 秒内没有任何字节/,
    );
    expect(wrapper.get('[data-test=diag-heartbeats]').text()).toMatch(/^12，最近一次在 /);
    expect(wrapper.get('[data-test=diag-eventIds]').text()).toBe('5 个中的 4 个');
  });
});
