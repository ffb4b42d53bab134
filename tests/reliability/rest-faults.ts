/** The fault proxy's misbehaving count answers (issue #14): never, megabytes, or 1 byte/s. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A count request (`GET /notification/{category}`, protocol §5): what the REST faults misbehave on. */
export const COUNT_PATH = /^\/notification\/(likes|stars|comments|system|manager|report_email)(\?|$)/;
/** What a REST fault does to count requests: never answer, answer with a body of many MB, or at 1 byte/s. */
export type RestFault = 'hang' | 'huge-body' | 'slow-body';
/** A well-formed count answer with a count no server has here: accepting it would put a wrong number on the badge. */
const WRONG_COUNT_BODY = '{"data":[],"unread_count":0,"page":1,"limit":1,"total":0}';

export function answerWithRestFault(fault: RestFault, req: IncomingMessage, res: ServerResponse): void {
  if (fault === 'hang') return; // accepted, never answered
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'Access-Control-Allow-Origin': req.headers.origin ?? '*',
  });
  if (fault === 'huge-body') {
    // 8 MB of valid JSON: only a size cap keeps a client from reading (and trusting) all of it.
    res.end(`{"pad":"${'x'.repeat(8 * 1024 * 1024)}",${WRONG_COUNT_BODY.slice(1)}`);
    return;
  }
  res.flushHeaders();
  let offset = 0;
  const timer = setInterval(() => {
    if (res.destroyed || offset >= WRONG_COUNT_BODY.length) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(WRONG_COUNT_BODY[offset++]);
  }, 1000);
  res.on('close', () => clearInterval(timer));
}
