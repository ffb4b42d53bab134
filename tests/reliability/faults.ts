/**
 * The faults the reliability runs inject, each as: break something, publish events meanwhile, check what the popup's
 * state line says while it lasts, heal. The runner then checks the invariants that hold after every fault.
 */
import type { Category } from '../../utils/protocol/categories';
import {
  between,
  getAttemptCount,
  getPendingWait,
  haltingFault,
  hold,
  httpErrorFault,
  serverGoneFault,
  sleep,
  waitForNewStream,
} from './fault-kinds';
import { HOSTILE_FAULTS } from './hostile-faults';
import type { Rig } from './rig';

export interface FaultContext {
  rig: Rig;
  random(): number;
  /** Longer holds for the soak, shorter for the run inside `npm test`. */
  scale: 'short' | 'long';
  /** Publishes `count` events now, spread over the user's categories; `offline`: Beacon cannot see them live. */
  publish(count: number, offline: boolean): void;
  /** Waits until the popup's state line matches (the truth about the connection at this step). */
  expectStateLine(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export interface FaultResult {
  /** Time Beacon may take by design after the heal before the usual 3 s (a Retry-After still running, …). */
  allowanceMs: number;
  /** While the server could not be reached: connection attempts made, over how long. */
  down?: { attempts: number; ms: number };
  /** Attempts made while Beacon must not retry (after a 401, 204, or a wrong content type): must be 0. */
  haltedAttempts?: number;
  /** Diagnostics counters the fault must move, by exactly this much. */
  ignored?: Partial<Record<IgnoredCounter, number>>;
  /** OS notifications the fault itself may add (the sign-in one after a 401). */
  extraNotifications?: number;
}

export type IgnoredCounter = 'malformedEvents' | 'unknownTypes' | 'oversizedEvents' | 'rejectedEventIds';

export interface Fault {
  name: string;
  /** What the fault does, for the report. */
  description: string;
  /** Faults only some browsers can suffer through automation. */
  only?: 'chromium';
  /** Too long for `npm test`: the soak runs it once, halfway through. */
  soakOnly?: boolean;
  run(context: FaultContext): Promise<FaultResult>;
}

export const FAULTS: Fault[] = [
  {
    name: 'drop-streams',
    description: 'streams cut at random moments, one to three times',
    async run(context) {
      const drops = between(context, 1, 3);
      for (let i = 0; i < drops; i++) {
        context.rig.proxy.dropStreams();
        context.publish(between(context, 0, 3), false);
        await sleep(between(context, 100, 2000));
      }
      return { allowanceMs: await getPendingWait(context) };
    },
  },
  {
    name: 'stall',
    description: 'the stream stays open but sends nothing, not even heartbeats, until Beacon gives up on it (45 s)',
    async run(context) {
      const stalledAt = Date.now();
      const lastByteAt = context.rig.proxy.stallStreams();
      context.publish(between(context, 1, 5), true);
      // Beacon cannot know yet: the state line says live until 45 s have passed without a byte.
      await waitForNewStream(context, stalledAt + 1, 60_000);
      const silentMs = Date.now() - lastByteAt;
      if (silentMs < 44_900)
        throw new Error(`gave up on the stream after ${silentMs} ms without a byte: before the 45 s rule`);
      return { allowanceMs: 0 };
    },
  },
  {
    name: 'bad-events',
    description: 'malformed JSON, an unknown notice_type, a 1 MB event and invalid UTF-8, between real events',
    async run(context) {
      const { proxy } = context.rig;
      const since = Date.now();
      await context.expectStateLine(/^Live$/);
      context.publish(1, false);
      await sleep(200);
      proxy.inject('data: {"notice_type": 0, "unread_count": \n\n');
      proxy.inject('data: {"notice_type":9,"unread_count":500}\n\n');
      proxy.inject(`data: {"notice_type":0,"unread_count":777,"title":"${'x'.repeat(1024 * 1024)}"}\n\n`);
      proxy.inject(
        Buffer.concat([Buffer.from('data: {"notice_type":'), Buffer.from([0xff, 0xfe]), Buffer.from('}\n\n')]),
      );
      context.publish(between(context, 1, 4), false);
      await sleep(500);
      if (context.rig.attemptsSince(since) > 0) throw new Error('bad events cost the stream: Beacon reconnected');
      await context.expectStateLine(/^Live$/);
      return { allowanceMs: 0, ignored: { malformedEvents: 2, unknownTypes: 1, oversizedEvents: 1 } };
    },
  },
  {
    name: 'framing',
    description: 'the stream in 1-byte chunks, with CRLF line ends and a BOM',
    async run(context) {
      const { proxy } = context.rig;
      proxy.setFraming({ chunkBytes: 1, crlf: true, bom: true });
      const since = Date.now();
      proxy.dropStreams();
      await waitForNewStream(context, since, 35_000);
      await context.expectStateLine(/^Live$/);
      context.publish(between(context, 1, 5), false);
      await sleep(between(context, 1000, 3000));
      // Back to a plain stream, so a later 1 MB injection is not sent a byte at a time.
      proxy.setFraming({});
      const cutAt = Date.now();
      proxy.dropStreams();
      await waitForNewStream(context, cutAt, 35_000);
      return { allowanceMs: 0 };
    },
  },
  httpErrorFault('http-500', 500, null, /^(Server error|Connecting…)$/),
  httpErrorFault('http-503-retry-after', 503, 3, /^(Server error|Connecting…)$/),
  httpErrorFault('http-429', 429, 2, /^(Reconnecting in \d+ s|Connecting…)$/),
  {
    name: 'token-revoked-401',
    description: 'the token is revoked mid-session (401); the user signs in again with a new one',
    async run(context) {
      const { rig } = context;
      const rotated = `rotated-${Math.floor(context.random() * 1e9)}-token`;
      rig.tokens.add(rotated);
      await rig.server.upsertUser({ username: 'alice', token: rotated, role: 'user' });
      rig.proxy.dropStreams();
      context.publish(between(context, 0, 3), true);
      await context.expectStateLine(/^Signed out$/);
      const signedOutAt = Date.now();
      await sleep(hold(context, [3000, 4000], [3000, 15_000]));
      const haltedAttempts = rig.proxy.requests.filter((request) => request.at >= signedOutAt).length;
      await rig.signIn(rotated);
      return { allowanceMs: 0, haltedAttempts, extraNotifications: 1 };
    },
  },
  haltingFault('http-204', { status: 204, scope: 'stream' }),
  haltingFault('wrong-content-type', {
    status: 200,
    scope: 'stream',
    headers: { 'Content-Type': 'text/html' },
    body: '<html>Sign in</html>',
  }),
  {
    name: 'restart-kept-data',
    description: 'the server restarts with its data kept (new event ids: Beacon must resync)',
    async run(context) {
      const { proxy, server } = context.rig;
      await proxy.goAway();
      context.publish(between(context, 1, 8), true);
      await server.restart();
      await sleep(between(context, 200, 1500));
      await proxy.comeBack();
      return { allowanceMs: await getPendingWait(context) };
    },
  },
  serverGoneFault('server-gone', 'nothing listens on the port for a while', (context) =>
    hold(context, [5000, 10_000], [10_000, 90_000]),
  ),
  serverGoneFault(
    'server-gone-minutes',
    'nothing listens on the port for two to three minutes',
    (context) => between(context, 120_000, 180_000),
    true,
  ),
  {
    name: 'worker-stopped',
    description: 'the service worker is stopped mid-stream (as Chrome does when idle); the alarm must bring it back',
    only: 'chromium',
    async run(context) {
      await context.rig.browser.stopWorker!();
      context.publish(between(context, 1, 6), true);
      // The watchdog alarm fires every 30 s; nothing else wakes the worker in this test.
      return { allowanceMs: 30_000 };
    },
  },
  {
    name: 'offline',
    description: 'the browser goes offline, then online again',
    only: 'chromium',
    async run(context) {
      const { rig } = context;
      const attemptsBefore = await getAttemptCount(context);
      await rig.browser.setOffline!(true);
      const started = Date.now();
      rig.proxy.dropStreams();
      context.publish(between(context, 1, 5), true);
      await context.expectStateLine(/^Offline: waiting for the network$/);
      await sleep(hold(context, [2000, 5000], [3000, 30_000]));
      const ms = Date.now() - started;
      // Offline fetches never reach the proxy: Beacon's own attempt counter tells how often it tried.
      const attempts = (await getAttemptCount(context)) - attemptsBefore;
      await rig.browser.setOffline!(false);
      return { allowanceMs: 0, down: { attempts, ms } };
    },
  },
  {
    name: 'settings-while-connecting',
    description: 'the settings change twice while a connection attempt is still waiting for its answer',
    async run(context) {
      const { rig } = context;
      const notify: Record<Category, boolean> = {
        likes: true,
        stars: true,
        comments: true,
        system: true,
        manager: true,
        report_email: true,
      };
      rig.proxy.delayStreams(1500);
      rig.proxy.dropStreams();
      await context.expectStateLine(/^Connecting…$/);
      await rig.browser.configure({ notify: { ...notify, stars: false } });
      context.publish(between(context, 0, 3), true);
      await sleep(300);
      await rig.browser.configure({ notify });
      rig.proxy.delayStreams(0);
      return { allowanceMs: 1500 };
    },
  },
  ...HOSTILE_FAULTS,
];
