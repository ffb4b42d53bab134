/**
 * Faults of a misbehaving server rather than a broken network (issue #14): absurd `Retry-After` values, event ids
 * that cannot be sent back as a header, count requests that hang, answer with megabytes, or trickle at 1 byte/s.
 * Each is written so that a Beacon that trusts the server fails it: a storm of requests, no connection ever again,
 * or a wrong count on the badge.
 */
import { waitFor } from '../drivers/test-server';
import { between, getPendingWait, hold, sleep, waitForNewStream } from './fault-kinds';
import type { Fault, FaultContext } from './faults';
import type { RestFault } from './fault-proxy';

/** Beacon gives up on a REST call after this long (utils/connection/server-input.ts: REST_DEADLINE_MS). */
const REST_DEADLINE_MS = 15_000;
/** The first retries of a failed count sync come within a second (the backoff's quick steps), later ones slower. */
const SYNC_RETRY_ALLOWANCE_MS = 5_000;

/**
 * The counts change while Beacon cannot see it and the server cannot replay what it missed, so only the count
 * requests every new connection makes (protocol §7.2) can make the badge right again.
 */
async function changeCountsBehindBeacon(context: FaultContext): Promise<void> {
  const { proxy } = context.rig;
  proxy.setReplay(false);
  await proxy.goAway();
  context.publish(between(context, 1, 6), true);
  await proxy.comeBack();
}

/** Waits for the first count request the proxy answered with this fault; returns when it came. */
async function waitForRestFault(context: FaultContext, fault: RestFault, since: number): Promise<number> {
  const request = await waitFor(
    () => context.rig.proxy.requests.find((r) => r.at >= since && r.outcome === fault),
    (found) => found !== undefined,
    `a count request answered with ${fault}`,
    35_000,
  );
  return request!.at;
}

/**
 * `allowance` gets when the LAST count request answered with the fault started: a request that started hanging just
 * before the heal (a sync retry after the first one timed out) holds its category until its own deadline, and Beacon
 * cannot know sooner that the server healed (no event of that category arrives to start a hedge).
 */
function restFault(name: RestFault, description: string, allowance: (lastAt: number) => number): Fault {
  return {
    name: `rest-${name}`,
    description,
    async run(context) {
      const { proxy } = context.rig;
      const since = Date.now();
      proxy.setRestFault(name);
      await changeCountsBehindBeacon(context);
      await waitForRestFault(context, name, since);
      await sleep(hold(context, [2000, 4000], [3000, 20_000]));
      proxy.setRestFault(null);
      const lastAt = Math.max(...proxy.requests.filter((r) => r.at >= since && r.outcome === name).map((r) => r.at));
      proxy.setReplay(true);
      return { allowanceMs: Math.max(await getPendingWait(context), allowance(lastAt)) };
    },
  };
}

const untilDeadline = (lastAt: number) => Math.max(0, lastAt + REST_DEADLINE_MS - Date.now()) + SYNC_RETRY_ALLOWANCE_MS;

export const HOSTILE_FAULTS: Fault[] = [
  {
    name: 'absurd-retry-after',
    description: 'stream answers 503 with Retry-After: 999999999, then with an HTTP date in the year 9999',
    async run(context) {
      const { rig } = context;
      const { proxy } = rig;
      let attempts = 0;
      let ms = 0;
      for (const [index, value] of ['999999999', 'Fri, 31 Dec 9999 23:59:59 GMT'].entries()) {
        proxy.answerWith({ status: 503, scope: 'stream', headers: { 'Retry-After': value } });
        const started = Date.now();
        if (index === 0) proxy.dropStreams();
        else await rig.browser.pressRetry();
        context.publish(between(context, 1, 4), true);
        await waitFor(
          () => proxy.requests.some((r) => r.at >= started && r.outcome === '503'),
          (seen) => seen,
          'a 503 answer',
          35_000,
        );
        await context.expectStateLine(/^Server error$/, 3000);
        await sleep(hold(context, [6000, 8000], [8000, 20_000]));
        const requests = rig.attemptsSince(started);
        const heldMs = Date.now() - started;
        attempts += requests;
        ms += heldMs;
        // One request met the 503; a second may have been in flight. Anything more is the timer overflowing.
        if (requests > 2) throw new Error(`${requests} stream requests in ${heldMs} ms of Retry-After: ${value}`);
      }
      proxy.clearAnswer();
      // Beacon honours a (clamped) Retry-After of minutes: the user does not wait it out, they press Retry.
      await rig.browser.pressRetry();
      return { allowanceMs: 0, down: { attempts, ms } };
    },
  },
  {
    name: 'odd-event-ids',
    description: 'event ids outside Latin-1 and of 20 KB (neither can be sent back as Last-Event-ID), then a cut',
    async run(context) {
      const { proxy } = context.rig;
      await context.expectStateLine(/^Live$/);
      context.publish(1, false);
      await sleep(300);
      // An event type Beacon ignores: only the ids matter here, counts and notifications must not move.
      proxy.inject('event: x-hostile\nid: évènement-✓\ndata: {}\n\n');
      proxy.inject(`event: x-hostile\nid: ${'i'.repeat(20 * 1024)}\ndata: {}\n\n`);
      await sleep(500);
      const cutAt = Date.now();
      proxy.dropStreams();
      context.publish(between(context, 1, 4), true);
      await waitForNewStream(context, cutAt, 35_000);
      return { allowanceMs: await getPendingWait(context), ignored: { rejectedEventIds: 2 } };
    },
  },
  restFault('hang', 'count requests hang (accepted, never answered) while the counts change', untilDeadline),
  restFault(
    'huge-body',
    'count requests answer 200 with an 8 MB body while the counts change',
    () => SYNC_RETRY_ALLOWANCE_MS,
  ),
  restFault('slow-body', 'count requests answer at 1 byte/s while the counts change', untilDeadline),
];
