/** Builds both extensions once per run, so the suites test the code as it is now. */
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  if (process.env.BEACON_E2E_SKIP_BUILD === '1') return;
  for (const args of [['build'], ['build', '-b', 'firefox']]) {
    execFileSync('npx', ['wxt', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}
