/**
 * `npm run bench:guessing`: how fast one address can guess credentials against the reference server. For each way in
 * (bearer token, cookie sign-in, admin token) it sends wrong guesses one after another from 127.0.0.1 for 10 s of
 * real time and counts those the server checked (401) and refused unchecked (429). Then it runs one simulated hour on
 * the server's injected clock: on a 429 the attacker waits exactly `Retry-After` (the clock jumps), so the figure is
 * the most one address can check in an hour. Loopback only.
 */
import { randomBytes } from 'node:crypto';
import { startBeaconServer } from '../server/app';

const ADMIN = 'bench-guess-admin-token';
const REAL_SECONDS = 10;
const SIMULATED_MS = 3_600_000;

type Way = 'bearer' | 'sign-in' | 'admin';

function guess(url: string, way: Way): Promise<Response> {
  const wrong = randomBytes(12).toString('base64url');
  if (way === 'sign-in') {
    return fetch(`${url}/auth/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-origin' },
      body: JSON.stringify({ token: wrong }),
    });
  }
  const path = way === 'admin' ? '/admin/users/nobody' : '/notification/me';
  return fetch(`${url}${path}`, {
    method: way === 'admin' ? 'PUT' : 'GET',
    headers: { Authorization: `Bearer ${wrong}`, 'Content-Type': 'application/json' },
    body: way === 'admin' ? '{}' : undefined,
  });
}

interface Tally {
  checked: number;
  refused: number;
  /** The simulated hour was not reached within the real-time limit: `checked` is scaled up to it. */
  extrapolated: boolean;
}

/** Guesses until `budgetMs` of the server's clock passed; `skew` is how far the fake clock runs ahead of real time. */
async function run(way: Way, budgetMs: number, simulate: boolean): Promise<Tally> {
  let skew = 0;
  const now = () => Date.now() + skew;
  const server = await startBeaconServer({ adminToken: ADMIN, now, users: [] });
  const started = now();
  const realStart = Date.now();
  const tally: Tally = { checked: 0, refused: 0, extrapolated: false };
  try {
    // Without a back-off the simulated hour would take an hour: stop after the real-time limit and scale up.
    while (now() - started < budgetMs && Date.now() - realStart < REAL_SECONDS * 1000) {
      const response = await guess(server.url, way);
      await response.arrayBuffer();
      if (response.status === 429) {
        tally.refused++;
        if (simulate) skew += Number(response.headers.get('retry-after') ?? 1) * 1000;
      } else if (response.status === 401) tally.checked++;
      else throw new Error(`unexpected ${response.status} for a wrong ${way} guess`);
    }
  } finally {
    await server.close();
  }
  const elapsed = now() - started;
  if (elapsed < budgetMs) {
    tally.checked = Math.round((tally.checked * budgetMs) / elapsed);
    tally.extrapolated = true;
  }
  return tally;
}

async function main() {
  for (const way of ['bearer', 'sign-in', 'admin'] as const) {
    const real = await run(way, REAL_SECONDS * 1000, false);
    const hour = await run(way, SIMULATED_MS, true);
    console.log(
      `${way.padEnd(8)} in ${REAL_SECONDS} s: ${real.checked} checked, ${real.refused} refused (429) | ` +
        `in 1 h (simulated clock): ${hour.checked} checked${hour.extrapolated ? ' (extrapolated)' : ''}, ` +
        `${hour.refused} refused`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
