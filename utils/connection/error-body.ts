/** Reads the protocol's `{"error": "…"}` answer (protocol §8) from a failed response. */
import type { ErrorBody } from '../protocol/wire';
import { readBodyCapped } from './server-input';

/** Longest server error sentence kept: it is shown to the user and must not flood the popup. */
const MAX_ERROR_CHARS = 200;
/** An error body is a sentence: more than this is not read at all. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** The error sentence in a body's text, or '' when it is not the protocol's JSON error. */
export function getErrorSentence(text: string): string {
  try {
    const body = JSON.parse(text) as Partial<ErrorBody> | null;
    if (typeof body?.error === 'string') return body.error.slice(0, MAX_ERROR_CHARS);
  } catch {
    // not JSON: the status says enough
  }
  return '';
}

/** The server's error sentence, or '' when the body is not the protocol's JSON error (or too large). Never throws. */
export async function readErrorMessage(response: Response): Promise<string> {
  try {
    return getErrorSentence(await readBodyCapped(response, MAX_ERROR_BODY_BYTES));
  } catch {
    return '';
  }
}
