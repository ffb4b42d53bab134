/** The background's heap and CPU time, read over a CDP session on it (Chromium; Firefox offers neither). */
import type { WorkerCdpSession } from '../tests/drivers/worker-cdp';

export interface WorkerProbe {
  /** Used JS heap bytes after a forced GC. */
  heapBytes(): Promise<number>;
  /** Starts the sampling profiler (a sample every millisecond). */
  startProfiler(): Promise<void>;
  /** Stops it: the ms of samples not in the "(idle)" node since the start. */
  stopProfiler(): Promise<number>;
}

export function createWorkerProbe(cdp: WorkerCdpSession): WorkerProbe {
  return {
    async heapBytes() {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    },
    // CDP's Performance domain is not offered on a service worker; the sampling profiler is.
    async startProfiler() {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
      await cdp.send('Profiler.start');
    },
    async stopProfiler() {
      const { profile } = await cdp.send('Profiler.stop');
      const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
      const deltas = profile.timeDeltas ?? [];
      const busyUs = (profile.samples ?? []).reduce((sum, node, i) => sum + (idle.has(node) ? 0 : (deltas[i] ?? 0)), 0);
      return busyUs / 1000;
    },
  };
}
