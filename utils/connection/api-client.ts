/** The REST half of the protocol (docs/protocol.md §4–§6), with auth applied per settings. */
import { realClock, type Clock } from '../lib/clock';
import { describeError } from '../lib/errors';
import type { Category } from '../protocol/categories';
import { PATHS, type ItemId, type MarkReadBody, type MeBody } from '../protocol/wire';
import type { AuthMethod, Settings } from '../settings/settings';
import { getBaseUrl } from '../settings/server-url';
import type { Notice } from '../snapshot/snapshot';
import type { ItemPage } from '../snapshot/inbox-item';
import { isSignInRefused, type ConnectionReason } from './connection-reason';
import { getErrorSentence } from './error-body';
import { getWireItems, parseItemPage } from './item-page';
import { parseNotice } from './notice-event';
import { getUnsendableHeader, redactHeaderValues } from './request-check';
import { fetchFromServer, RedirectError } from './server-fetch';
import { BodyTooLargeError, parseCount, readBodyCapped, REST_DEADLINE_MS } from './server-input';
import type { StreamRequest } from './sse-stream';

interface AuthConfig {
  method: AuthMethod;
  token: string;
  username: string;
}

/** A failed API call; `reason` says why in codes the UI translates. */
export class ApiError extends Error {
  constructor(
    readonly reason: ConnectionReason,
    readonly retryAfter: string | null = null,
  ) {
    super(`${reason.path ?? ''} ${reason.code === 'http' ? `HTTP ${reason.status}` : reason.code}`.trim());
    this.name = 'ApiError';
  }

  get status(): number | null {
    return this.reason.code === 'http' ? this.reason.status : null;
  }

  get isAuthError(): boolean {
    return isSignInRefused(this.reason);
  }
}

/** Why a call failed, for any error it threw: an ApiError says; anything else is a network failure. */
export function getFailureReason(error: unknown): ConnectionReason {
  return error instanceof ApiError ? error.reason : { code: 'network', detail: String(error) };
}

/** What the badge needs of one category: its unread count and newest item. */
interface CategorySummary {
  unreadCount: number;
  latest: Notice | null;
}

export interface ApiClient {
  getMe(signal?: AbortSignal): Promise<MeBody>;
  getCategorySummary(category: Category, signal?: AbortSignal): Promise<CategorySummary>;
  markRead(category: Category): Promise<void>;
  /** One page of a category's items, newest first (protocol §5). */
  getCategoryPage(category: Category, page: number, limit: number, signal?: AbortSignal): Promise<ItemPage>;
  /** Marks these items read (protocol §6, `{"ids": [...]}`), each id in the type the server gave it. */
  markItemsRead(category: Category, ids: ItemId[]): Promise<void>;
  getStreamRequest(lastEventId: string | null): StreamRequest;
}

/** The API client for the server and sign-in in these settings. */
export function createApiClientForSettings(settings: Settings, fetchFn: typeof fetch, clock?: Clock): ApiClient {
  const auth = { method: settings.authMethod, token: settings.token, username: settings.username };
  return createApiClient(getBaseUrl(settings.serverUrl), auth, fetchFn, clock ?? realClock);
}

