/** A scriptable `fetch` for unit tests: streams the test writes to, and JSON answers per path. */

export interface FakeStream {
  request: { url: string; headers: Record<string, string> };
  push(text: string): void;
  /** Ends the body normally (the server closed the stream). */
  end(): void;
  /** Breaks the body (the network dropped). */
  fail(message?: string): void;
  readonly aborted: boolean;
}

type Answer = Response | ((url: URL, init: RequestInit) => Response | Promise<Response>);

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** Node's HTTP server refuses request heads larger than this (--max-http-header-size) with 431. */
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * What a browser's fetch does with a header value it cannot send: rejects before any byte goes out, with a TypeError
 * that quotes the value (Chromium's wording).
 */
function checkHeadersLikeABrowser(headers: Record<string, string>): void {
  for (const value of Object.values(headers))
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value))
      throw new TypeError(`Failed to execute 'fetch': '${value}' is not a valid HTTP header field value.`);
}

export class FakeFetch {
  readonly requests: Array<{ url: string; method: string; headers: Record<string, string> }> = [];
  readonly streams: FakeStream[] = [];
  private streamAnswers: Array<Response | 'stream'> = [];
  private routes = new Map<string, Answer>();
  private streamWaiters: Array<(stream: FakeStream) => void> = [];
  private handedOut = 0;

  /** Answers for the next stream requests, in order; afterwards every request gets an open stream. */
  queueStreamAnswer(...answers: Array<Response | 'stream'>): void {
    this.streamAnswers.push(...answers);
  }

  /** Answer for a REST path such as `/notification/likes`. */
  route(path: string, answer: Answer): void {
    this.routes.set(path, answer);
  }

  /** Resolves with the next stream not yet handed to the test, waiting for it to open if need be. */
  nextStream(): Promise<FakeStream> {
    const ready = this.streams[this.handedOut];
    if (ready) {
      this.handedOut++;
      return Promise.resolve(ready);
    }
    return new Promise((resolve) => this.streamWaiters.push(resolve));
  }

  countRequests(path: string): number {
    return this.requests.filter((request) => new URL(request.url).pathname.endsWith(path)).length;
  }

  fetch: typeof fetch = async (input, init = {}) => {
    const url = new URL(String(input));
    const headers = { ...(init.headers as Record<string, string>) };
    checkHeadersLikeABrowser(headers); // such a request never reaches the server, so it is not recorded
    this.requests.push({ url: url.href, method: init.method ?? 'GET', headers });
    const headerBytes = Object.entries(headers).reduce((sum, [name, value]) => sum + name.length + value.length, 0);
    if (headerBytes > MAX_HEADER_BYTES) return new Response(null, { status: 431 });
    if (url.pathname.endsWith('/notification/socket_connection')) {
      const answer = this.streamAnswers.shift() ?? 'stream';
      if (answer !== 'stream') return answer;
      return this.openStream(url, headers, init.signal ?? undefined);
    }
    const path = url.pathname.replace(/^\/api/, '');
    const answer = this.routes.get(path);
    if (!answer) return jsonResponse(404, { error: `no route ${path}` });
    return typeof answer === 'function' ? answer(url, init) : answer.clone();
  };

  private openStream(url: URL, headers: Record<string, string>, signal: AbortSignal | undefined): Response {
    const encoder = new TextEncoder();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let closed = false;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const stream: FakeStream = {
      request: { url: url.href, headers },
      push: (text) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      },
      end: () => {
        if (!closed) controller.close();
        closed = true;
      },
      fail: (message = 'network error') => {
        if (!closed) controller.error(new TypeError(message));
        closed = true;
      },
      get aborted() {
        return signal?.aborted ?? false;
      },
    };
    signal?.addEventListener('abort', () => stream.fail('aborted'));
    this.streams.push(stream);
    const waiter = this.streamWaiters.shift();
    if (waiter) {
      this.handedOut++;
      waiter(stream);
    }
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
  }
}
