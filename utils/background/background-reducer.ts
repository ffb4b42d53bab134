/**
 * The one place the background's state changes: (state, action, now) → (state, effects). Pure: no I/O, no timers, no
 * clock of its own (`now` comes with each action). BackgroundCore keeps the state and carries out the effects.
 */
import { getReasonTag, isSignInRefused, type ConnectionReason } from '../connection/connection-reason';
import { parseNoticeEvent } from '../connection/notice-event';
import { getEventIdProblem, MAX_COUNT } from '../connection/server-input';
import { canSeeCategory, getVisibleCategories, type Category } from '../protocol/categories';
import { isLastEventIdHeader, MESSAGE_EVENT, RESYNC_EVENT } from '../protocol/wire';
import type { AccountSettings } from '../settings/accounts';
import { getAccountKey } from '../settings/account-key';
import { getEffectiveRole } from '../settings/settings';
import { isSnoozed } from '../settings/snooze';
import type { Diagnostics, Notice } from '../snapshot/snapshot';
import type { AccountAction, Action, Effect } from './background-actions';
import { getEmptyAccount, getStateFromSnapshot, type AccountState, type BackgroundState } from './background-state';
import { applyFetchedCategories, applyNoticeEvent, getMissedCounts, isCatchUp } from './snapshot-events';

export interface Reduced {
  state: BackgroundState;
  effects: Effect[];
  /** False when this change must not be written (a failed write recorded: writing it again would loop). */
  persist: boolean;
}

/** Diagnostics counters of input Beacon dropped. */
type IgnoredCounter = keyof Pick<
  Diagnostics,
  'malformedEvents' | 'unknownTypes' | 'oversizedEvents' | 'rejectedEventIds' | 'rejectedRequests' | 'refusedItems'
>;

export function reduce(state: BackgroundState, action: Action, now: number): Reduced {
  const step = new Step(state, now);
  switch (action.type) {
    case 'started':
      step.state = {
        ...getStateFromSnapshot(action.snapshot),
        diagnostics: { ...action.snapshot.diagnostics, workerStartedAt: now },
        snooze: state.snooze,
        logged: state.logged,
      };
      break;
    case 'accountsConfigured':
      configureAccounts(step, action.accounts);
      break;
    case 'snoozeChanged':
      step.state = { ...state, snooze: action.snooze };
      break;
    case 'unhandledError':
      step.count('unhandledErrors');
      step.log('error', `unhandled: ${action.description}`);
      break;
    case 'storageFailed': {
      const { failure } = action;
      step.setDiagnostics({ storageFailure: failure });
      const outcome = failure.healed ? 'saved after dropping cached inbox lists' : 'not saved';
      step.logOnce(failure.code, 'error', `storage refused the snapshot (${failure.code}): ${outcome}`);
      // Healed: saved again with the record. Not healed: shown only; the next change tries again (no write loop).
      step.persist = failure.healed;
      break;
    }
    default:
      if (state.accounts[action.account]) reduceAccount(step, action);
  }
  return { state: step.state, effects: step.effects, persist: step.persist };
}

/**
 * The accounts in force, in order. An account keeps its numbers while its key (server + sign-in) stays; a changed key
 * starts it afresh (today's rule, per account); an account no longer listed leaves the state, and its notifications
 * and cached lists go with it.
 */
function configureAccounts(step: Step, configured: readonly AccountSettings[]): void {
  const { state } = step;
  const accounts: Record<string, AccountState> = {};
  // Not Object.keys(accounts): integer-like ids ("1", "2") would come first, whatever the user's order.
  const order: string[] = [];
  for (const settings of configured) {
    const key = getAccountKey(settings);
    if (key === null || accounts[settings.id]) continue; // not usable, or a duplicate id: never two states for one id
    const { id, label, serverUrl, role: roleSetting } = settings;
    const prior = state.accounts[id];
    if (prior && prior.key !== key) step.effects.push({ type: 'forgetAccount', account: id });
    const account = prior?.key === key ? prior : getEmptyAccount({ key, label, serverUrl });
    accounts[id] = withRole({ ...account, label, serverUrl, roleSetting });
    order.push(id);
  }
  for (const id of state.order) if (!accounts[id]) step.effects.push({ type: 'forgetAccount', account: id });
  step.state = { ...state, accounts, order };
  if (step.state.order.length === 0) step.effects.push({ type: 'clearNotifications' });
}

