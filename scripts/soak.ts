/**
 * `npm run soak [-- --seed N] [-- --minutes M] [-- --browser chromium|firefox] [-- --out FILE] [-- --skip-build]`:
 * builds Beacon, then mixes faults at random (seeded; the seed is printed) against it in a real browser for a
 * bounded time, checking the invariants all along (tests/reliability/soak.ts). Exits non-zero on any violation.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runSoak } from '../tests/reliability/soak';
import { formatSoakReport } from '../tests/reliability/soak-report';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    minutes: { type: 'string' },
    browser: { type: 'string' },
    out: { type: 'string' },
    'skip-build': { type: 'boolean' },
  },
});
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const minutes = Number(values.minutes ?? 5);
const browser = values.browser === 'firefox' ? 'firefox' : 'chromium';
if (!Number.isInteger(seed) || !(minutes > 0)) {
  console.error(
    'usage: npm run soak -- [--seed <integer>] [--minutes <number>] [--browser chromium|firefox] [--out <file.md>] [--skip-build]',
  );
  process.exit(2);
}

if (!values['skip-build']) {
  console.log(`[soak] building the ${browser} extension`);
  execFileSync('npx', ['wxt', 'build', ...(browser === 'firefox' ? ['-b', 'firefox'] : [])], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
console.log(
  `[soak] seed ${seed}, ${minutes} min, ${browser} (repeat with: npm run soak -- --seed ${seed} --minutes ${minutes} --browser ${browser})`,
);
const report = await runSoak({
  browser,
  seed,
  durationMs: minutes * 60_000,
  scale: 'long',
  log: (line) => console.log(`[soak] ${line}`),
});
const markdown = formatSoakReport(report);
console.log(`\n${markdown}\n`);
if (values.out) {
  writeFileSync(values.out, `${markdown}\n`);
  writeFileSync(values.out.replace(/\.md$/, '') + '.json', `${JSON.stringify(report, null, 2)}\n`);
}
console.log(
  `[soak] seed ${seed}: ${report.violations.length === 0 ? 'all invariants held' : `${report.violations.length} violation(s)`}`,
);
process.exit(report.violations.length === 0 ? 0 : 1);
