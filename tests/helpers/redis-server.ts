/**
 * A real `redis-server` for tests and benchmarks, on a free port in a temporary folder: started, killed (SIGKILL,
 * as a crash) and started again on the same port, with or without an append-only file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REDIS_SERVER_PATH = process.env.BEACON_REDIS_SERVER ?? '/usr/bin/redis-server';

/**
 * Why Redis tests cannot run here, or null when they can (scripts/install-system-deps.sh installs it). Like a missing
 * browser: skipped loudly locally, a failure with CI=true, so a green CI always ran the Redis suites.
 */
export function getRedisMissingReason(): string | null {
  if (existsSync(REDIS_SERVER_PATH)) return null;
  const message = `${REDIS_SERVER_PATH} not found: install it with "apt-get install -y redis-server" (or set BEACON_REDIS_SERVER)`;
  if (process.env.CI === 'true') throw new Error(`${message}. CI needs it.`);
  console.warn(`\n!!! SKIPPING REDIS TESTS: ${message}\n`);
  return message;
}

/** A port no one listens on now (the OS picks it). */
export async function getFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class RedisProcess {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly appendOnly: boolean,
  ) {}

  /** `appendOnly`: every write is fsynced before Redis answers, so an acknowledged write survives a crash. */
  static async start(options: { appendOnly?: boolean } = {}): Promise<RedisProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'beacon-redis-'));
    const redis = new RedisProcess(await getFreePort(), dir, options.appendOnly ?? false);
    await redis.launch();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Ends Redis at once, as a crash would: nothing is saved beyond what the append-only file already holds. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    await killRedisServer(child);
  }

  /** Starts again on the same port and folder (so with the same append-only file). */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const persistence = this.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.dir, ...persistence];
    this.child = await spawnRedisServer(args, this.port);
  }
}

/** Ends a `redis-server` at once (SIGKILL, as a crash would) and waits for it to exit. */
export async function killRedisServer(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Starts `redis-server` with these arguments and waits until it listens on `port` (10 s at most). */
export async function spawnRedisServer(args: string[], port: number): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER_PATH, args, { stdio: 'ignore' });
  const started = Date.now();
  while (!(await isListening(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    if (Date.now() - started > 10_000) throw new Error(`redis-server did not listen on ${port} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return child;
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
