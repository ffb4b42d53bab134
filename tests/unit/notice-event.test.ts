import { describe, expect, it } from 'vitest';
import { parseNoticeEvent } from '@/utils/connection/notice-event';

describe('parseNoticeEvent', () => {
  it('reads the legacy form and the full form', () => {
    expect(parseNoticeEvent('{"notice_type":2}')).toEqual({
      ok: true,
      event: { category: 'comments', unreadCount: null, kind: 'notice', notice: null, refusedItem: false },
    });
    const full = parseNoticeEvent(
      '{"notice_type":3,"unread_count":4,"id":"n-1","title":"Maintenance","content":"Tonight","url":"https://app.test/n/1","created_at":"2026-11-24T10:00:00Z"}',
    );
    expect(full).toEqual({
      ok: true,
      event: {
        category: 'system',
        unreadCount: 4,
        kind: 'notice',
        notice: {
          id: 'n-1',
          title: 'Maintenance',
          content: 'Tonight',
          url: 'https://app.test/n/1',
          createdAt: '2026-11-24T10:00:00.000Z', // kept in one canonical form (protocol §7.5)
        },
        refusedItem: false,
      },
    });
    expect(parseNoticeEvent('{"notice_type":1,"unread_count":0,"kind":"read"}')).toMatchObject({
      ok: true,
      event: { kind: 'read', unreadCount: 0 },
    });
  });

  it('reports malformed data and unknown types without throwing', () => {
    expect(parseNoticeEvent('not json')).toMatchObject({ ok: false, problem: 'malformed' });
    expect(parseNoticeEvent('[1,2]')).toMatchObject({ ok: false, problem: 'malformed' });
    expect(parseNoticeEvent('null')).toMatchObject({ ok: false, problem: 'malformed' });
    expect(parseNoticeEvent('{"title":"x"}')).toMatchObject({ ok: false, problem: 'malformed' });
    for (const type of ['9', '-1', '"2"', '1.5', 'null']) {
      expect(parseNoticeEvent(`{"notice_type":${type}}`)).toMatchObject({ ok: false, problem: 'unknown-type' });
    }
  });

  it('ignores a bad unread_count and unsafe urls rather than trusting them', () => {
    const parsed = parseNoticeEvent('{"notice_type":0,"unread_count":-3,"title":"x","url":"javascript:alert(1)"}');
    expect(parsed).toMatchObject({ ok: true, event: { unreadCount: null, notice: { url: null } } });
  });

  it('keeps an item id that is a JSON number as a number (SQL keys), 0 included', () => {
    for (const id of [42, 0, Number.MAX_SAFE_INTEGER]) {
      expect(parseNoticeEvent(JSON.stringify({ notice_type: 2, unread_count: 3, id, title: 'Bob' }))).toMatchObject({
        ok: true,
        event: { unreadCount: 3, notice: { id, title: 'Bob' }, refusedItem: false },
      });
    }
  });

  it('refuses (drops and counts) a notice whose id is a number Beacon could not send back unchanged; the count applies', () => {
    for (const id of ['1.5', '-7', '9007199254740993', '1e300', 'true', '{}', '[]', '""']) {
      expect(parseNoticeEvent(`{"notice_type":2,"unread_count":3,"id":${id},"title":"Bob"}`), id).toMatchObject({
        ok: true,
        event: { unreadCount: 3, notice: null, refusedItem: true },
      });
    }
    // No id at all (or null) is an old server's notice: kept, without a "Mark read".
    expect(parseNoticeEvent('{"notice_type":2,"id":null,"title":"Bob"}')).toMatchObject({
      ok: true,
      event: { notice: { id: null, title: 'Bob' }, refusedItem: false },
    });
  });
});
