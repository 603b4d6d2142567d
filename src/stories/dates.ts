// Reads the dates agencies actually publish: RFC 822 and its common deviations, ISO 8601, zone-less local times.

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

/** RFC 822 §5.1 zones plus the European ones agencies use although the RFC never named them (CEST, EET…). */
const ZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0, WET: 0, BST: 60, WEST: 60, CET: 60, CEST: 120, MET: 60, MEST: 120, EET: 120, EEST: 180,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
};

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** Offset of `timeZone` from UTC, in minutes, at the instant `utcMs`. */
export function zoneOffsetMinutes(timeZone: string, utcMs: number): number {
  let fmt = offsetFormats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    offsetFormats.set(timeZone, fmt);
  }
  const parts = fmt.formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/**
 * A wall-clock time in `timeZone` → UTC ms, resolved as RFC 5545 and Temporal's "compatible" do: a time that
 * happens twice (the autumn change, 02:30 in Brussels) is the earlier one; a time that never happens (the
 * spring gap, 02:30) is read with the offset before the change, i.e. moved forward by the gap (03:30 CEST).
 */
function localToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, timeZone: string): number {
  const naive = Date.UTC(y, mo, d, h, mi, s);
  const day = 24 * 3600 * 1000;
  const before = zoneOffsetMinutes(timeZone, naive - day);
  const after = zoneOffsetMinutes(timeZone, naive + day);
  const fits = (off: number) => zoneOffsetMinutes(timeZone, naive - off * 60000) === off;
  const candidates = [before, after].filter(fits).map((off) => naive - off * 60000);
  if (candidates.length) return Math.min(...candidates);
  return naive - before * 60000;
}

function valid(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (h === 24 && (mi !== 0 || s !== 0)) return false;
  return y >= 1970 && y <= 9999 && mo >= 0 && mo <= 11 && d >= 1 && d <= 31 && h <= 24 && mi <= 59 && s <= 60;
}

