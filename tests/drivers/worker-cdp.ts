/**
 * A CDP session on the extension's service worker (heap, sampling profiler). Playwright opens CDP sessions on pages
 * only, so this one goes through a page's session with CDP's non-flattened target messages
 * (`Target.attachToTarget` with `flatten: false`, then `Target.sendMessageToTarget`). Chromium only.
 */
import type { BrowserContext, CDPSession } from 'playwright-core';
import { withDeadline } from './test-server';

export interface WorkerCdpSession {
  /** Typed as Playwright's page sessions are. */
  send: CDPSession['send'];
  close(): Promise<void>;
}

interface Reply {
  id?: number;
  result?: unknown;
  error?: { message: string };
}

export async function openWorkerCdpSession(context: BrowserContext, extensionId: string): Promise<WorkerCdpSession> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const { targetInfos } = await cdp.send('Target.getTargets');
  const target = targetInfos.find((t) => t.type === 'service_worker' && t.url.includes(extensionId));
  if (!target) throw new Error(`no service worker of ${extensionId} among ${targetInfos.length} targets`);
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  const waiting = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const reply = JSON.parse(event.message) as Reply;
    const call = reply.id === undefined ? undefined : waiting.get(reply.id);
    if (!call) return; // an event, not a reply
    waiting.delete(reply.id!);
    if (reply.error) call.reject(new Error(reply.error.message));
    else call.resolve(reply.result);
  });
  let lastId = 0;
  const send = (method: string, params?: object): Promise<unknown> => {
    const id = ++lastId;
    const reply = new Promise<never>((resolve, reject) => waiting.set(id, { resolve, reject }));
    const message = JSON.stringify({ id, method, params: params ?? {} });
    void cdp.send('Target.sendMessageToTarget', { sessionId, message }).catch((error: Error) => {
      waiting.get(id)?.reject(error);
      waiting.delete(id);
    });
    return withDeadline(reply, `worker CDP ${method}`, 60_000);
  };
  return {
    send: send as CDPSession['send'],
    async close() {
      await cdp.detach().catch(() => {});
      await page.close().catch(() => {});
    },
  };
}
