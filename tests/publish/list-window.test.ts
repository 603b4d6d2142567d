// Paging by cursor (pure): pages tile the list, prev/next agree, a filter pages its matches, cursors round-trip.
import { describe, expect, it } from 'vitest';
import { dayCursors, formatCursor, listWindow, parseCursor, type Cursor } from '../../src/publish/list-window.js';
import { sortStories } from '../../src/web/publication.js';
import { makeStory } from '../helpers/web.js';

// 23 stories, some sharing a published date (ordered by seq then), newest first.
const stories = sortStories(
  Array.from({ length: 23 }, (_, i) =>
    makeStory({ id: `tag:t,2024:a/${i}`, seq: i + 1, agency: 'a', title: `s${i}`, published: new Date(Date.UTC(2024, 0, 1 + Math.floor(i / 3))).toISOString() }),
  ),
);

function pages(size: number, matches?: (s: (typeof stories)[number]) => boolean) {
  const out: { ids: string[]; cursor: Cursor | undefined; prev: Cursor | null | undefined }[] = [];
  let cursor: Cursor | undefined;
  for (;;) {
    const w = listWindow(stories, cursor, matches, size);
    out.push({ ids: w.stories.map((s) => s.id), cursor, prev: w.prev });
    if (!w.next) break;
    cursor = w.next;
  }
  return out;
}

describe('listWindow', () => {
  it.each([1, 2, 5, 7, 23, 50])('pages of %i tile the list in order, each prev pointing at the page before', (size) => {
    const ps = pages(size);
    expect(ps.flatMap((p) => p.ids)).toEqual(stories.map((s) => s.id));
    expect(ps.length).toBe(Math.max(1, Math.ceil(stories.length / size)));
    ps.forEach((p, i) => {
      if (i === 0) expect(p.prev).toBeUndefined();
      else if (i === 1) expect(p.prev).toBeNull();
      else expect(p.prev).toEqual(ps[i - 1]!.cursor);
    });
  });

  it('pages only the stories a filter accepts, prev links included', () => {
    const even = (s: (typeof stories)[number]) => s.seq % 2 === 0;
    const ps = pages(3, even);
    expect(ps.flatMap((p) => p.ids)).toEqual(stories.filter(even).map((s) => s.id));
    ps.forEach((p, i) => {
      if (i > 1) expect(p.prev).toEqual(ps[i - 1]!.cursor);
    });
  });

  it('keeps a cursor page the same when newer stories arrive', () => {
    const w = listWindow(stories, undefined, undefined, 5);
    const page2 = listWindow(stories, w.next, undefined, 5).stories.map((s) => s.id);
    const newer = [makeStory({ id: 'tag:t,2025:a/new', seq: 99, agency: 'a', title: 'new', published: '2025-01-01T00:00:00.000Z' }), ...stories];
    expect(listWindow(newer, w.next, undefined, 5).stories.map((s) => s.id)).toEqual(page2);
  });

  it('gives the offset of an unfiltered page, and an empty page past the end', () => {
    const w = listWindow(stories, { published: stories[9]!.published, seq: stories[9]!.seq }, undefined, 5);
    expect(w.offset).toBe(10);
    expect(listWindow(stories, { published: '0000', seq: 0 }).stories).toEqual([]);
  });
});

describe('cursors', () => {
  it.each([
    { raw: '2024-10-09T08:00:00.000Z~123', expected: { published: '2024-10-09T08:00:00.000Z', seq: 123 } },
    { raw: '2024-10-09T08:00:00+02:00~1', expected: { published: '2024-10-09T08:00:00+02:00', seq: 1 } },
    { raw: 'garbage', expected: undefined },
    { raw: '2024~x', expected: undefined },
    { raw: '~12', expected: undefined },
    { raw: `${'9'.repeat(65)}~1`, expected: undefined },
  ])('parses $raw', ({ raw, expected }) => {
    expect(parseCursor(raw)).toEqual(expected);
  });

  it('round-trips through a query string, keeping the date readable', () => {
    const c = { published: '2024-10-09T08:00:00+02:00', seq: 7 };
    const q = `before=${formatCursor(c)}`;
    expect(q).toBe('before=2024-10-09T08:00:00%2B02:00~7');
    expect(parseCursor(new URLSearchParams(q).get('before')!)).toEqual(c);
  });
});

describe('dayCursors', () => {
  it('gives each day the page that starts with its newest story, the newest day the first page', () => {
    const days = dayCursors(stories);
    expect(days[0]).toEqual({ day: stories[0]!.published.slice(0, 10) });
    expect(days.map((d) => d.day)).toEqual([...new Set(stories.map((s) => s.published.slice(0, 10)))]);
    for (const d of days.slice(1)) {
      const first = listWindow(stories, d.cursor, undefined, 5).stories[0]!;
      expect(first).toBe(stories.find((s) => s.published.startsWith(d.day)));
      expect(parseCursor(new URLSearchParams(`before=${formatCursor(d.cursor!)}`).get('before')!)).toEqual(d.cursor);
    }
  });
});
