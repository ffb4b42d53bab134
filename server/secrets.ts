/** Secrets at rest and in comparison: only digests are kept, and compared in constant time. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Shorter admin tokens are refused at start: the admin endpoints publish to and re-key every user. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

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
