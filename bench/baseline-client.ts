/**
 * The web app's original strategy, as a page in the same browser: `EventSource` with `?username=`, one REST refetch
 * per event (no coalescing), and a reconnect that doubles from 1 s and gives up after 5 tries. Served on loopback.
 * It records each count it shows, with a timestamp, for the benchmark to read.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const PAGE = `<!doctype html><meta charset="utf-8"><title>baseline</title><body><script>
const params = new URL(location.href).searchParams;
const server = params.get('server');
const user = encodeURIComponent(params.get('user'));
const names = ['likes', 'stars', 'comments', 'system', 'manager', 'report_email'];
window.__updates = [];
window.__shown = {};
window.__gaveUp = false;
let tries = 0;
function connect() {
  const source = new EventSource(server + '/notification/socket_connection?username=' + user);
  source.onopen = () => { tries = 0; };
  source.onmessage = async (event) => {
    const category = names[JSON.parse(event.data).notice_type];
    const response = await fetch(server + '/notification/' + category + '?page=1&limit=1&username=' + user);
    const body = await response.json();
    window.__shown[category] = body.unread_count;
    window.__updates.push([performance.timeOrigin + performance.now(), category, body.unread_count]);
  };
  source.onerror = () => {
    source.close();
    if (tries >= 5) { window.__gaveUp = true; return; }
    setTimeout(connect, Math.min(30, 2 ** tries) * 1000);
    tries++;
  };
}
connect();
</script>`;

export async function serveBaselinePage(): Promise<{
  /** The page's origin: the reference server answers it only when it is on the server's CORS allow-list. */
  origin: string;
  url: (server: string, user: string) => string;
  close(): Promise<void>;
}> {
  const http: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    url: (server, user) =>
      `http://127.0.0.1:${port}/?server=${encodeURIComponent(server)}&user=${encodeURIComponent(user)}`,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}
