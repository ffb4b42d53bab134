/** `npm run publish -- --server URL --admin-token T --user NAME --type N [--title …] [--content …] [--url …]` */
import { parseArgs } from 'node:util';

async function main() {
  const { values } = parseArgs({
    options: {
      server: { type: 'string', default: 'http://127.0.0.1:8787' },
      'admin-token': { type: 'string', default: process.env.BEACON_ADMIN_TOKEN },
      user: { type: 'string', default: 'demo' },
      type: { type: 'string' },
      title: { type: 'string' },
      content: { type: 'string' },
      url: { type: 'string' },
    },
  });
  if (values.type === undefined || !values['admin-token']) {
    throw new Error(
      'usage: npm run publish -- --type 0..5 --admin-token T [--server URL] [--user NAME] [--title …] [--content …] [--url …]',
    );
  }
  const response = await fetch(new URL('/admin/publish', values.server), {
    method: 'POST',
    headers: { Authorization: `Bearer ${values['admin-token']}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      username: values.user,
      notice_type: Number(values.type),
      title: values.title,
      content: values.content,
      url: values.url,
    }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${response.status}: ${String(body.error)}`);
  console.log(
    `published ${String(body.id)} (event ${String(body.event_id)}); unread in that category: ${String(body.unread_count)}`,
  );
}

main().catch((error: unknown) => {
  console.error(`publish: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