function reduceAccount(step: Step, action: AccountAction): void {
  const key = action.account;
  const account = step.state.accounts[key]!;
  const set = (change: Partial<AccountState>) => step.setAccount(key, change);
  switch (action.type) {
    case 'connectionChanged': {
      const { connection } = action;
      const recovered = connection.status === 'live' || connection.status === 'connecting';
      set({ connection, lastError: recovered ? account.lastError : connection.reason });
      if (connection.status === 'signed-out' && account.connection.status !== 'signed-out') {
        step.effects.push({ type: 'showSignIn', account: key });
      }
      return;
    }
    case 'attemptEnded': {
      if (action.retryInMs !== null) step.count('reconnects');
      const next =
        action.retryInMs === null ? 'waiting for new settings or a retry' : `reconnecting in ${action.retryInMs} ms`;
      return step.log('warn', `stream ended (${getReasonTag(action.reason)}); ${next}`);
    }
    case 'streamOpened':
      set({ stream: { openedAt: step.now, resumed: action.resumed } });
      return void step.effects.push({ type: 'sync', account: key, afterResync: false });
    case 'streamMessage':
      return reduceMessage(step, key, account, action.message);
    case 'heartbeat':
      step.count('heartbeats');
      step.setDiagnostics({ lastHeartbeatAt: step.now });
      // Shown, not written: one storage write per heartbeat would be 4 a minute for nothing; the next change saves it.
      step.persist = false;
      return;
    case 'oversizedEvent':
      return step.ignore('oversizedEvents', `dropped an event of ${action.size} characters`);
    case 'requestRefused': {
      // A Last-Event-ID the browser refuses is dropped: the loop reconnects without it, and that open resyncs.
      const dropped = isLastEventIdHeader(action.header) && account.lastEventId !== null;
      if (dropped) set({ lastEventId: null });
      const outcome = dropped ? 'dropped it, resyncing' : 'waiting for new settings';
      return step.ignore('rejectedRequests', `a ${action.header} header could not be sent; ${outcome}`);
    }
    case 'roleFetched':
      return step.setAccount(key, withRole({ ...account, serverRole: action.role }));
    case 'countsFetched': {
      const newest = { ...account.newest };
      const fetchOrder = { ...account.fetchOrder };
      // An answer of a request older than one already applied (a slow one beside its hedge) is dropped.
      const fetched = action.counts
        .filter(({ category, order }) => order > account.fetchOrder[category])
        .map(({ category, version, order, unreadCount, latest }) => {
          const fresh = account.countVersions[category] === version;
          if (fresh) newest[category] = latest;
          fetchOrder[category] = order;
          return { category, unreadCount, latest, fresh };
        });
      const change = applyFetchedCategories(account, fetched, step.now);
      set({ ...change, newest, fetchOrder, ...(action.complete ? { countsKnown: true } : {}) });
      if (!action.before || !action.complete) return;
      // After a resync: what was missed becomes one summary per category.
      for (const { category, missed } of getMissedCounts(
        action.before,
        change.counts,
        getVisibleCategories(account.role),
      )) {
        step.announce(key, category, newest[category], true, missed);
      }
      return;
    }
    case 'requestFailed': {
      const { reason } = action;
      if (isSignInRefused(reason)) return signOut(step, key, account, reason);
      step.log('warn', `request failed (${getReasonTag(reason)})`);
      set({ lastError: reason });
      if (action.retry) step.effects.push({ type: 'retrySync', account: key });
      return;
    }
    case 'categoriesRead': {
      const counts = { ...account.counts };
      for (const category of action.categories) counts[category] = 0;
      return set({ counts, countVersions: bump(account, action.categories) });
    }
    case 'countAdjusted': {
      const count = Math.min(MAX_COUNT, Math.max(0, account.counts[action.category] + action.by));
      return set({
        counts: { ...account.counts, [action.category]: count },
        countVersions: bump(account, [action.category]),
      });
    }
    case 'refetchedForNotice':
      return step.announce(key, action.category, account.newest[action.category], action.catchUp);
    case 'itemsRefused':
      return step.ignore('refusedItems', `dropped ${action.count} item(s) without a usable id`, action.count);
  }
}

