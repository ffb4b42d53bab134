/** Secrets at rest and in comparison: only digests are kept, and compared in constant time. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Shorter tokens are refused: the admin token at start (the admin endpoints publish to and re-key every user), user
 * tokens from `--user` and the admin API. With the sign-in back-off, 16 random characters are far beyond guessing.
 */
const MIN_TOKEN_LENGTH = 16;
const MAX_TOKEN_LENGTH = 1024;
const TOKEN_PATTERN = new RegExp(`^[\\x21-\\x7e]{${MIN_TOKEN_LENGTH},${MAX_TOKEN_LENGTH}}$`);

/**
 * Why a token cannot be used, or null when it can: 16 to 1024 visible ASCII characters. Whitespace counts for
 * nothing (16 spaces is not a token) and is refused anywhere, as are control and non-ASCII characters: none of them
 * survives an `Authorization` header unchanged (fetch trims the ends and refuses the rest).
 */
export function getTokenProblem(token: unknown, what: string): string | null {
  if (typeof token === 'string' && TOKEN_PATTERN.test(token)) return null;
  return `${what} must be ${MIN_TOKEN_LENGTH} to ${MAX_TOKEN_LENGTH} visible ASCII characters, without spaces`;
}

/**
 * The SHA-256 of a secret, hex. Tokens and session ids are long random strings, so a fast unsalted digest is enough
 * to make a stolen data file useless for signing in (a low-entropy token chosen by a person is not protected).
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two secrets without leaking where they differ or how long they are: digests have equal length. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** A new random id for a session cookie: 192 bits, base64url (cookie-safe without escaping). */
export function newSessionId(): string {
  return randomBytes(24).toString('base64url');
}