function createApiClient(baseUrl: string, auth: AuthConfig, fetchFn: typeof fetch, clock: Clock): ApiClient {
  const headers: Record<string, string> = {};
  if (auth.method === 'token') headers.Authorization = `Bearer ${auth.token}`;
  const credentials: RequestCredentials = auth.method === 'cookie' ? 'include' : 'omit';
  const urlFor = (path: string, query: Record<string, string> = {}) => {
    const url = new URL(baseUrl + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    if (auth.method === 'username') url.searchParams.set('username', auth.username);
    return url.href;
  };

  /**
   * One call, answer body included, within REST_DEADLINE_MS and MAX_REST_BODY_BYTES: a server that never answers, or
   * trickles, or sends megabytes, costs one failed call (retried by the caller's usual means), never a stuck one.
   */
  const request = async (
    path: string,
    init: { method?: string; signal?: AbortSignal; query?: Record<string, string>; json?: unknown } = {},
  ): Promise<string> => {
    const sent: Record<string, string> = { Accept: 'application/json', ...headers };
    if (init.json !== undefined) sent['Content-Type'] = 'application/json';
    const unsendable = getUnsendableHeader(sent);
    if (unsendable !== null) throw new ApiError({ code: 'unsendable-header', header: unsendable, path });
    const deadline = new AbortController();
    const timer = clock.setTimeout(() => deadline.abort(), REST_DEADLINE_MS);
    const cancel = () => deadline.abort();
    if (init.signal?.aborted) cancel();
    init.signal?.addEventListener('abort', cancel);
    try {
      const response = await fetchFromServer(fetchFn, urlFor(path, init.query), {
        method: init.method,
        headers: sent,
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
        credentials,
        cache: 'no-store',
        signal: deadline.signal,
      });
      const text = await readBodyCapped(response);
      if (!response.ok) {
        const reason = { code: 'http' as const, status: response.status, detail: getErrorSentence(text), path };
        throw new ApiError(reason, response.headers.get('Retry-After'));
      }
      return text;
    } catch (error) {
      if (error instanceof ApiError) throw error;
      if (error instanceof RedirectError) throw new ApiError({ code: 'redirect', path });
      if (error instanceof BodyTooLargeError) throw new ApiError({ code: 'too-large', bytes: error.limitBytes, path });
      if (deadline.signal.aborted && !init.signal?.aborted) {
        throw new ApiError({ code: 'timeout', seconds: REST_DEADLINE_MS / 1000, path });
      }
      throw new ApiError({ code: 'network', detail: redactHeaderValues(describeError(error), sent), path });
    } finally {
      clock.clearTimeout(timer);
      init.signal?.removeEventListener('abort', cancel);
    }
  };

  const readJson = (text: string, path: string): Record<string, unknown> => {
    try {
      const body: unknown = JSON.parse(text);
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
    } catch {
      // handled below
    }
    throw new ApiError({ code: 'invalid-response', detail: 'JSON object', path });
  };

  return {
    async getMe(signal) {
      const body = await readJson(await request(PATHS.me, { signal }), PATHS.me);
      if (typeof body.username !== 'string' || typeof body.role !== 'string') {
        throw new ApiError({ code: 'invalid-response', detail: 'username, role', path: PATHS.me });
      }
      return { username: body.username, role: body.role };
    },
    async getCategorySummary(category, signal) {
      const path = PATHS.category(category);
      const body = await readJson(await request(path, { signal, query: { page: '1', limit: '1' } }), path);
      const count = parseCount(body.unread_count);
      if (count === null) throw new ApiError({ code: 'invalid-response', detail: 'unread_count', path });
      return { unreadCount: count, latest: parseNotice(getWireItems(body.data)?.[0]) };
    },
    async markRead(category) {
      await request(PATHS.markRead(category), markReadPost({}));
    },
    async getCategoryPage(category, page, limit, signal) {
      const path = PATHS.category(category);
      const query = { page: String(page), limit: String(limit) };
      const parsed = parseItemPage(readJson(await request(path, { signal, query }), path), page, limit);
      if (!parsed) throw new ApiError({ code: 'invalid-response', detail: 'unread_count, data', path });
      return parsed;
    },
    async markItemsRead(category, ids) {
      await request(PATHS.markRead(category), markReadPost({ ids }));
    },
    getStreamRequest(lastEventId) {
      return { url: urlFor(PATHS.stream), headers, credentials, lastEventId };
    },
  };
}

/** A mark-read POST: always a JSON body, the type servers require of cookie-authenticated changes (CSRF, protocol §6). */
function markReadPost(body: MarkReadBody): { method: string; json: MarkReadBody } {
  return { method: 'POST', json: body };
}
