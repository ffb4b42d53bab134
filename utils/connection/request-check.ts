/**
 * Values Beacon sends (headers, URLs), checked before they go out: a value `fetch` refuses fails the request before
 * it reaches the network, every time, so it must be found and dropped rather than retried (issue #14). And what a
 * failing fetch says must never quote a header back into logs, tooltips or diagnostics.
 */
import { isHeaderSafe } from '../protocol/wire';

/** The name of the first header whose value cannot be sent as it is (`isHeaderSafe`), or null when all can. */
export function getUnsendableHeader(headers: Record<string, string>): string | null {
  for (const [name, value] of Object.entries(headers)) if (!isHeaderSafe(value)) return name;
  return null;
}

/** Shortest header value hidden from error texts (shorter ones, like "1", would blank out unrelated words). */
const MIN_REDACTED_CHARS = 4;

/**
 * An error text with every header value Beacon sent (the Authorization header above all) replaced: browsers quote a
 * refused header value in their TypeError ("'Bearer …' is not a valid HTTP header field value").
 */
export function redactHeaderValues(text: string, headers: Record<string, string>): string {
  let redacted = text;
  for (const value of Object.values(headers)) {
    if (value.length < MIN_REDACTED_CHARS) continue;
    redacted = redacted.split(value).join('[redacted]');
    // The token alone, in case the text quotes it without its "Bearer " prefix.
    const [, credential] = /^\S+ (.{4,})$/.exec(value) ?? [];
    if (credential) redacted = redacted.split(credential).join('[redacted]');
  }
  return redacted;
}
