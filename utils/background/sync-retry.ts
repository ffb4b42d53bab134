/**
 * Retries a count sync that failed (timed out, too large, 5xx…) after a backoff step, like a reconnect: a dead or
 * broken count request never leaves a count frozen until the next connection (issue #14).
 */
import { getBackoffDelay } from '../connection/backoff';
import type { Clock } from '../lib/clock';

export class SyncRetry {
  private failures = 0;
  private timer: unknown = null;

  constructor(
    private readonly clock: Clock,
    private readonly random: () => number,
    private readonly retry: () => void,
  ) {}

  /** A sync failed: try again after the next backoff step (one retry pending at a time). */
  schedule(): void {
    if (this.timer !== null) return;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = null;
        this.retry();
      },
      getBackoffDelay(this.failures++, this.random),
    );
  }

  /** A sync succeeded: the next failure starts from the first, quick step again. */
  succeeded(): void {
    this.failures = 0;
  }

  /** A sync is starting anyway (or the session closed): no retry needed. */
  cancel(): void {
    if (this.timer === null) return;
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
