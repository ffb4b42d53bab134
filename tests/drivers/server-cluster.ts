/**
 * Several reference server instances as child processes on one Redis, behind a small round-robin TCP proxy standing
 * in for a load balancer: an instance can be killed (SIGKILL) mid-stream, and the proxy then sends new connections
 * to the instances that still accept them, as a load balancer's health check would. Used by the two-instance e2e
 * test and the benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** Node with tsx's loader in the same process: the tsx command would run the server as a child that outlives a kill. */
const NODE_ARGS = ['--import', 'tsx', 'server/main.ts', '--port', '0'];

export class ServerProcess {
  /** Every line the instance logged (streams opened and closed, Redis state); never a token. */
  readonly lines: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /**
   * Starts `server/main.ts --port 0 …args` and waits for the address it prints. Secrets go in `env`
   * (`BEACON_ADMIN_TOKEN`, `BEACON_USERS`): the command line is visible to every local user.
   */
  static async start(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    const lines: string[] = [];
    const url = await new Promise<string>((done, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${lines.join('\n')}`)), 30_000);
      let pending = '';
      const onData = (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const parts = pending.split('\n');
        pending = parts.pop()!;
        for (const line of parts) {
          lines.push(line);
          const match = /listening on (http:\/\/\S+)/.exec(line);
          if (match) {
            clearTimeout(timer);
            done(match[1]!);
          }
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${lines.join('\n')}`)));
    });
    const server = new ServerProcess(child, url);
    server.lines.push(...lines);
    child.stdout!.on('data', (chunk: Buffer) => server.lines.push(...chunk.toString('utf8').trimEnd().split('\n')));
    return server;
  }

  /** The instance's process id (the bench reads its memory from /proc). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Open streams, as the instance's log counts them. */
  streamsOpened(): number {
    return this.lines.filter((line) => line.includes('stream opened')).length;
  }

  /** Ends the process at once, as a crash would: its streams are cut without a goodbye. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((done) => {
      this.child.once('exit', () => done());
      this.child.kill('SIGKILL');
    });
  }
}

/** What the proxy saw on one client connection (enough of HTTP/1.1 to check a test's claims). */
export interface ProxiedConnection {
  backendPort: number;
  /** The request bytes as text (headers and any body). */
  request: string;
  /** The answer bytes as text. */
  response: string;
}

export class RoundRobinProxy {
  readonly connections: ProxiedConnection[] = [];
  private next = 0;
  private readonly sockets = new Set<Socket>();
  /** Connections waiting to be routed while paused. */
  private waiting: Array<() => void> | null = null;

  private constructor(
    private readonly server: Server,
    private readonly backends: number[],
  ) {}

  static async start(backendPorts: number[]): Promise<RoundRobinProxy> {
    const server = createServer();
    const proxy = new RoundRobinProxy(server, backendPorts);
    server.on('connection', (client) => proxy.accept(client));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** Holds new connections (their bytes wait too) until `resume`, as a load balancer noticing a dead instance. */
  pause(): void {
    this.waiting ??= [];
  }

  resume(): void {
    const waiting = this.waiting ?? [];
    this.waiting = null;
    for (const route of waiting) route();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((done) => this.server.close(done));
  }

  /** Takes the next backend in turn; one that refuses the connection is skipped (it is down). */
  private accept(client: Socket): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    const held: Buffer[] = [];
    const hold = (chunk: Buffer) => held.push(chunk);
    client.on('data', hold);
    client.on('error', () => {});
    const tryBackend = (attempt: number) => {
      if (attempt >= this.backends.length) return client.destroy();
      const port = this.backends[this.next++ % this.backends.length]!;
      const upstream = connect({ port, host: '127.0.0.1' });
      let connected = false;
      upstream.on('error', () => (connected ? client.destroy() : tryBackend(attempt + 1)));
      upstream.once('connect', () => {
        connected = true;
        this.sockets.add(upstream);
        upstream.on('close', () => this.sockets.delete(upstream));
        const seen: ProxiedConnection = { backendPort: port, request: '', response: '' };
        this.connections.push(seen);
        client.off('data', hold);
        for (const chunk of held) this.forward(chunk, upstream, seen, 'request');
        client.on('data', (chunk: Buffer) => this.forward(chunk, upstream, seen, 'request'));
        upstream.on('data', (chunk: Buffer) => this.forward(chunk, client, seen, 'response'));
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
    };
    if (this.waiting) this.waiting.push(() => tryBackend(0));
    else tryBackend(0);
  }

  private forward(chunk: Buffer, to: Socket, seen: ProxiedConnection, side: 'request' | 'response'): void {
    seen[side] += chunk.toString('latin1');
    to.write(chunk);
  }
}
