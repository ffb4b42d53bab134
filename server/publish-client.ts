/**
 * The publisher side of `POST /admin/publish` (protocol §7.4), as `npm run publish` uses it and as a publisher an
 * operator writes should behave: every attempt has a deadline and a size cap on the answer, and a `503` or `429` is
 * sent again after its `Retry-After` (clamped) while that fits in the retry window; other errors are not retried.
 */

export interface PublishOptions {
  adminToken: string;
  /** Per attempt: the whole answer must have come by then. */
  deadlineMs?: number;
  /** Retries stop when the next wait would end after this many ms from the first attempt. */
  retryWithinMs?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

const DEFAULT_DEADLINE_MS = 10_000;
const DEFAULT_RETRY_WITHIN_MS = 60_000;
/** A server's Retry-After is a hint, never a reason to hang: at most this long per wait. */
const MAX_RETRY_WAIT_MS = 30_000;
/** Without a usable Retry-After, a 503/429 is tried again after this long. */
const DEFAULT_RETRY_WAIT_MS = 5_000;
/** The reference server answers a publish with under 200 bytes; anything near this is not a publish answer. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Retry-After in ms (delta-seconds or an HTTP date), clamped to [0, MAX_RETRY_WAIT_MS]. */
function getRetryWaitMs(header: string | null, now: number): number {
  if (header === null) return DEFAULT_RETRY_WAIT_MS;
  const seconds = /^\s*\d+\s*$/.test(header) ? Number(header) : (Date.parse(header) - now) / 1000;
  if (!Number.isFinite(seconds)) return DEFAULT_RETRY_WAIT_MS;
  return Math.min(Math.max(seconds * 1000, 0), MAX_RETRY_WAIT_MS);
}

/** The answer's body as JSON, refusing one larger than the cap before it is all buffered. */
async function readCappedJson(response: Response): Promise<Record<string, unknown>> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) break;
    size += next.value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader?.cancel();
      throw new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(next.value);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

async function attempt(url: URL, body: unknown, options: PublishOptions) {
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const signal = AbortSignal.timeout(deadlineMs);
  try {
    const response = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${options.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      redirect: 'error',
      signal,
    });
    return { response, answer: await readCappedJson(response) };
  } catch (error) {
    if (signal.aborted) throw new Error(`no answer within ${deadlineMs} ms from ${url.origin}`);
    throw error;
  }
}

/** Publishes one notice; resolves with the server's answer (`id`, `event_id`, `unread_count`), else throws why. */
export async function sendPublish(
  server: string,
  body: Record<string, unknown>,
  options: PublishOptions,
): Promise<Record<string, unknown>> {
  const url = new URL('/admin/publish', server);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const retryWithinMs = options.retryWithinMs ?? DEFAULT_RETRY_WITHIN_MS;
  let waited = 0;
  for (;;) {
    const { response, answer } = await attempt(url, body, options);
    if (response.ok) return answer;
    const failure = new Error(`${response.status}: ${String(answer.error ?? response.statusText)}`);
    if (response.status !== 503 && response.status !== 429) throw failure;
    const waitMs = getRetryWaitMs(response.headers.get('retry-after'), Date.now());
    if (waited + waitMs > retryWithinMs) throw failure;
    waited += waitMs;
    await sleep(waitMs);
  }
}
