/**
 * The one place client-supplied text is made safe for the log: a username `x\nalice` must not forge a line, an ANSI
 * escape must not rewrite the operator's terminal, a direction override must not reorder what they read, and a
 * 100 KB value must not flood a line.
 */

/** Longest client value kept in a log line (in UTF-16 units); the rest is counted, not written. */
const MAX_LOG_VALUE_LENGTH = 200;

/**
 * C0 and C1 controls and DEL (line breaks, ESC, NEL), the Unicode line and paragraph separators, and the
 * bidirectional controls (Trojan Source, CVE-2021-42574).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeCharacter(character: string): string {
  const named = NAMED_ESCAPES[character];
  if (named) return named;
  const code = character.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Escapes what could break or disguise a log line; backslashes are left alone (see {@link formatLogValue}). */
export function escapeLogLine(line: string): string {
  return line.replace(UNSAFE_CHARACTER, escapeCharacter);
}

/**
 * A client-supplied value (username, header, error text) as one unambiguous piece of a log line: backslashes
 * doubled (so a literal `\n` typed by a client differs from an escaped line break), unsafe characters escaped,
 * and cut at {@link MAX_LOG_VALUE_LENGTH} with the original length.
 */
export function formatLogValue(value: unknown): string {
  let text = String(value);
  let suffix = '';
  if (text.length > MAX_LOG_VALUE_LENGTH) {
    suffix = `… (${text.length} characters)`;
    text = text.slice(0, MAX_LOG_VALUE_LENGTH);
    // Half a surrogate pair would be written as U+FFFD.
    if (/[\ud800-\udbff]$/.test(text)) text = text.slice(0, -1);
  }
  return escapeLogLine(text.replaceAll('\\', '\\\\')) + suffix;
}