/** `+0200`, `+02:00`, `+02`, `GMT+2`, `UTC+02:00`, or a named zone; undefined when unknown. */
function zoneMinutes(z: string | undefined): number | undefined {
  if (!z) return undefined;
  const m = /^(?:GMT|UTC|UT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(z);
  if (m) {
    const h = Number(m[2]);
    const mi = Number(m[3] ?? 0);
    if (h > 14 || mi > 59) return undefined;
    return (m[1] === '-' ? -1 : 1) * (h * 60 + mi);
  }
  return ZONES[z.toUpperCase()];
}

// RFC 822 and what feeds write instead: optional weekday (any case, with or without comma), day and month in
// either order ("7 Oct 2024", "Oct 7, 2024"), "Oct." and full month names, 2-digit years, no seconds, and a zone
// that is numeric, named, GMT+2, or missing (read in the agency's zone). A trailing "(CEST)" comment is dropped.
const ZONE = '([A-Za-z]{1,5}|(?:GMT|UTC|UT)?[+-]\\d{1,2}(?::?\\d{2})?)';
const TIME = '(\\d{1,2}):(\\d{2})(?::(\\d{2}))?';
const RFC822 = new RegExp(`^(?:[A-Za-z]{2,9}\\.?,?\\s+)?(\\d{1,2})[\\s-]+([A-Za-z]{3,9})\\.?,?[\\s-]+(\\d{2,4})(?:,?\\s+${TIME})?\\s*${ZONE}?$`);
const MONTH_FIRST = new RegExp(`^(?:[A-Za-z]{2,9}\\.?,?\\s+)?([A-Za-z]{3,9})\\.?\\s+(\\d{1,2}),?\\s+(\\d{4})(?:,?\\s+${TIME})?\\s*${ZONE}?$`);
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T\s](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses an upstream date to ISO 8601 UTC, or undefined when it cannot be read (never NaN, never "now").
 * A time without a zone is read in the agency's `timeZone`; a date without a time is midnight there.
 */
export function parseDate(raw: string | undefined, timeZone = 'UTC'): string | undefined {
  if (!raw) return undefined;
  const s = raw.trim().replace(/\s+/g, ' ').replace(/\s*\([^()]*\)$/, '');
  if (!s || s.length > 80) return undefined;
  let m = ISO.exec(s);
  if (m) {
    const [y, mo, d, h, mi, sec] = [Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
    if (m[7] && zoneMinutes(m[7]) === undefined) return undefined;
    return build(y, mo, d, h, mi, sec, zoneMinutes(m[7]), timeZone);
  }
  let day: string, month: string, year: string, rest: (string | undefined)[];
  if ((m = RFC822.exec(s))) [day, month, year, rest] = [m[1]!, m[2]!, m[3]!, m.slice(4)];
  else if ((m = MONTH_FIRST.exec(s))) [month, day, year, rest] = [m[1]!, m[2]!, m[3]!, m.slice(4)];
  else return undefined;
  const mo = MONTHS[month.slice(0, 3).toLowerCase()];
  if (mo === undefined) return undefined;
  let y = Number(year);
  // RFC 822 two-digit years (RFC 1123 asks for four): 00–69 are 20xx, 70–99 are 19xx, as RFC 2822 §4.3 reads them.
  if (year.length === 2) y += y < 70 ? 2000 : 1900;
  else if (year.length !== 4) return undefined;
  const [h, mi, sec, zone] = [Number(rest[0] ?? 0), Number(rest[1] ?? 0), Number(rest[2] ?? 0), rest[3]];
  let z: number | undefined;
  if (zone) {
    z = zoneMinutes(zone);
    // RFC 1123 §5.2.14: the single-letter military zones were defined with the wrong sign; treat them as 0.
    if (z === undefined) {
      if (!/^[A-IK-Z]$/i.test(zone)) return undefined;
      z = 0;
    }
  }
  return build(y, mo, Number(day), h, mi, sec, z, timeZone);
}

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, zone: number | undefined, timeZone: string): string | undefined {
  if (!valid(y, mo, d, h, mi, s)) return undefined;
  // 31 February does not roll over into March: it is not a date.
  const probe = new Date(Date.UTC(y, mo, d));
  if (probe.getUTCDate() !== d || probe.getUTCMonth() !== mo) return undefined;
  const sec = Math.min(s, 59); // a leap second is read as the second before it
  const ms = zone === undefined ? localToUtc(y, mo, d, h, mi, sec, timeZone) : Date.UTC(y, mo, d, h, mi, sec) - zone * 60000;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** `YYYY-MM-DD` in a bulletin's file name, e.g. bulletin-2024-10-09.txt → 2024-10-09. */
export function dateInFileName(name: string): { y: number; m: number; d: number } | undefined {
  const m = /(?:^|[^0-9])(\d{4})-(\d{2})-(\d{2})(?:[^0-9]|$)/.exec(name);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1970 || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return undefined;
  return { y, m: mo, d };
}

/** A calendar day, as bulletins give dates: no time of day. `m` is 1-based. */
export interface Day {
  y: number;
  m: number;
  d: number;
}

const dayIso = (day: Day) => `${day.y}-${String(day.m).padStart(2, '0')}-${String(day.d).padStart(2, '0')}`;
export { dayIso };

/** The instant `day` begins in `timeZone` (00:00 local), ISO 8601 UTC. */
export function startOfDay(day: Day, timeZone: string): string {
  return new Date(localToUtc(day.y, day.m - 1, day.d, 0, 0, 0, timeZone)).toISOString();
}

/** 12:00 on `day` in `timeZone`, ISO 8601 UTC: the instant feeds publish a day-only story at (publish/story-day.ts). */
export function noonOfDay(day: Day, timeZone: string): string {
  return new Date(localToUtc(day.y, day.m - 1, day.d, 12, 0, 0, timeZone)).toISOString();
}

/** The calendar day of the instant `utcMs` in `timeZone`. */
export function dayIn(utcMs: number, timeZone: string): Day {
  const local = new Date(utcMs + zoneOffsetMinutes(timeZone, utcMs) * 60000);
  return { y: local.getUTCFullYear(), m: local.getUTCMonth() + 1, d: local.getUTCDate() };
}

function realDay(y: number, m: number, d: number): Day | undefined {
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (y < 1970 || y > 9999 || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return undefined;
  return { y, m, d };
}

const MONTH_WORD = '(January|February|March|April|May|June|July|August|September|October|November|December)';
// "9 October 2024", "October 9, 2024", "2024-10-09". Numeric day/month orders (08/10/2024) are left out: a
// European and an American reader disagree on them. Each pattern is bounded, with no nested repetition.
const DAY_FIRST = new RegExp(`\\b(\\d{1,2}) ${MONTH_WORD},? (\\d{4})\\b`, 'i');
const MONTH_FIRST_DAY = new RegExp(`\\b${MONTH_WORD} (\\d{1,2}),? (\\d{4})\\b`, 'i');
const ISO_DAY = /\b(\d{4})-(\d{2})-(\d{2})\b/;

function monthNumber(word: string): number {
  return (MONTHS[word.slice(0, 3).toLowerCase()] ?? -1) + 1;
}

/** The first calendar date written in `text` (whitespace collapsed first), or undefined. */
export function firstDayIn(text: string): Day | undefined {
  const s = text.slice(0, 4000).replace(/\s+/g, ' ');
  const found: { at: number; day: Day | undefined }[] = [];
  let m = DAY_FIRST.exec(s);
  if (m) found.push({ at: m.index, day: realDay(Number(m[3]), monthNumber(m[2]!), Number(m[1])) });
  m = MONTH_FIRST_DAY.exec(s);
  if (m) found.push({ at: m.index, day: realDay(Number(m[3]), monthNumber(m[1]!), Number(m[2])) });
  m = ISO_DAY.exec(s);
  if (m) found.push({ at: m.index, day: realDay(Number(m[1]), Number(m[2]), Number(m[3])) });
  found.sort((a, b) => a.at - b.at);
  return found.find((f) => f.day !== undefined)?.day;
}

// A press release's dateline: an optional place, then the date, then a dash or colon, at the very start of its
// first paragraph ("Brussels, 9 October 2024 – The Council…", "THE HAGUE, 8 October 2024: …", "9 October 2024 –").
// Not "From 5 to 9 October 2024, the Director…" or "On 10 and 11 October 2024, …": a date in a sentence names
// when something happens, not when the text was issued.
const DATELINE = new RegExp(
  `^(?:[A-Z][A-Za-z.'’ -]{0,40}, )?(?:(\\d{1,2}) ${MONTH_WORD}|${MONTH_WORD} (\\d{1,2}),?) (\\d{4}) ?[-–—:] `,
  'i',
);

/** The day of the dateline opening `paragraph`, or undefined. */
export function datelineDay(paragraph: string): Day | undefined {
  const m = DATELINE.exec(paragraph.slice(0, 120).replace(/\s+/g, ' ').trim());
  if (!m) return undefined;
  const day = Number(m[1] ?? m[4]);
  const month = monthNumber((m[2] ?? m[3])!);
  return realDay(Number(m[5]), month, day);
}
