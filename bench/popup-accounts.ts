/**
 * `npm run bench -- --only popup-accounts [--quick] [--browsers …]`: the popup's warm open → counts painted with one
 * account and then with three (issue #25's goal: ≤ 1.15× the framework-free page painting the same three lines), in
 * one profile per browser, against one reference server with three users.
 */
import { cpus, loadavg } from 'node:os';
import { DEFAULT_SETTINGS, pickConnection } from '../utils/settings/settings';
import { USER, waitFor } from '../tests/drivers/test-server';
import { startHarness, type BenchBrowser, type Harness } from './harness';
import { measurePopupPaint } from './popup-scenarios';
import { resultsFile, saveSection } from './report';
import { median, round } from './stats';

/** The goal of the warm ratio, with one account and with three. */
const POPUP_RATIO_GOAL = 1.15;

const USERS = [
  { id: 'prod', label: 'Production', user: USER, notices: 2 },
  {
    id: 'staging',
    label: 'Staging',
    user: { username: 'bench-bob', token: 'bench-bob-token', role: 'user' },
    notices: 3,
  },
  { id: 'lab', label: 'Lab', user: { username: 'bench-carol', token: 'bench-carol-token', role: 'user' }, notices: 4 },
];

export interface PopupAccountsRow {
  browser: BenchBrowser;
  accounts: number;
  popupMs: number | null;
  floorMs: number | null;
  ratio: number | null;
  samples: number;
}

export async function measurePopupAccounts(
  browsers: BenchBrowser[],
  opens: number,
  log: (line: string) => void,
): Promise<PopupAccountsRow[]> {
  const rows: PopupAccountsRow[] = [];
  for (const browser of browsers) {
    const h = await startHarness(browser, { baseline: false });
    try {
      log(`${browser}: popup paint with 1 account (${opens} opens)`);
      rows.push(toRow(browser, 1, await measurePopupPaint(h, opens)));
      await configureThreeAccounts(h);
      log(`${browser}: popup paint with 3 accounts (${opens} opens)`);
      rows.push(toRow(browser, 3, await measurePopupPaint(h, opens)));
    } finally {
      await h.close();
    }
  }
  return rows;
}

/** Three accounts on the one server (three users: fewer than 6 streams), each live with its own counts. */
async function configureThreeAccounts(h: Harness): Promise<void> {
  for (const { user, notices } of USERS) {
    if (user !== USER) await h.server.upsertUser(user);
    for (let i = 0; i < notices; i++) await h.server.publish({ username: user.username, notice_type: 2 });
  }
  const accounts = USERS.map(({ id, label, user }) => ({
    ...pickConnection(DEFAULT_SETTINGS),
    id,
    label,
    serverUrl: h.server.url,
    authMethod: 'token',
    token: user.token,
  }));
  await h.evaluateInBackground(
    `(background.browser ?? background.chrome).storage.local.set({ settings: ${JSON.stringify(accounts)} })`,
  );
  const snapshotTotals = `(background.browser ?? background.chrome).storage.local.get('snapshot').then(({ snapshot }) =>
    snapshot.accounts.map((a) => a.connection.status + ':' + Object.values(a.counts).reduce((s, c) => s + c, 0)))`;
  const want = USERS.map(({ notices }) => `live:${notices}`);
  await waitFor(
    () => h.evaluateInBackground<string[]>(snapshotTotals),
    (states) => states.join() === want.join(),
    `three live accounts with ${want.join(', ')}`,
    20_000,
  );
  // What is measured is the popup of three sections, not one.
  const popup = await h.openPage('popup.html');
  try {
    const sections = `document.querySelectorAll('[data-test=account-toggle]').length`;
    await waitFor(
      () => popup.evaluate<number>(sections),
      (count) => count === 3,
      'three popup sections',
      10_000,
    );
  } finally {
    await popup.close();
  }
}

function toRow(
  browser: BenchBrowser,
  accounts: number,
  paint: { beacon: number[]; floor: number[] },
): PopupAccountsRow {
  const popupMs = paint.beacon.length ? median(paint.beacon) : null;
  const floorMs = paint.floor.length ? median(paint.floor) : null;
  const ratio = popupMs !== null && floorMs ? popupMs / floorMs : null;
  return { browser, accounts, popupMs, floorMs, ratio, samples: Math.min(paint.beacon.length, paint.floor.length) };
}

/** The section as Markdown: a heading, the machine and its load, then a row per browser and account count. */
export function formatPopupAccounts(rows: PopupAccountsRow[], machine: string): string {
  const ms = (value: number | null) => (value === null ? '—' : `${round(value)} ms`);
  return [
    '## Popup with several accounts (`npm run bench -- --only popup-accounts`)',
    '',
    `${machine} · medians of ${rows[0]?.samples ?? 0} warm opens of each page, alternating, in one profile per browser`,
    '',
    '| browser | accounts | popup open → counts painted, warm (median) | framework-free page | ratio | goal | met |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.browser} | ${row.accounts} | ${ms(row.popupMs)} | ${ms(row.floorMs)} | ` +
        `${row.ratio === null ? '—' : `${round(row.ratio, 2)}×`} | ≤ ${POPUP_RATIO_GOAL}× | ` +
        `${row.ratio === null ? '—' : row.ratio <= POPUP_RATIO_GOAL ? 'yes' : 'no'} |`,
    ),
  ].join('\n');
}

/** Writes the section into bench/results(-quick).md (replacing the previous one); returns it. */
export function savePopupAccounts(rows: PopupAccountsRow[], quick: boolean): string {
  const machine = `${new Date().toISOString()} · ${cpus().length} cores, load average ${round(loadavg()[0]!, 1)} at the end (other work shares the cores)`;
  const section = formatPopupAccounts(rows, machine);
  saveSection(resultsFile(quick), 'popup-accounts', section);
  return section;
}
