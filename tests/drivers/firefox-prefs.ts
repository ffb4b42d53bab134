/**
 * Firefox preferences changed while the browser runs, for what WebDriver BiDi cannot emulate (the colour scheme):
 * evaluated in the browser window's chrome context, which BiDi offers only with `-remote-allow-system-access`.
 */
import type { Browser } from 'puppeteer-core';

/** The BiDi connection under puppeteer's Browser (typed loosely by puppeteer: it has no command for chrome contexts). */
interface BidiConnection {
  send(method: string, params: object): Promise<{ result: unknown }>;
}

function bidiConnection(browser: Browser): BidiConnection {
  const connection = (browser as unknown as { connection?: Partial<BidiConnection> }).connection;
  if (typeof connection?.send !== 'function') throw new Error('puppeteer changed: Browser.connection has no send');
  return connection as BidiConnection;
}

/** Sets an integer preference now; pages that depend on it (media queries) update in place. */
export async function setFirefoxIntPref(browser: Browser, name: string, value: number): Promise<void> {
  const session = bidiConnection(browser);
  const tree = (await session.send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 })).result as {
    contexts: { context: string }[];
  };
  const chrome = tree.contexts[0]?.context;
  if (!chrome) throw new Error('no chrome browsing context (is Firefox started with -remote-allow-system-access?)');
  const answer = (
    await session.send('script.evaluate', {
      expression: `Services.prefs.setIntPref(${JSON.stringify(name)}, ${value})`,
      target: { context: chrome },
      awaitPromise: false,
    })
  ).result as { type: string; exceptionDetails?: { text: string } };
  if (answer.type !== 'success') throw new Error(`setting ${name}: ${answer.exceptionDetails?.text ?? answer.type}`);
}
