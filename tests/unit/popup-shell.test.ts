import { describe, expect, it } from 'vitest';
import { fillShell, getStoredShell, paintPlainCounts } from '@/utils/popup/popup-shell';
import { getZeroCounts } from '@/utils/protocol/categories';

const SHELL = `<main><h1>Beacon <span data-test="total">3 unread</span></h1><ul>
<li class="row" data-category="likes"><span data-test="count">1</span></li>
<li class="row row--zero" data-category="stars"><span data-test="count">0</span></li></ul></main>`;

function container(html: string): HTMLElement {
  const element = document.createElement('div');
  element.innerHTML = html;
  return element;
}

describe('popup shell', () => {
  it('writes the current counts and total into the last markup', () => {
    const app = container(SHELL);
    expect(fillShell(app, { counts: { ...getZeroCounts(), likes: 120, stars: 2 } })).toBe(true);
    expect(app.querySelector('[data-category=likes] [data-test=count]')!.textContent).toBe('99+');
    expect(app.querySelector('[data-category=stars]')!.classList.contains('row--zero')).toBe(false);
    expect(app.querySelector('[data-test=total]')!.textContent).toBe('99+ unread');
    expect(app.querySelector('main')!.hasAttribute('inert')).toBe(true);
  });

  it('refuses a shell that cannot show the state as the popup would', () => {
    expect(fillShell(container(SHELL), { counts: getZeroCounts() })).toBe(false);
    expect(fillShell(container('<p>unconfigured</p>'), { counts: getZeroCounts() })).toBe(false);
  });

  it('paints a plain list when there is no shell yet', () => {
    const app = container('');
    paintPlainCounts(app, { counts: { ...getZeroCounts(), comments: 4 } }, ['likes', 'comments'], (c) => c);
    expect([...app.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['likes: 0', 'comments: 4']);
  });
});

describe('getStoredShell', () => {
  const version = 'chrome-extension://id/chunks/popup-1.js';
  const account = 'http://127.0.0.1:8787|token|alice';

  it('gives the shell this build kept for this account', () => {
    expect(getStoredShell({ html: '<ul></ul>', version, account }, version, account)).toBe('<ul></ul>');
  });

  it("gives nothing for another build's, another account's or a broken value", () => {
    const other = 'chrome-extension://id/chunks/popup-0.js';
    expect(getStoredShell({ html: '<ul></ul>', version: other, account }, version, account)).toBeNull();
    expect(getStoredShell({ html: '<ul></ul>', version, account: 'bob' }, version, account)).toBeNull();
    expect(getStoredShell({ html: '<ul></ul>', version, account }, version, null)).toBeNull();
    for (const broken of [null, 'html', 42, { html: 7, version, account }, { version, account }, []]) {
      expect(getStoredShell(broken, version, account)).toBeNull();
    }
    expect(getStoredShell({ html: '<ul></ul>', version: undefined, account }, undefined, account)).toBeNull();
  });
});
