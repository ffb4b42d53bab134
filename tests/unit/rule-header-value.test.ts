/**
 * One rule for a value Beacon sends in a header (protocol §7.2: Latin-1, no control characters, no space at either
 * end), and every caller held to it: the Last-Event-ID Beacon keeps, the headers checked before `fetch`, the token the
 * options page accepts.
 */
import { describe, expect, it } from 'vitest';
import { createApiClientForSettings } from '@/utils/connection/api-client';
import { getUnsendableHeader } from '@/utils/connection/request-check';
import { isHeaderSafe, isValidEventId } from '@/utils/protocol/wire';
import { DEFAULT_SETTINGS } from '@/utils/settings/settings';
import { validateSettings } from '@/utils/settings/settings-validation';

const VALUES: Array<[value: string, safe: boolean, why: string]> = [
  ['', true, 'the empty value (an empty id resets Last-Event-ID)'],
  ['k3j9x.18', true, 'printable ASCII'],
  ['Bearer abc', true, 'a space inside'],
  ['café-1', true, 'Latin-1'],
  ['x\u00ff', true, 'the last Latin-1 character'],
  [' padded', false, 'a space at the start: fetch strips it, the server gets another value'],
  ['padded ', false, 'a space at the end: stripped too'],
  ['a\tb', false, 'a tab: a control character'],
  ['\t', false, 'a tab alone: stripped to nothing'],
  ['a\r\nX-Injected: 1', false, 'CR LF: a header injection'],
  ['a\nb', false, 'LF alone'],
  ['a\u0000b', false, 'NUL'],
  ['a\u0007b', false, 'BEL'],
  ['a\u007fb', false, 'DEL'],
  ['évènement-✓', false, 'a character beyond Latin-1: fetch throws'],
  ['\u0100', false, 'the first character beyond Latin-1'],
  ['\ud83d\ude00', false, 'an emoji (a surrogate pair)'],
];

describe('a value safe to send in a header', () => {
  it.each(VALUES)('%j: %s (%s)', (value, safe) => {
    expect(isHeaderSafe(value)).toBe(safe);
  });

  it.each(VALUES)('%j is kept as a Last-Event-ID only when safe', (value, safe) => {
    expect(isValidEventId(value)).toBe(safe);
  });

  it.each(VALUES)('%j in a header Beacon sends is found before fetch only when unsafe', (value, safe) => {
    expect(getUnsendableHeader({ Accept: 'text/event-stream', 'Last-Event-ID': value })).toBe(
      safe ? null : 'Last-Event-ID',
    );
  });

  // The options page trims what users paste, so a token is held to the rule without its ends.
  it.each(VALUES.filter(([value]) => value !== '' && value === value.trim()))(
    '%j as a token is accepted by the options page only when safe',
    (token, safe) => {
      const errors = validateSettings({ ...DEFAULT_SETTINGS, serverUrl: 'https://x.test', token });
      expect(errors.token).toBe(safe ? undefined : 'errorTokenInvalid');
    },
  );

  it('a stored token with spaces around it is sent trimmed, and an empty one not at all', () => {
    const sent = (token: string) =>
      createApiClientForSettings({ ...DEFAULT_SETTINGS, serverUrl: 'https://x.test', token }, fetch).getStreamRequest(
        null,
      ).headers;
    expect(sent(' abc ')).toEqual({ Authorization: 'Bearer abc' });
    expect(sent('  ')).toEqual({});
  });
});
