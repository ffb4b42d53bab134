/** Sets the badge text, colour, tooltip and icon through the `action` API: only what changed, and paced. */
import { realClock, type Clock } from '../lib/clock';
import type { Translate } from '../labels/message-key';
import { formatSnooze, formatSnoozeEnd } from '../labels/snooze-text';
import { isSnoozed, type Snooze } from '../settings/snooze';
import type { Snapshot } from '../snapshot/snapshot';
import { getBadgeColor, getBadgeText, getBadgeTitle, getIconPaths, isLive } from './badge';

/** `action` in Chrome MV3, `browserAction` in Firefox MV2. */
export interface ActionApi {
  setBadgeText(details: { text: string }): Promise<void> | void;
  setBadgeBackgroundColor(details: { color: string }): Promise<void> | void;
  setTitle(details: { title: string }): Promise<void> | void;
  setIcon(details: { path: Record<string, string> }): Promise<void> | void;
}

export interface BadgeRenderer {
  /**
   * Resolves once what this snapshot shows is set (at once, or at the end of the current interval). A snooze in force
   * adds a line under the tooltip's status.
   */
  render(snapshot: Snapshot, snooze?: Snooze | null): Promise<void>;
}

/**
 * About one round of `action` calls per display frame. The tooltip lists every count, so it changes with every
 * event; at 1,000 events per second one call per event kept the browser busy enough to slow every extension page
 * opened meanwhile (bench: the popup during the sustained load, 1.44× and 1.93× the framework-free page).
 */
const INTERVAL_MS = 16;
/**
 * Rounds that may go out back to back before the pacing starts: a few events a few ms apart (a steady rate with
 * network jitter) are set at once; only a flood waits.
 */
const BURST_ROUNDS = 4;

interface BadgeState {
  text: string;
  color: string;
  title: string;
  live: boolean;
}

/**
 * Renders only what changed since the last call, paced like a token bucket: up to BURST_ROUNDS rounds of calls at once,
 * then one per INTERVAL_MS. A change that has to wait is set when the next round is due, with the latest snapshot
 * rendered by then.
 */
export function createBadgeRenderer(
  action: ActionApi,
  t: Translate,
  formatTime: (epochMs: number) => string,
  clock: Clock = realClock,
): BadgeRenderer {
  let shown: Partial<BadgeState> = {};
  // Rounds that may go out now: spent by each round of calls, earned back at one per INTERVAL_MS, up to BURST_ROUNDS.
  // Never below 0, so no change waits longer than INTERVAL_MS.
  let credit = BURST_ROUNDS;
  let creditAt = clock.now();
  // A wall clock set back must not hold the badge: time never counts as negative.
  const creditNow = () => Math.min(BURST_ROUNDS, credit + Math.max(0, clock.now() - creditAt) / INTERVAL_MS);
  let waiting: { snapshot: Snapshot; snooze: Snooze | null; done: Promise<void> } | null = null;

  const getState = (snapshot: Snapshot, snooze: Snooze | null): BadgeState => {
    const now = clock.now();
    const note = isSnoozed(snooze, now) ? formatSnooze(snooze!, t, (end) => formatSnoozeEnd(end, now)) : null;
    const [status, ...rest] = getBadgeTitle(snapshot, t, formatTime).split('\n');
    return {
      text: getBadgeText(snapshot),
      color: getBadgeColor(snapshot),
      title: [status, ...(note ? [note] : []), ...rest].join('\n'),
      live: isLive(snapshot),
    };
  };
  const isShown = (state: BadgeState) =>
    state.text === shown.text &&
    state.color === shown.color &&
    state.title === shown.title &&
    state.live === shown.live;

  const set = async (state: BadgeState) => {
    const calls: Array<Promise<void> | void> = [];
    if (state.text !== shown.text) calls.push(action.setBadgeText({ text: state.text }));
    if (state.color !== shown.color) calls.push(action.setBadgeBackgroundColor({ color: state.color }));
    if (state.title !== shown.title) calls.push(action.setTitle({ title: state.title }));
    if (state.live !== shown.live) calls.push(action.setIcon({ path: getIconPaths(state.live) }));
    shown = state;
    if (calls.length > 0) {
      credit = Math.max(0, creditNow() - 1);
      creditAt = clock.now();
    }
    await Promise.all(calls);
  };

  return {
    // Async, so that a throw while rendering is a rejection the caller logs, never an exception in its update.
    async render(snapshot, snooze = null) {
      if (waiting) {
        Object.assign(waiting, { snapshot, snooze });
        return waiting.done;
      }
      const state = getState(snapshot, snooze);
      if (isShown(state)) return;
      const wait = (1 - creditNow()) * INTERVAL_MS;
      if (wait <= 0) return set(state);
      const next = { snapshot, snooze, done: Promise.resolve() };
      next.done = new Promise<void>((resolve, reject) => {
        clock.setTimeout(() => {
          waiting = null;
          (async () => set(getState(next.snapshot, next.snooze)))().then(resolve, reject);
        }, wait);
      });
      waiting = next;
      return next.done;
    },
  };
}
