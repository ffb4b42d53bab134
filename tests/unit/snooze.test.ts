import { afterEach, describe, expect, it } from 'vitest';
import { formatSnooze, formatSnoozeEnd, formatSnoozeMinutes, getSnoozePresetLabel } from '@/utils/labels/snooze-text';
import {
  DEFAULT_SNOOZE_PRESETS,
  SNOOZE_MINUTES,
  SNOOZE_PRESETS,
  getSnooze,
  isSnoozed,
  normalizeSnooze,
  parseSnoozePresets,
} from '@/utils/settings/snooze';
import { getMessage, useLocale } from '../setup';
import type { Translate } from '@/utils/labels/message-key';

const t: Translate = (key, substitutions) => getMessage(key, substitutions);
const at = (text: string) => new Date(text).getTime(); // local time, as the user's clock

afterEach(() => useLocale('en'));

describe('snooze', () => {
  it('default presets: one hour, tomorrow 08:00 local time (also just after midnight), until turned back on', () => {
    expect(getSnooze('short', at('2026-11-24T12:00:00'))).toEqual({ until: at('2026-11-24T13:00:00') });
    expect(getSnooze('tomorrow', at('2026-11-24T22:30:00'))).toEqual({ until: at('2026-11-25T08:00:00') });
    expect(getSnooze('tomorrow', at('2026-11-30T00:10:00'))).toEqual({ until: at('2026-12-01T08:00:00') });
    expect(getSnooze('resume', at('2026-11-24T12:00:00'))).toEqual({ until: null });
  });

  it("uses the user's presets: the short snooze's length and the time tomorrow ends at", () => {
    const noon = at('2026-11-24T12:00:00');
    expect(getSnooze('short', noon, { minutes: 30, tomorrowAt: '08:00' })).toEqual({
      until: at('2026-11-24T12:30:00'),
    });
    expect(getSnooze('short', noon, { minutes: 240, tomorrowAt: '08:00' })).toEqual({
      until: at('2026-11-24T16:00:00'),
    });
    expect(getSnooze('tomorrow', noon, { minutes: 60, tomorrowAt: '07:30' })).toEqual({
      until: at('2026-11-25T07:30:00'),
    });
    expect(getSnooze('tomorrow', at('2026-12-31T23:00:00'), { minutes: 60, tomorrowAt: '23:59' })).toEqual({
      until: at('2027-01-01T23:59:00'),
    });
    // Whatever reached it unchecked falls back to the defaults rather than to a snooze that never ends.
    expect(getSnooze('short', noon, { minutes: 45, tomorrowAt: 'soon' } as never)).toEqual({
      until: at('2026-11-24T13:00:00'),
    });
    expect(getSnooze('tomorrow', noon, { minutes: 45, tomorrowAt: 'soon' } as never)).toEqual({
      until: at('2026-11-25T08:00:00'),
    });
  });

  it('reads presets field by field: unknown lengths and malformed times are the defaults', () => {
    expect(parseSnoozePresets({ minutes: 120, tomorrowAt: '06:45' })).toEqual({ minutes: 120, tomorrowAt: '06:45' });
    expect(parseSnoozePresets({ minutes: 120 })).toEqual({ minutes: 120, tomorrowAt: '08:00' });
    for (const minutes of [45, '60', 0, -60, 1e9, null, Number.NaN])
      expect(parseSnoozePresets({ minutes, tomorrowAt: '09:00' }), String(minutes)).toEqual({
        minutes: 60,
        tomorrowAt: '09:00',
      });
    for (const tomorrowAt of ['8:00', '24:00', '07:60', '07:30:00', ' 07:30', 730, '', null])
      expect(parseSnoozePresets({ minutes: 30, tomorrowAt }), String(tomorrowAt)).toEqual({
        minutes: 30,
        tomorrowAt: '08:00',
      });
    for (const bad of [null, undefined, 'x', 7, []]) expect(parseSnoozePresets(bad)).toEqual(DEFAULT_SNOOZE_PRESETS);
  });

  it('names the menu entries after the presets, in the user’s language', () => {
    const presets = { minutes: 120, tomorrowAt: '07:30' } as const;
    expect(SNOOZE_PRESETS.map((preset) => getSnoozePresetLabel(preset, presets, t))).toEqual([
      'For 2 hours',
      'Until tomorrow 07:30',
      'Until I turn them back on',
    ]);
    expect(SNOOZE_MINUTES.map((minutes) => formatSnoozeMinutes(minutes, t))).toEqual([
      '30 minutes',
      '1 hour',
      '2 hours',
      '4 hours',
    ]);
    useLocale('zh_CN');
    expect(getSnoozePresetLabel('short', { minutes: 30, tomorrowAt: '07:30' }, t)).toBe('30 分钟');
    expect(getSnoozePresetLabel('tomorrow', presets, t)).toBe('直到明天 07:30');
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
