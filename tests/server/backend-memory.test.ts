// @vitest-environment node
/** The backend contract against the embedded memory store. */
import { MemoryStore } from '../../server/store/memory-store';
import { describeBackendContract } from './backend-contract';

describeBackendContract(
  'memory',
  async ({ now, ...options }) => new MemoryStore({ ...options, now: now && (() => new Date(now())) }),
);
