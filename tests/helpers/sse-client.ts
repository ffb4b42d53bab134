/** A minimal SSE reader for tests in Node: collects raw text of a stream until told to stop. */
export interface OpenStream {
  status: number;
  headers: Headers;
  /** Everything received so far. */
  text(): string;
  /** Waits until the received text matches. */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  close(): void;
  /** Settles when the server ends the stream (or it is closed). */
  ended: Promise<void>;
}

export async function openStream(url: string, headers: Record<string, string> = {}): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { Accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  let received = '';
  const waiters = new Set<() => void>();
  const done = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        received += decoder.decode(chunk, { stream: true });
        for (const wake of waiters) wake();
      }
    } catch {
      // aborted
    }
    for (const wake of waiters) wake();
  })();
  return {
    ended: done,
    status: response.status,
    headers: response.headers,
    text: () => received,
    waitFor(pattern, timeoutMs = 3000) {
      const matches = () => (typeof pattern === 'string' ? received.includes(pattern) : pattern.test(received));
      return new Promise((resolve, reject) => {
        if (matches()) return resolve(received);
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${String(pattern)}; got:\n${received}`));
        }, timeoutMs);
        const check = () => {
          if (matches()) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(received);
          }
        };
        waiters.add(check);
      });
    },
    close: () => controller.abort(),
  };
}

/** Event ids in the order they were received. */
export function getEventIds(text: string): string[] {
  return [...text.matchAll(/^id: (.+)$/gm)].map((match) => match[1]!);
}
