/** The REST half of the protocol (docs/protocol.md §4–§6), with auth applied per settings. */
import { describeError } from '../lib/errors';
import type { Category } from '../protocol/categories';
import { PATHS, type MarkReadBody, type MeBody } from '../protocol/wire';
import type { AuthMethod, Settings } from '../settings/settings';
import { getBaseUrl } from '../settings/server-url';
import type { Notice } from '../snapshot/snapshot';
import type { ItemPage } from '../snapshot/inbox-item';
import type { ConnectionReason } from './connection-reason';
import { readErrorMessage } from './error-body';
import { parseItemPage } from './item-page';
import { parseNotice } from './notice-event';
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
    return this.status === 401 || this.status === 403;
  }
}

/** What the badge needs of one category: its unread count and newest item. */
export interface CategorySummary {
  unreadCount: number;
  latest: Notice | null;
}

export interface ApiClient {
  getMe(signal?: AbortSignal): Promise<MeBody>;
  getCategorySummary(category: Category, signal?: AbortSignal): Promise<CategorySummary>;
  markRead(category: Category): Promise<void>;
  /** One page of a category's items, newest first (protocol §5). */
  getCategoryPage(category: Category, page: number, limit: number, signal?: AbortSignal): Promise<ItemPage>;
  /** Marks these items read (protocol §6, `{"ids": [...]}`). */
  markItemsRead(category: Category, ids: string[]): Promise<void>;
  getStreamRequest(lastEventId: string | null): StreamRequest;
}

/** The API client for the server and sign-in in these settings. */
export function createApiClientForSettings(settings: Settings, fetchFn: typeof fetch): ApiClient {
  const auth = { method: settings.authMethod, token: settings.token, username: settings.username };
  return createApiClient(getBaseUrl(settings.serverUrl), auth, fetchFn);
}

function createApiClient(baseUrl: string, auth: AuthConfig, fetchFn: typeof fetch): ApiClient {
  const headers: Record<string, string> = {};
  if (auth.method === 'token') headers.Authorization = `Bearer ${auth.token}`;
  const credentials: RequestCredentials = auth.method === 'cookie' ? 'include' : 'omit';
  const urlFor = (path: string, query: Record<string, string> = {}) => {
    const url = new URL(baseUrl + path);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    if (auth.method === 'username') url.searchParams.set('username', auth.username);
    return url.href;
  };

  const request = async (path: string, init: RequestInit & { query?: Record<string, string> } = {}) => {
    let response: Response;
    try {
      response = await fetchFn(urlFor(path, init.query), {
        ...init,
        headers: { Accept: 'application/json', ...headers, ...(init.headers as Record<string, string>) },
        credentials,
        cache: 'no-store',
      });
    } catch (error) {
      throw new ApiError({ code: 'network', detail: describeError(error), path });
    }
    if (!response.ok) {
      const detail = await readErrorMessage(response);
      throw new ApiError({ code: 'http', status: response.status, detail, path }, response.headers.get('Retry-After'));
    }
    return response;
  };

  const readJson = async (response: Response, path: string): Promise<Record<string, unknown>> => {
    try {
      const body: unknown = await response.json();
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
      const count = body.unread_count;
      if (!Number.isInteger(count) || (count as number) < 0) {
        throw new ApiError({ code: 'invalid-response', detail: 'unread_count', path });
      }
      const first = Array.isArray(body.data) ? (body.data[0] as unknown) : undefined;
      return { unreadCount: count as number, latest: parseNotice(first) };
    },
    async markRead(category) {
      await request(PATHS.markRead(category), jsonPost({}));
    },
    async getCategoryPage(category, page, limit, signal) {
      const path = PATHS.category(category);
      const query = { page: String(page), limit: String(limit) };
      const parsed = parseItemPage(await readJson(await request(path, { signal, query }), path), page, limit);
      if (!parsed) throw new ApiError({ code: 'invalid-response', detail: 'unread_count, data', path });
      return parsed;
    },
    async markItemsRead(category, ids) {
      await request(PATHS.markRead(category), jsonPost({ ids }));
    },
    getStreamRequest(lastEventId) {
      return { url: urlFor(PATHS.stream), headers, credentials, lastEventId };
    },
  };
}

/** A mark-read POST: always a JSON body with its Content-Type, which servers may require of cookie sign-ins (CSRF). */
function jsonPost(body: MarkReadBody): RequestInit {
  return { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}
