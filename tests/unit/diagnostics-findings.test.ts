// What the background records for the diagnostics panel's live findings (the connection test's, on the real
// connection): heartbeats, events with ids, counts in events or not, read events, resyncs. Reducer tables, and the
// session wiring that turns a stream's comment into a heartbeat action.
import { describe, expect, it } from 'vitest';
import { createHarness, fakeServer, makeSettings } from '../helpers/service-harness';
import type { Action, SessionAction } from '@/utils/background/background-actions';
import { reduce } from '@/utils/background/background-reducer';
import { getSnapshot, getStateFromSnapshot, type BackgroundState } from '@/utils/background/background-state';
import { getEmptySnapshot, normalizeSnapshot } from '@/utils/snapshot/snapshot';

const NOW = Date.parse('2026-12-05T10:00:00Z');
/** The account's id (the migrated account's). */
const ID = 'main';
const on = (action: SessionAction): Action => ({ ...action, account: ID }) as Action;
const message = (data: object, id?: string, event?: string): Action =>
  on({ type: 'streamMessage', message: { data: JSON.stringify(data), id, event } });

function run(...actions: Action[]) {
  let state: BackgroundState = getStateFromSnapshot(getEmptySnapshot());
  let persist = true;
  for (const action of [
    { type: 'accountsConfigured', accounts: [makeSettings({ role: 'user' })] } as Action,
    on({ type: 'streamOpened', resumed: false }),
    ...actions,
  ]) {
    const result = reduce(state, action, NOW);
    state = result.state;
    persist = result.persist;
  }
  return { diagnostics: getSnapshot(state).diagnostics, persist };
}

describe('live findings in the diagnostics', () => {
  it('counts heartbeats and keeps when the last came, without a storage write for each', () => {
    const { diagnostics, persist } = run(on({ type: 'heartbeat' }), on({ type: 'heartbeat' }));
    expect(diagnostics).toMatchObject({ heartbeats: 2, lastHeartbeatAt: NOW });
    expect(persist).toBe(false);
  });

  it('counts events with an id, with and without a count, read events and resyncs', () => {
    const { diagnostics } = run(
      message({ notice_type: 2, unread_count: 1 }, 'e.1'),
      message({ notice_type: 2, unread_count: 0, kind: 'read' }, 'e.2'),
      message({ notice_type: 0 }), // legacy: no id, no count
      message({ notice_type: 0 }, 'x'.repeat(200)), // an id Beacon cannot send back is no id
      message({ data: 'not ours' }, 'e.3', 'other'),
      message({ reason: 'replay_unavailable' }, 'e.4', 'resync'),
    );
    expect(diagnostics).toMatchObject({
      eventsWithId: 2,
      eventsWithCount: 2,
      eventsWithoutCount: 2,
      readEvents: 1,
      resyncs: 1,
    });
  });

  it('a stored snapshot keeps them, checked like the other counters', () => {
    const stored = {
      ...getEmptySnapshot(),
      diagnostics: { ...getEmptySnapshot().diagnostics, heartbeats: 4, lastHeartbeatAt: NOW, readEvents: -1 },
    };
    expect(normalizeSnapshot(JSON.parse(JSON.stringify(stored))).diagnostics).toMatchObject({
      heartbeats: 4,
      lastHeartbeatAt: NOW,
      readEvents: 0,
    });
    expect(normalizeSnapshot({ diagnostics: { lastHeartbeatAt: 'soon' } }).diagnostics.lastHeartbeatAt).toBeNull();
  });
});

describe('the background on a real stream', () => {
  it('a comment line on the stream is a heartbeat in the diagnostics; an event is not', async () => {
    const { server } = fakeServer();
    const h = createHarness(server.fetch, makeSettings());
    await h.core.start();
    const stream = await server.nextStream();
    stream.push(': ping\n\n');
    stream.push('id: e.1\ndata: {"notice_type":2,"unread_count":1}\n\n');
    stream.push(': ping\n\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.snapshot().diagnostics).toMatchObject({ heartbeats: 2, eventsWithId: 1, eventsWithCount: 1 });
    expect(h.snapshot().diagnostics.lastHeartbeatAt).toBeGreaterThan(0);
    await h.apply(makeSettings({ serverUrl: '' })); // closes the stream
  });
});
