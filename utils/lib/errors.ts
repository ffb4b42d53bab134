/** A short, human-readable text for anything thrown (an Error without a message is named by its type). */
export function describeError(error: unknown): string {
  return (error instanceof Error && error.message) || String(error);
}
