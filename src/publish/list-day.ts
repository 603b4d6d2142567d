// The calendar day a list shows for a story: the day it was published on in its agency's own time zone.
import type { Story } from '../model.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** A formatter of `YYYY-MM-DD` in `zone`, made once per zone; null for a zone this runtime does not know. */
function formatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      f = null;
    }
    formatters.set(zone, f);
  }
  return f;
}

/**
 * `YYYY-MM-DD` of the story's `published` in `zone` (an IANA name; UTC without one, as for an agency no config
 * file names, whose bulletin days are stored as UTC midnights), or '' when the date does not parse.
 */
export function listDay(story: Pick<Story, 'published'>, zone = 'UTC'): string {
  const t = Date.parse(story.published);
  if (Number.isNaN(t)) return '';
  const f = zone === 'UTC' ? null : formatter(zone);
  if (f === null) return new Date(t).toISOString().slice(0, 10);
  const p = f.formatToParts(t);
  const get = (type: string) => p.find((x) => x.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** "9 October 2024" for `2024-10-09`; fixed English names so the bytes do not depend on the machine's locale. */
export function humanDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? ''} ${m[1]}`;
}
