/** `npm run server -- [--port P] [--demo] [--data DIR] …`: starts the reference server until SIGINT/SIGTERM. */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startBeaconServer } from './app';
import { DEMO_USER, seedDemoInbox, startDemoTraffic } from './demo-traffic';
import { loadSecrets } from './secret-sources';

const USAGE = `Usage: npm run server -- [options]
  --port P               port (0 = a free one, printed; default 8787)
  --host H               address to listen on (default 127.0.0.1)
  --public-url URL       the origin browsers reach the server at, e.g. https://beacon.example.com behind a TLS
                         proxy: the session cookie is Secure (__Host-beacon_session) unless this is loopback over
                         plain HTTP (default: decided by --host)
  --data DIR             keep data in DIR across restarts (default: memory only)
  --redis URL            keep everything in Redis (redis://HOST:PORT[/DB]; default $BEACON_REDIS_URL), shared by
                         every instance on it, so several can run behind one load balancer (docs/deploying.md)
  --redis-prefix P       prefix of every Redis key (default beacon:)
  --demo                 seed the "${DEMO_USER.username}" user and publish a notification every few seconds
  --demo-interval MS     mean time between demo notifications (default 4000)
  --admin-token-file F   read the token for /admin endpoints (at least 16 characters) from the first line of F
                         (default: $BEACON_ADMIN_TOKEN, or random and printed)
  --admin-token T        the same on the command line, where ps shows it to every local user (warns)
  --allow-origin URL     a web app origin that may call the API with the user's cookie (CORS with credentials,
                         cookie-authenticated changes); repeatable. Beacon itself needs none.
  --users-file F         create or update users: one NAME:TOKEN[:ROLE] per line, # comments (also $BEACON_USERS)
  --user NAME:TOKEN:ROLE the same for one user on the command line (repeatable; warns, as --admin-token)
  --heartbeat MS         heartbeat interval (default 15000)
  --retry MS             send "retry: MS" on each stream
  --replay-limit N       events kept per user for Last-Event-ID replay (default 100)
  --legacy-username-auth accept ?username= (deprecated, insecure)
  --legacy-events        send {"notice_type": n} only, as old servers did (clients refetch counts)
  --max-streams-per-user N  open streams one user may hold (default 16; 429 beyond)
  --max-streams N        open streams of all users together (default 1000; 503 beyond)
  --max-connections N    open connections (default 1024; 503 beyond)
  --max-connections-per-address N  open connections from one address, IPv6 per /64 (default 32; 429 beyond);
                         raise it behind a NAT or a reverse proxy, where many clients share one address
  --mark-read-limit B:R  mark-read calls per user: a burst of B, then R a second (default 30:1; 429 beyond)
  --trust-proxy          count sign-in failures for the last X-Forwarded-For address (only behind a proxy that sets it)
  --session-ttl S        cookie sessions end S seconds after sign-in (default 604800, a week)`;

function parseNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new Error(`${name} must be a whole number, got ${value}`);
  return number;
}

function parseRate(value: string | undefined): { burst: number; perSecond: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+):(\d+(?:\.\d+)?)$/.exec(value);
  if (!match || Number(match[1]) < 1 || Number(match[2]) <= 0) {
    throw new Error(`--mark-read-limit wants BURST:PER_SECOND (e.g. 30:1), got ${value}`);
  }
  return { burst: Number(match[1]), perSecond: Number(match[2]) };
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'public-url': { type: 'string' },
      data: { type: 'string' },
      redis: { type: 'string' },
      'redis-prefix': { type: 'string' },
      demo: { type: 'boolean' },
      'demo-interval': { type: 'string' },
      'admin-token': { type: 'string' },
      'admin-token-file': { type: 'string' },
      user: { type: 'string', multiple: true },
      'users-file': { type: 'string' },
      heartbeat: { type: 'string' },
      retry: { type: 'string' },
      'replay-limit': { type: 'string' },
      'legacy-username-auth': { type: 'boolean' },
      'legacy-events': { type: 'boolean' },
      'max-streams-per-user': { type: 'string' },
      'max-streams': { type: 'string' },
      'max-connections': { type: 'string' },
      'max-connections-per-address': { type: 'string' },
      'trust-proxy': { type: 'boolean' },
      'mark-read-limit': { type: 'string' },
      'session-ttl': { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const secrets = await loadSecrets({
    adminToken: values['admin-token'],
    adminTokenFile: values['admin-token-file'],
    users: values.user,
    usersFile: values['users-file'],
    env: process.env,
  });
  for (const warning of secrets.warnings) console.error(`beacon server: warning: ${warning}`);
  const adminToken = secrets.adminToken ?? randomBytes(16).toString('hex');
  const server = await startBeaconServer({
    port: parseNumber(values.port, '--port', 8787),
    host: values.host,
    publicUrl: values['public-url'],
    dataDir: values.data,
    redisUrl: values.redis ?? (process.env.BEACON_REDIS_URL || undefined),
    redisPrefix: values['redis-prefix'],
    adminToken,
    users: secrets.users,
    heartbeatMs: parseNumber(values.heartbeat, '--heartbeat', 15_000),
    retryMs: values.retry === undefined ? undefined : parseNumber(values.retry, '--retry', 0),
    replayLimit: parseNumber(values['replay-limit'], '--replay-limit', 100),
    legacyUsernameAuth: values['legacy-username-auth'] ?? false,
    legacyEvents: values['legacy-events'] ?? false,
    maxStreamsPerUser: parseNumber(values['max-streams-per-user'], '--max-streams-per-user', 16),
    maxStreams: parseNumber(values['max-streams'], '--max-streams', 1000),
    maxConnections: parseNumber(values['max-connections'], '--max-connections', 1024),
    maxConnectionsPerAddress: parseNumber(values['max-connections-per-address'], '--max-connections-per-address', 32),
    trustProxy: values['trust-proxy'] ?? false,
    markReadLimit: parseRate(values['mark-read-limit']),
    sessionTtlMs: parseNumber(values['session-ttl'], '--session-ttl', 604_800) * 1000,
    allowedOrigins: values['allow-origin'] ?? [],
    log: (line) => console.log(`[${new Date().toISOString()}] ${line}`),
  });
  console.log(`Beacon reference server listening on ${server.url}`);
  if (secrets.adminToken === null) console.log(`admin token: ${adminToken}`);

  let stopDemo = () => {};
  if (values.demo) {
    await seedDemoInbox(server.store);
    stopDemo = startDemoTraffic(server.store, parseNumber(values['demo-interval'], '--demo-interval', 4000));
    console.log(`demo user "${DEMO_USER.username}" (token ${DEMO_USER.token}) gets a notification every few seconds`);
  }

  const shutdown = async (signal: string) => {
    console.log(`${signal}: closing streams and saving`);
    stopDemo();
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`beacon server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
