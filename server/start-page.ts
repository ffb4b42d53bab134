/**
 * The page at `/`, standing in for the operator's web app: the demo's notification clicks land here, and it signs the
 * browser in and out with the session cookie (the "browser session" sign-in Beacon can use). Its script is a separate
 * file so the CSP can forbid inline scripts; its requests are same-origin JSON, which the CSRF checks accept.
 */
import { isCategory } from '../utils/protocol/categories';
import { PATHS } from '../utils/protocol/wire';

/** No inline script, no framing (clickjacking the sign-out button), requests to this origin only. */
export const START_PAGE_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; " +
  "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

export const START_SCRIPT_PATH = '/start.js';

export function getStartPage(category: string | null): string {
  const shown =
    category && isCategory(category) ? `<p>You opened the <strong>${category}</strong> notifications.</p>` : '';
  return `<!doctype html><meta charset="utf-8"><title>Beacon reference server</title>
<body style="font: 16px system-ui, sans-serif; max-width: 40em; margin: 3em auto">
<h1>Beacon reference server</h1>${shown}
<p>This server implements Beacon's notification protocol (docs/protocol.md). In the demo, this page stands in for your
web app: clicking a Beacon notification or "Open app" brings you here.</p>
<p data-test="status" data-state="unknown">Checking sign-in…</p>
<form data-test="sign-in" hidden><label>Access token <input id="token" type="password" autocomplete="off"
required minlength="8"></label> <button type="submit">Sign in</button></form>
<button data-test="sign-out" type="button" hidden>Sign out</button>
<script src="${START_SCRIPT_PATH}"></script></body>`;
}

/** Shows who is signed in; signs in with a token and out, through the session endpoints. */
export const START_SCRIPT = `'use strict';
const status = document.querySelector('[data-test=status]');
const form = document.querySelector('[data-test=sign-in]');
const signOut = document.querySelector('[data-test=sign-out]');
const json = { 'Content-Type': 'application/json' };
async function refresh(note) {
  const response = await fetch(${JSON.stringify(PATHS.me)}, { cache: 'no-store' });
  const me = response.ok ? await response.json() : null;
  status.textContent = (note ? note + ' ' : '') + (me ? 'Signed in as ' + me.username + '.' : 'Signed out.');
  status.dataset.state = me ? 'signed-in' : 'signed-out';
  form.hidden = Boolean(me);
  signOut.hidden = !me;
}
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = form.querySelector('#token').value;
  const response = await fetch(${JSON.stringify(PATHS.session)}, { method: 'POST', headers: json, body: JSON.stringify({ token }) });
  form.reset();
  await refresh(response.ok ? '' : (await response.json()).error + '.');
});
signOut.addEventListener('click', async () => {
  await fetch(${JSON.stringify(PATHS.session)}, { method: 'DELETE', headers: json });
  await refresh('');
});
void refresh('');
`;
