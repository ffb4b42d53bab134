/** Reads the protocol's `{"error": "…"}` answer (protocol §8) from a failed response. */
import type { ErrorBody } from '../protocol/wire';

/** Longest server error sentence kept: it is shown to the user and must not flood the popup. */
const MAX_ERROR_CHARS = 200;

/** The server's error sentence, or '' when the body is not the protocol's JSON error. Never throws. */
export async function readErrorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as Partial<ErrorBody> | null;
    if (typeof body?.error === 'string') return body.error.slice(0, MAX_ERROR_CHARS);
  } catch {
    // not JSON: the status says enough
  }
  return '';
}
