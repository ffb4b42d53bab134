/** Checks on request input for the reference server: each failure is an HttpError with a JSON message (protocol §8). */
import { canSeeCategory, isCategory, type Category } from '../utils/protocol/categories';
import { MAX_ITEM_URL_LENGTH } from '../utils/protocol/wire';
import { HttpError } from './http-utils';
import type { User } from './store/backend';

const MAX_TEXT_LENGTH = 10_000;

export function requireCategory(name: string): Category {
  if (!isCategory(name)) throw new HttpError(404, `unknown category ${JSON.stringify(name)}`);
  return name;
}

export function requireVisible(category: Category, user: User) {
  if (!canSeeCategory(category, user.role)) throw new HttpError(403, `role ${user.role} cannot read ${category}`);
}

export function parseIntegerParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new HttpError(
      400,
      `${name} must be an integer from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'up' : max}`,
    );
  }
  return value;
}

export function parseReadIds(body: unknown): string[] | undefined {
  if (body === undefined) return undefined;
  const object = asObject(body);
  if (object.ids === undefined) return undefined;
  if (!Array.isArray(object.ids) || !object.ids.every((id) => typeof id === 'string')) {
    throw new HttpError(400, 'ids must be an array of strings');
  }
  return object.ids as string[];
}

export function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function optionalText(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > MAX_TEXT_LENGTH) {
    throw new HttpError(400, `${field} must be a string of at most ${MAX_TEXT_LENGTH} characters`);
  }
  // A lone UTF-16 surrogate is no character: JSON keeps it as an escape other readers refuse (Redis's cjson).
  if (/\p{Cs}/u.test(value)) throw new HttpError(400, `${field} must be well-formed Unicode text`);
  return value;
}

/** An item URL as clients keep it (protocol §7.5): a longer one would reach users as no URL at all, so it is refused. */
export function optionalUrl(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string' && value.length <= MAX_ITEM_URL_LENGTH) {
    try {
      const parsed = new URL(value);
      const fits = parsed.href.length <= MAX_ITEM_URL_LENGTH;
      if (fits && (parsed.protocol === 'https:' || parsed.protocol === 'http:')) return parsed.href;
    } catch {
      // falls through to the error below
    }
  }
  throw new HttpError(400, `url must be an absolute http(s) URL of at most ${MAX_ITEM_URL_LENGTH} characters`);
}
