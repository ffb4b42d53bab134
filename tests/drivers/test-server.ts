/** The reference server for end-to-end tests: free port, fresh data directory, restartable, request log. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getVisibleCategories } from '../../utils/protocol/categories';
import { startBeaconServer, type BeaconServer, type BeaconServerOptions, type RecordedRequest } from '../../server/app';

const ADMIN_TOKEN = 'e2e-admin-token-0123';
export const USER = { username: 'alice', token: 'alice-e2e-token', role: 'user' };
export const ADMIN_USER = { username: 'root', token: 'root-e2e-token', role: 'admin' };

/** A request as the server received it, with when (epoch ms, sub-millisecond; what bench/stats `now()` gives). */
export interface TimedRequest extends RecordedRequest {
  at: number;
}

export class TestServer {
  readonly requests: TimedRequest[] = [];
  private server: BeaconServer | null = null;
  private port = 0;
  /** Seeded at every start, so a changed token survives a restart like the rest of the data. */
  private users = [USER, ADMIN_USER];

  private constructor(
    private readonly dataDir: string,
    private readonly options: Partial<BeaconServerOptions>,
  ) {}

  static async start(options: Partial<BeaconServerOptions> = {}): Promise<TestServer> {
    const dataDir = await mkdtemp(join(tmpdir(), 'beacon-e2e-'));
    const server = new TestServer(dataDir, options);
    await server.listen();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get live(): BeaconServer {
    if (!this.server) throw new Error('server is stopped');
    return this.server;
  }

  /** Publishes through the admin endpoint, as an operator would. */
  async publish(body: {
    username?: string;
    notice_type: number;
    title?: string;
    content?: string;
    url?: string;
  }): Promise<{ id: string; unread_count: number }> {
    const response = await fetch(`${this.url}/admin/publish`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: USER.username, ...body }),
    });
    if (response.status !== 201) throw new Error(`publish failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string; unread_count: number };
  }

  /** The true total a user's badge must show. */
  async total(username = USER.username, role = 'user'): Promise<number> {
    const counts = await this.live.store.unreadCounts(username);
    return getVisibleCategories(role).reduce((sum, category) => sum + counts[category], 0);
  }

  /** Adds or changes a user (a new token revokes the old one), now and across restarts. */
  async upsertUser(user: { username: string; token: string; role: string }): Promise<void> {
    this.users = [...this.users.filter((known) => known.username !== user.username), user];
    await this.live.store.upsertUser(user);
  }

  streamRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.url.startsWith('/notification/socket_connection'));
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }

  /** Stops and starts again on the same port with the same data. */
  async restart(): Promise<void> {
    await this.stop();
    await this.listen();
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  private async listen(): Promise<void> {
    this.server = await startBeaconServer({
      adminToken: ADMIN_TOKEN,
      users: this.users,
      heartbeatMs: 15_000,
      dataDir: this.dataDir,
      port: this.port,
      onRequest: (request) => this.requests.push({ ...request, at: performance.timeOrigin + performance.now() }),
      ...this.options,
    });
    this.port = this.server.port;
  }
}

/** Polls until `read()` satisfies `accept`; fails with the last value seen. */
export async function waitFor<T>(
  read: () => Promise<T> | T,
  accept: (value: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const started = Date.now();
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${String(lastError)}` : ''}`,
  );
}

/** A browser step that has no deadline of its own (puppeteer's `type` and `click`): fails naming the step. */
export async function withDeadline<T>(step: Promise<T>, what: string, timeoutMs = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([step, expired]);
  } finally {
    clearTimeout(timer);
  }
}
