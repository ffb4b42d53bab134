/**
 * The MV3 service-worker lifetime, tested the way users run Chrome: without any automation connection. A browser
 * driven over CDP keeps workers alive and would hide the 30-second idle stop (shared/BROWSERS.md), so Chromium is
 * started as a plain process and watched only through the reference server. It mostly waits, so it runs beside the
 * reliability run in reliability-chromium.e2e.test.ts instead of adding two minutes to the suite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { CHROMIUM_PATH, hasBrowser } from '../drivers/browsers';
import { CHROME_EXTENSION_DIR, ChromiumBeacon, getChromiumArgs } from '../drivers/chromium';
import { TestServer, USER, waitFor } from '../drivers/test-server';
import { isLiveTitle } from '../drivers/badge-title';

/** Longer than Chrome's 30 s idle timeout and its 5-minute-per-event rule's first checks: two minutes. */
const IDLE_MS = 125_000;

export function defineWorkerLifetimeScenario(): void {
  describe.skipIf(!hasBrowser('chromium'))('Chromium service-worker lifetime (no CDP)', () => {
    it(
      'keeps one stream open for two minutes of heartbeats only, and still handles the next event',
      { timeout: IDLE_MS + 90_000 },
      // The test's own expect: it runs concurrently with another test.
      async ({ expect }) => {
        let server: TestServer | null = null;
        let chromium: ChildProcess | null = null;
        const profile = await mkdtemp(join(tmpdir(), 'beacon-lifetime-'));
        try {
          // Legacy events make the extension refetch, so the server sees that the worker handled an event.
          server = await TestServer.start({ heartbeatMs: 15_000, legacyEvents: true });
          const live = server;

          // 1. Configure through a driven browser, then close it: settings stay in the profile.
          const setup = await ChromiumBeacon.launch(CHROME_EXTENSION_DIR, profile);
          await setup.configure({ serverUrl: live.url, authMethod: 'token', token: USER.token });
          await waitFor(
            () => setup.badge(),
            (badge) => isLiveTitle(badge.title),
            'configured and live',
          );
          await setup.close();
          await waitFor(
            () => live.live.streamCount(),
            (count) => count === 0,
            'setup browser gone',
          );

          // 2. The same profile in a plain Chromium process: no debugging port, no automation.
          const before = live.streamRequests().length;
          chromium = spawn(
            CHROMIUM_PATH,
            [...getChromiumArgs(CHROME_EXTENSION_DIR), `--user-data-dir=${profile}`, 'about:blank'],
            { stdio: 'ignore' },
          );
          await waitFor(
            () => live.live.streamCount(),
            (count) => count === 1,
            'the worker connected',
            30_000,
          );
          const connectedAt = live.streamRequests().length;
          expect(connectedAt).toBe(before + 1);

          // 3. Only heartbeats for two minutes: a stopped worker would cut the stream (and reconnect later via the
          // alarm).
          const deadline = Date.now() + IDLE_MS;
          while (Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 5000));
            expect(live.live.streamCount(), 'stream cut: the worker was stopped while idle').toBe(1);
          }
          expect(live.streamRequests().length, 'the worker reconnected during the idle period').toBe(connectedAt);

          // 4. The worker is alive, not just the socket: the next event makes it refetch that category.
          const requestsBefore = live.requests.length;
          await live.publish({ notice_type: 0, title: 'after two minutes' });
          await waitFor(
            () => live.requests.slice(requestsBefore).some((request) => request.url.startsWith('/notification/likes?')),
            (seen) => seen,
            'the refetch of likes',
            5000,
          );
        } finally {
          chromium?.kill('SIGKILL');
          await server?.dispose();
          await rm(profile, { recursive: true, force: true });
        }
      },
    );
  });
}