/** A message event (protocol §7.3) or a resync, with its `id:` (§7.2). */
function reduceMessage(step: Step, key: string, account: AccountState, message: AccountActionMessage): void {
  step.count('eventsReceived');
  if (message.id !== undefined) {
    // [spec] the last event id is set from any event that carried an `id:`; one that could not be sent back is
    // ignored, so it can never fail every later attempt.
    const problem = getEventIdProblem(message.id);
    if (problem === null) {
      step.setAccount(key, { lastEventId: message.id });
      if (isMessage(message)) step.count('eventsWithId');
    } else step.ignore('rejectedEventIds', `ignored an event id (${problem}, ${message.id.length} characters)`);
  }
  if (message.event === RESYNC_EVENT) {
    step.count('resyncs');
    return void step.effects.push({ type: 'sync', account: key, afterResync: true });
  }
  // [spec] other event types are not ours.
  if (!isMessage(message)) return;
  const parsed = parseNoticeEvent(message.data);
  if (!parsed.ok) {
    const counter = parsed.problem === 'malformed' ? 'malformedEvents' : 'unknownTypes';
    return step.ignore(counter, `ignored an event: ${parsed.detail}`);
  }
  const { event } = parsed;
  // What the server's events carry, for the diagnostics' live findings (the connection test's, on the real stream).
  step.count(event.unreadCount === null ? 'eventsWithoutCount' : 'eventsWithCount');
  if (event.kind === 'read') step.count('readEvents');
  const stream = account.stream ?? { openedAt: step.now, resumed: false };
  const catchUp = isCatchUp(event.notice, { ...stream, now: step.now });
  const outcome = applyNoticeEvent(account, event, catchUp);
  step.setAccount(key, {
    ...outcome.change,
    lastEventAt: step.now,
    ...(outcome.countSet ? { countVersions: bump(account, [event.category]) } : {}),
    ...(outcome.latest ? { newest: { ...account.newest, [event.category]: outcome.latest } } : {}),
  });
  if (event.refusedItem) step.ignore('refusedItems', 'dropped the notice of an event: unusable id');
  for (const effect of outcome.effects) {
    if (effect.type === 'announce') step.announce(key, effect.category, effect.notice, effect.catchUp);
    else step.effects.push({ ...effect, account: key });
  }
}

type AccountActionMessage = Extract<AccountAction, { type: 'streamMessage' }>['message'];

const isMessage = (message: AccountActionMessage) => message.event === undefined || message.event === MESSAGE_EVENT;

function signOut(step: Step, key: string, account: AccountState, reason: ConnectionReason): void {
  step.setAccount(key, { connection: { status: 'signed-out', retryAt: null, reason }, lastError: reason });
  step.effects.push({ type: 'stopConnection', account: key });
  if (account.connection.status !== 'signed-out') step.effects.push({ type: 'showSignIn', account: key });
}

/** The role counted with, from the setting and the server's (one rule, `getEffectiveRole`); counts it hides are 0. */
function withRole(account: AccountState): AccountState {
  const role = getEffectiveRole(account.roleSetting, account.serverRole);
  if (role === account.role) return account;
  const counts = { ...account.counts };
  if (!canSeeCategory('report_email', role)) counts.report_email = 0;
  return { ...account, role, counts };
}

const bump = (account: AccountState, categories: Category[]) => {
  const versions = { ...account.countVersions };
  for (const category of categories) versions[category]++;
  return versions;
};

/** One reduction in progress: the state so far and the effects it asks for. */
class Step {
  effects: Effect[] = [];
  persist = true;

  constructor(
    public state: BackgroundState,
    readonly now: number,
  ) {}

  setAccount(key: string, change: Partial<AccountState>): void {
    const account = { ...this.state.accounts[key]!, ...change };
    this.state = { ...this.state, accounts: { ...this.state.accounts, [key]: account } };
  }

  setDiagnostics(change: Partial<Diagnostics>): void {
    this.state = { ...this.state, diagnostics: { ...this.state.diagnostics, ...change } };
  }

  count(counter: keyof Diagnostics, amount = 1): void {
    this.setDiagnostics({ [counter]: (this.state.diagnostics[counter] as number) + amount });
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.effects.push({ type: 'log', level, message });
  }

  /** Logged once per kind per worker lifetime: a misbehaving server must not flood the console. */
  logOnce(kind: string, level: 'warn' | 'error', message: string): void {
    if (this.state.logged.includes(kind)) return;
    this.state = { ...this.state, logged: [...this.state.logged, kind] };
    this.log(level, message);
  }

  /** Input Beacon dropped: counted in diagnostics, logged the first time. */
  ignore(counter: IgnoredCounter, message: string, amount = 1): void {
    this.count(counter, amount);
    this.logOnce(counter, 'warn', `${message} (further ones are only counted in diagnostics)`);
  }

  /** An OS notification, unless snoozed: the snooze gate. */
  announce(account: string, category: Category, notice: Notice | null, catchUp: boolean, count = 1): void {
    if (isSnoozed(this.state.snooze, this.now)) return;
    const { id = null, title = '', content = '', url = null } = notice ?? {};
    const arrived = { category, id, title, content, url, catchUp, ...(count > 1 ? { count } : {}) };
    this.effects.push({ type: 'announce', account, notice: arrived });
  }
}
