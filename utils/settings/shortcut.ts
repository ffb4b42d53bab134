/**
 * The keyboard shortcut that opens the popup: a manifest command (MV3 `_execute_action`, MV2
 * `_execute_browser_action`). Alt+Shift+U ("notifications") is free in Chrome and Firefox on every platform (Chrome
 * uses Alt+Shift+B/T/I/A, Firefox none with Alt+Shift); users change it in the browser's shortcut settings.
 */
export const DEFAULT_POPUP_SHORTCUT = 'Alt+Shift+U';

const POPUP_COMMANDS = ['_execute_action', '_execute_browser_action'];

/** The command that opens the popup in a manifest of this version. */
export function getPopupCommandName(manifestVersion: number): string {
  return manifestVersion === 2 ? '_execute_browser_action' : '_execute_action';
}

/** The popup's shortcut as the browser reports it (`commands.getAll()`), or null when the user removed it. */
export function getPopupShortcut(commands: Array<{ name?: string; shortcut?: string }>): string | null {
  const command = commands.find(({ name }) => name !== undefined && POPUP_COMMANDS.includes(name));
  return command?.shortcut ? command.shortcut : null;
}
