import { describe, expect, it } from 'vitest';
import { isQuietTime, planNotifications, type ArrivedNotice } from '@/utils/notifications/notification-plan';
import { DEFAULT_SETTINGS } from '@/utils/settings/settings';

const noon = new Date(2026, 10, 24, 12, 0);
const notice = (category: ArrivedNotice['category'], catchUp = false, title = 'T'): ArrivedNotice => ({
  category,
  title,
  content: 'C',
  url: null,
  catchUp,
});

describe('planNotifications', () => {
  it('shows up to three live events one by one', () => {
    const plans = planNotifications([notice('likes'), notice('comments', false, 'Bob')], DEFAULT_SETTINGS, noon);
    expect(plans).toEqual([
      { kind: 'single', category: 'likes', id: null, title: 'T', content: 'C', url: null },
      { kind: 'single', category: 'comments', id: null, title: 'Bob', content: 'C', url: null },
    ]);
  });

  it('summarises a burst instead of flooding', () => {
    const burst = Array.from({ length: 12 }, (_, i) => notice(i % 2 ? 'likes' : 'stars'));
    expect(planNotifications(burst, DEFAULT_SETTINGS, noon)).toEqual([
      { kind: 'summary', count: 12, categories: ['stars', 'likes'] },
    ]);
  });

  it('never floods on catch-up: one single or one summary', () => {
    expect(planNotifications([notice('system', true, 'Maintenance')], DEFAULT_SETTINGS, noon)).toEqual([
      { kind: 'single', category: 'system', id: null, title: 'Maintenance', content: 'C', url: null },
    ]);
    const replay = Array.from({ length: 50 }, () => notice('comments', true));
    expect(planNotifications(replay, DEFAULT_SETTINGS, noon)).toEqual([
      { kind: 'summary', count: 50, categories: ['comments'] },
    ]);
    // Live and catch-up together: one summary that counts both.
    expect(
      planNotifications([notice('likes'), notice('stars', true), notice('likes', true)], DEFAULT_SETTINGS, noon),
    ).toEqual([{ kind: 'summary', count: 3, categories: ['likes', 'stars'] }]);
  });

  it('counts an entry that stands for several events, and never shows it as a single', () => {
    const resync: ArrivedNotice = { ...notice('comments', true), count: 40 };
    expect(planNotifications([resync], DEFAULT_SETTINGS, noon)).toEqual([
      { kind: 'summary', count: 40, categories: ['comments'] },
    ]);
    const merged: ArrivedNotice = { ...notice('likes'), count: 2 };
    expect(planNotifications([notice('stars'), merged], DEFAULT_SETTINGS, noon)).toEqual([
      { kind: 'summary', count: 3, categories: ['stars', 'likes'] },
    ]);
  });

  it('respects per-category switches and quiet hours', () => {
    const settings = { ...DEFAULT_SETTINGS, notify: { ...DEFAULT_SETTINGS.notify, likes: false } };
    expect(planNotifications([notice('likes')], settings, noon)).toEqual([]);
    const quiet = { ...DEFAULT_SETTINGS, quietHours: { enabled: true, from: '11:00', to: '13:00' } };
    expect(planNotifications([notice('system')], quiet, noon)).toEqual([]);
  });
});

describe('isQuietTime', () => {
  const at = (h: number, m = 0) => new Date(2026, 10, 24, h, m);
  it('handles ranges within a day and across midnight', () => {
    const night = { enabled: true, from: '22:00', to: '07:00' };
    expect(isQuietTime(night, at(23))).toBe(true);
    expect(isQuietTime(night, at(3))).toBe(true);
    expect(isQuietTime(night, at(7))).toBe(false);
    expect(isQuietTime(night, at(12))).toBe(false);
    const lunch = { enabled: true, from: '12:00', to: '13:30' };
    expect(isQuietTime(lunch, at(12, 59))).toBe(true);
    expect(isQuietTime(lunch, at(13, 30))).toBe(false);
  });
  it('is off when disabled, equal, or malformed', () => {
    expect(isQuietTime({ enabled: false, from: '00:00', to: '23:59' }, at(12))).toBe(false);
    expect(isQuietTime({ enabled: true, from: '08:00', to: '08:00' }, at(8))).toBe(false);
    expect(isQuietTime({ enabled: true, from: 'late', to: '25:00' }, at(8))).toBe(false);
  });
});
