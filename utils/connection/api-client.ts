/** The REST half of the protocol (docs/protocol.md §4–§6), with auth applied per settings. */
import type { Category } from '../protocol/categories';
import type { AuthMethod } from '../settings/settings';
import type { Notice } from '../snapshot/snapshot';
import { describeError } from '../lib/errors';
import type { StreamRequest } from './sse-stream';

export interface AuthConfig {
  method: AuthMethod;
  token: string;
  username: string;
}

/** A failed API call. `status` is null for network errors and invalid responses. */
export class ApiError extends Error {
  constructor(
    readonly type: 'http' | 'network' | 'invalid-response',
    message: string,
    readonly status: number | null = null,
    readonly retryAfter: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isAuthError(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export interface CategoryResult {
  unreadCount: number;
  latest: Notice | null;
}

export interface ApiClient {
  getMe(signal?: AbortSignal): Promise<{ username: string; role: string }>;
  getCategory(category: Category, signal?: AbortSignal): Promise<CategoryResult>;
  markRead(category: Category): Promise<void>;
  getStreamRequest(lastEventId: string | null): StreamRequest;
}

export function createApiClient(baseUrl: string, auth: AuthConfig, fetchFn: typeof fetch): ApiClient {
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
      throw new ApiError('network', describeError(error));
    }
    if (!response.ok) {
      let message = `HTTP ${response.status}`;
      try {
        const body = (await response.json()) as { error?: unknown };
        if (typeof body.error === 'string') message = `HTTP ${response.status}: ${body.error.slice(0, 200)}`;
      } catch {
        // no JSON error body
      }
      throw new ApiError('http', message, response.status, response.headers.get('Retry-After'));
    }
    return response;
  };

  const readJson = async (response: Response): Promise<Record<string, unknown>> => {
    try {
      const body: unknown = await response.json();
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
    } catch {
      // handled below
    }
    throw new ApiError('invalid-response', `${response.url} did not answer a JSON object`);
  };

  return {
    async getMe(signal) {
      const body = await readJson(await request('/notification/me', { signal }));
      if (typeof body.username !== 'string' || typeof body.role !== 'string') {
        throw new ApiError('invalid-response', '/notification/me lacks username or role');
      }
      return { username: body.username, role: body.role };
    },
    async getCategory(category, signal) {
      const body = await readJson(
        await request(`/notification/${category}`, { signal, query: { page: '1', limit: '1' } }),
      );
      const count = body.unread_count;
      if (!Number.isInteger(count) || (count as number) < 0) {
        throw new ApiError('invalid-response', `/notification/${category} has no valid unread_count`);
      }
      const first = Array.isArray(body.data) ? (body.data[0] as unknown) : undefined;
      return { unreadCount: count as number, latest: parseNotice(first) };
    },
    async markRead(category) {
      await request(`/notification/${category}/read`, { method: 'POST' });
    },
    getStreamRequest(lastEventId) {
      return { url: urlFor('/notification/socket_connection'), headers, credentials, lastEventId };
    },
  };
}

/** Reads a notice from an item or an event payload; text stays plain text. Null if it has nothing to show. */
export function parseNotice(value: unknown): Notice | null {
  if (typeof value !== 'object' || value === null) return null;
  const item = value as Record<string, unknown>;
  const text = (field: string, max: number) =>
    typeof item[field] === 'string' ? (item[field] as string).slice(0, max) : '';
  const title = text('title', 300);
  const content = text('content', 2000);
  if (title === '' && content === '') return null;
  return {
    id: typeof item.id === 'string' ? item.id : null,
    title,
    content,
    url: typeof item.url === 'string' && /^https?:\/\//i.test(item.url) ? item.url : null,
    createdAt: typeof item.created_at === 'string' ? item.created_at : null,
  };
}
