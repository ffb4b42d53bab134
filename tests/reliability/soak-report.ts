/** The soak's report: what each fault cost, and every violated invariant. */
import type { RigBrowserName } from './rig';

export interface FaultStats {
  name: string;
  description: string;
  injected: number;
  recovered: number;
  /** Worst time from the heal (plus any wait Beacon was told to keep) to the right badge. */
  worstConvergenceMs: number;
  /** Worst wait by design Beacon still had when the fault was healed (Retry-After, backoff, the 30 s alarm). */
  worstAllowanceMs: number;
  attemptsWhileDown: number;
  downMs: number;
  haltedAttempts: number;
}

export interface SoakReport {
  browser: RigBrowserName;
  seed: number;
  durationMs: number;
  steps: number;
  events: number;
  notifications: number;
  /** Notifications the bursts could justify: a burst of n > 3 at most one summary, else n singles. */
  notificationBound: number;
  /** Category counts that differed from the server's at the end (must be 0). */
  lost: number;
  stats: FaultStats[];
  violations: string[];
}

/** The report as a Markdown table, as docs/reliability.md shows it. */
export function formatSoakReport(report: SoakReport): string {
  const perMinute = (stat: FaultStats) =>
    stat.downMs > 0
      ? `${stat.attemptsWhileDown} in ${(stat.downMs / 1000).toFixed(0)} s (${((stat.attemptsWhileDown * 60_000) / stat.downMs).toFixed(1)}/min)`
      : '—';
  const lines = [
    `${report.browser}, seed ${report.seed}: ${report.steps} faults in ${(report.durationMs / 1000).toFixed(0)} s, ${report.events} events published, ` +
      `${report.notifications} OS notifications (bound ${report.notificationBound}), ${report.lost} counts lost, ${report.violations.length} violations.`,
    '',
    '| fault | injected | recovered | worst wait by design at heal (ms) | worst heal → right badge (ms) | attempts while down | retries while waiting for the user |',
    '|---|---|---|---|---|---|---|',
    ...report.stats.map(
      (stat) =>
        `| ${stat.name}: ${stat.description} | ${stat.injected} | ${stat.recovered} | ${stat.worstAllowanceMs} | ${stat.worstConvergenceMs} | ${perMinute(stat)} | ${stat.haltedAttempts} |`,
    ),
  ];
  if (report.violations.length)
    lines.push('', 'Violations:', ...report.violations.map((violation) => `- ${violation}`));
  return lines.join('\n');
}
