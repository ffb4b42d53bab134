/**
 * `npm run publish -- --server URL --user NAME --type N [--title …] [--content …] [--url …]`, with the admin token in
 * `BEACON_ADMIN_TOKEN` or `--admin-token-file F` (`--admin-token T` works but warns: ps shows it).
 */
import { parseArgs } from 'node:util';
import { sendPublish } from './publish-client';
import { loadSecrets } from './secret-sources';

async function main() {
  const { values } = parseArgs({
    options: {
      server: { type: 'string', default: 'http://127.0.0.1:8787' },
      'admin-token': { type: 'string' },
      'admin-token-file': { type: 'string' },
      user: { type: 'string', default: 'demo' },
      type: { type: 'string' },
      title: { type: 'string' },
      content: { type: 'string' },
      url: { type: 'string' },
    },
  });
  const secrets = await loadSecrets({
    adminToken: values['admin-token'],
    adminTokenFile: values['admin-token-file'],
    env: process.env,
  });
  for (const warning of secrets.warnings) console.error(`publish: warning: ${warning}`);
  if (values.type === undefined || !secrets.adminToken) {
    throw new Error(
      'usage: BEACON_ADMIN_TOKEN=… npm run publish -- --type 0..5 [--admin-token-file F] [--server URL] [--user NAME] ' +
        '[--title …] [--content …] [--url …]',
    );
  }
  // Sent again after a 503/429's Retry-After (a Redis failover, a reshard), with a deadline per attempt.
  const body = await sendPublish(
    values.server,
    {
      username: values.user,
      notice_type: Number(values.type),
      title: values.title,
      content: values.content,
      url: values.url,
    },
    { adminToken: secrets.adminToken },
  );
  console.log(
    `published ${String(body.id)} (event ${String(body.event_id)}); unread in that category: ${String(body.unread_count)}`,
  );
}

main().catch((error: unknown) => {
  console.error(`publish: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
