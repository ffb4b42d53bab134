/** The fault builders and helpers that tests/reliability/faults.ts assembles its FAULTS list from. */
import { waitFor } from '../drivers/test-server';
import type { Fault, FaultContext } from './faults';
import type { Rig } from './rig';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const RECONNECTING = /^(Reconnecting in \d+ s|Connecting…|Live)$/;
export const between = (context: FaultContext, min: number, max: number) =>
  Math.round(min + context.random() * (max - min));
export const hold = (context: FaultContext, shortMs: [number, number], longMs: [number, number]) =>
  between(context, ...(context.scale === 'short' ? shortMs : longMs));

/** Milliseconds until Beacon's own next attempt, as it stored it (0 when it is not waiting). */
export async function getPendingWait(context: FaultContext): Promise<number> {
  const stored = await context.rig.stored();
  const retryAt = stored?.connection.retryAt ?? null;
  return retryAt === null ? 0 : Math.max(0, retryAt - Date.now());
}

/** Connection attempts that failed and were retried, as Beacon counts them (diagnostics, persisted). */
export async function getAttemptCount(context: FaultContext): Promise<number> {
  return Number((await context.rig.stored())?.diagnostics.reconnects ?? 0);
}

/** Waits for the proxy to see a new stream request after `since` (Beacon reconnected). */
export async function waitForNewStream(context: FaultContext, since: number, timeoutMs: number): Promise<void> {
  await waitFor(
    () => context.rig.attemptsSince(since),
    (count) => count > 0,
    'a new stream request',
    timeoutMs,
  );
}

/** An HTTP answer on the stream while the server is otherwise fine; Beacon waits with its backoff (or Retry-After). */
export function httpErrorFault(name: string, status: number, retryAfterS: number | null, stateLine: RegExp): Fault {
  return {
    name,
    description: `stream answers ${status}${retryAfterS === null ? '' : ` with Retry-After: ${retryAfterS}`}`,
    async run(context) {
      const { proxy } = context.rig;
      proxy.answerWith({
        status,
        scope: 'stream',
        headers: retryAfterS === null ? {} : { 'Retry-After': String(retryAfterS) },
      });
      const started = Date.now();
      proxy.dropStreams();
      context.publish(between(context, 1, 6), true);
      // Beacon may still be waiting out an earlier backoff ("Reconnecting in 7 s"); once it has the answer, it says so.
      await waitFor(
        () => proxy.requests.some((r) => r.at >= started && r.outcome === String(status)),
        (seen) => seen,
        `a ${status} answer`,
        35_000,
      );
      await context.expectStateLine(stateLine, 3000);
      await sleep(hold(context, [2000, 5000], [3000, 20_000]));
      const attempts = context.rig.attemptsSince(started);
      const downMs = Date.now() - started;
      if (retryAfterS !== null) {
        // Never sooner than the server asked: consecutive attempts are at least Retry-After apart.
        const times = context.rig.streamRequestsSince(started).map((request) => request.at);
        for (let i = 1; i < times.length; i++)
          if (times[i]! - times[i - 1]! < retryAfterS * 1000 - 250)
            throw new Error(`retried ${times[i]! - times[i - 1]!} ms after a Retry-After of ${retryAfterS} s`);
      }
      proxy.clearAnswer();
      return { allowanceMs: await getPendingWait(context), down: { attempts, ms: downMs } };
    },
  };
}

/** An answer after which Beacon must wait for the user: checks it does, then the user presses "Retry now". */
export function haltingFault(name: string, answer: Parameters<Rig['proxy']['answerWith']>[0]): Fault {
  return {
    name,
    description: `stream answers ${answer.status}${answer.headers?.['Content-Type'] ? ` ${answer.headers['Content-Type']}` : ''}; the user presses Retry`,
    async run(context) {
      const { proxy } = context.rig;
      proxy.answerWith(answer);
      proxy.dropStreams();
      context.publish(between(context, 1, 4), true);
      await context.expectStateLine(/^Stopped$/);
      const haltedAt = Date.now();
      await sleep(hold(context, [3000, 4000], [3000, 15_000]));
      const haltedAttempts = context.rig.attemptsSince(haltedAt);
      proxy.clearAnswer();
      await context.rig.browser.pressRetry();
      return { allowanceMs: 0, haltedAttempts };
    },
  };
}

/** Nothing listens: connections are refused. Beacon keeps trying, with a bounded number of attempts. */
export function serverGoneFault(
  name: string,
  description: string,
  holdMs: (context: FaultContext) => number,
  soakOnly = false,
): Fault {
  return {
    name,
    description,
    soakOnly,
    async run(context) {
      const { rig } = context;
      const attemptsBefore = await getAttemptCount(context);
      const started = Date.now();
      await rig.proxy.goAway();
      context.publish(between(context, 1, 8), true);
      await context.expectStateLine(RECONNECTING);
      await sleep(holdMs(context));
      // Refused connections never reach a server: Beacon's own attempt counter tells how often it tried.
      const down = { attempts: (await getAttemptCount(context)) - attemptsBefore, ms: Date.now() - started };
      await rig.proxy.comeBack();
      return { allowanceMs: await getPendingWait(context), down };
    },
  };
}
