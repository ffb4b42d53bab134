import { afterEach, describe, expect, it } from 'vitest';
import { formatSnooze, formatSnoozeEnd } from '@/utils/labels/snooze-text';
import { getSnooze, isSnoozed, normalizeSnooze } from '@/utils/settings/snooze';
import { getMessage, useLocale } from '../setup';
import type { Translate } from '@/utils/labels/message-key';

const t: Translate = (key, substitutions) => getMessage(key, substitutions);
const at = (text: string) => new Date(text).getTime(); // local time, as the user's clock

afterEach(() => useLocale('en'));

describe('snooze', () => {
  it('presets: one hour, tomorrow 08:00 local time (also just after midnight), until turned back on', () => {
    expect(getSnooze('hour', at('2026-11-24T12:00:00'))).toEqual({ until: at('2026-11-24T13:00:00') });
    expect(getSnooze('tomorrow', at('2026-11-24T22:30:00'))).toEqual({ until: at('2026-11-25T08:00:00') });
    expect(getSnooze('tomorrow', at('2026-11-30T00:10:00'))).toEqual({ until: at('2026-12-01T08:00:00') });
    expect(getSnooze('resume', at('2026-11-24T12:00:00'))).toEqual({ until: null });
  });

  it('is in force until its end, or for ever without one', () => {
    const now = at('2026-11-24T12:00:00');
    expect(isSnoozed(null, now)).toBe(false);
    expect(isSnoozed({ until: now + 1 }, now)).toBe(true);
    expect(isSnoozed({ until: now }, now)).toBe(false);
    expect(isSnoozed({ until: null }, now)).toBe(true);
  });

  it('reads only a well-formed stored value', () => {
    expect(normalizeSnooze({ until: 5 })).toEqual({ until: 5 });
    expect(normalizeSnooze({ until: null })).toEqual({ until: null });
    for (const bad of [null, 'x', {}, { until: 'soon' }, { until: Number.NaN }])
      expect(normalizeSnooze(bad)).toBeNull();
  });

  it('says until when, in the user’s language', () => {
    const now = at('2026-11-24T12:00:00');
    expect(formatSnoozeEnd(at('2026-11-24T13:05:00'), now, 'en-GB')).toBe('13:05');
    expect(formatSnoozeEnd(at('2026-11-25T08:00:00'), now, 'en-GB')).toBe('Wed 08:00');
    expect(formatSnooze({ until: 1 }, t, () => 'Wed 08:00')).toBe('Snoozed until Wed 08:00');
    useLocale('zh_CN');
    expect(formatSnooze({ until: null }, t, () => '')).toBe('已暂停通知，直到你重新开启');
  });
});
