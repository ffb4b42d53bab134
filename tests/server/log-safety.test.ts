// @vitest-environment node
/** Log forging: no client-supplied value can start a line, move the cursor, reorder text or flood a line. */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { formatLogValue } from '../../server/log-text';
import { auth, start, stream } from '../helpers/server-fixture';

const ADMIN = 'admin-secret-token';
/** Anything a terminal or a log viewer takes as a line break, an escape sequence or a direction change. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

describe('formatLogValue', () => {
  it.each([
    ['x\nalice', 'x\\nalice'],
    ['x\r\nstream opened for root', 'x\\r\\nstream opened for root'],
    ['\u001b[31mred\u001b[0m', '\\x1b[31mred\\x1b[0m'],
    ['a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['next\u0085line', 'next\\x85line'],
    ['nul\u0000del\u007f', 'nul\\x00del\\x7f'],
    ['\u202eevil', '\\u202eevil'],
    ['back\\slash', 'back\\\\slash'],
    ['tab\there', 'tab\\there'],
    ['plain name-1.2', 'plain name-1.2'],
  ])('%j → %s', (value, logged) => {
    expect(formatLogValue(value)).toBe(logged);
    expect(formatLogValue(value)).not.toMatch(UNSAFE);
  });

  it('caps a long value and says how long it was', () => {
    const logged = formatLogValue('a'.repeat(100_000));
    expect(logged.length).toBeLessThan(250);
    expect(logged).toMatch(/^a{200}… \(100000 characters\)$/);
  });

  it('never splits a surrogate pair at the cap', () => {
    const logged = formatLogValue(`${'a'.repeat(199)}😀${'b'.repeat(10)}`);
    expect(logged).toMatch(/^a{199}… \(211 characters\)$/);
  });
});

describe('server log', () => {
  it('logs a username with a line break, ANSI and U+2028 as one escaped line', async () => {
    const lines: string[] = [];
    const server = await start({ log: (line) => lines.push(line) });
    const name = 'x\nstream opened for alice\u001b[2K\u2028root';
    const token = 'forger-token-0123456789';
    const created = await fetch(`${server.url}/admin/users/${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: { ...auth(ADMIN), 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(created.status).toBe(200);
    const events = await stream(server, auth(token));
    await events.waitFor(': connected');
    events.close();
    await expect.poll(() => lines.filter((line) => line.startsWith('stream closed')).length).toBe(1);
    for (const line of lines) expect(line).not.toMatch(UNSAFE);
    expect(lines).toContain('stream opened for x\\nstream opened for alice\\x1b[2K\\u2028root (1 open)');
  });

  it('escapes a Host header a client sent, in the hint about a cookie without Secure', async () => {
    const lines: string[] = [];
    const server = await start({ log: (line) => lines.push(line) });
    // Node passes bytes 0x80–0xff of a header through as latin1: 0x85 is NEL, a line break for some log viewers.
    const body = JSON.stringify({ token: 'alice-token-123' });
    const request = Buffer.concat([
      Buffer.from('POST /auth/session HTTP/1.1\r\nHost: app.example\x85forged\r\n', 'latin1'),
      Buffer.from(`Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`),
      Buffer.from(body),
    ]);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.end(request));
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1.1 200/);
    const hint = lines.filter((line) => line.includes('without Secure'));
    expect(hint).toHaveLength(1);
    expect(hint[0]).toContain('app.example\\x85forged');
    for (const line of lines) expect(line).not.toMatch(UNSAFE);
  });
});
