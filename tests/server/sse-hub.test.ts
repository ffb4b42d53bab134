// @vitest-environment node
/** The hub's hold-and-release: no event lost or doubled between subscribing a stream and writing its replay. */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { SseHub } from '../../server/sse-hub';

function fakeResponse() {
  const written: string[] = [];
  const res = {
    destroyed: false,
    writableEnded: false,
    writableLength: 0,
    write: (text: string) => written.push(text),
    on: () => res,
    end: () => (res.writableEnded = true),
  };
  return { res: res as unknown as ServerResponse, written };
}

const event = (id: string) => ({ id, data: `{"id":"${id}"}` });

describe('SseHub', () => {
  let hub: SseHub;
  afterEach(() => hub.closeAll());

  it('holds live events while the replay is read, then writes those the replay did not have, after it', () => {
    hub = new SseHub(60_000);
    const { res, written } = fakeResponse();
    hub.add('alice', 'user', res, null, true);
    hub.send('alice', event('e1'), 'live e1\n\n', 'likes'); // logged before the replay was read: in the replay too
    hub.send('alice', event('e2'), 'live e2\n\n', 'likes'); // logged after: only live
    expect(written).toEqual([]);
    hub.release(res, 'head\n\nreplay e1\n\n', new Set(['e1']));
    hub.send('alice', event('e3'), 'live e3\n\n', 'likes');
    expect(written.join('')).toBe('head\n\nreplay e1\n\nlive e2\n\nlive e3\n\n');
  });

  it('writes at once to a stream that is not held, and nothing to one that ended while held', () => {
    hub = new SseHub(60_000);
    const open = fakeResponse();
    const ended = fakeResponse();
    hub.add('alice', 'user', open.res);
    hub.add('alice', 'user', ended.res, null, true);
    hub.send('alice', event('e1'), 'live e1\n\n', 'likes');
    expect(open.written).toEqual(['live e1\n\n']);
    hub.endAll();
    hub.release(ended.res, 'head\n\n', new Set());
    expect(ended.written).toEqual([]);
  });
});
