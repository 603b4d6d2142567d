// Reads the dates agencies actually publish: RFC 822 and its common deviations, ISO 8601, zone-less local times.

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

/** RFC 822 §5.1 zones plus the European ones agencies use although the RFC never named them (CEST, EET…). */
const ZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0, WET: 0, BST: 60, WEST: 60, CET: 60, CEST: 120, MET: 60, MEST: 120, EET: 120, EEST: 180,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
};

/** Offset of `timeZone` from UTC, in minutes, at the instant `utcMs`. */
export function zoneOffsetMinutes(timeZone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/** A wall-clock time in `timeZone` → UTC ms (two passes settle the offset around DST changes). */
function localToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, timeZone: string): number {
  const naive = Date.UTC(y, mo, d, h, mi, s);
  let utc = naive - zoneOffsetMinutes(timeZone, naive) * 60000;
  utc = naive - zoneOffsetMinutes(timeZone, utc) * 60000;
  return utc;
}

function valid(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return y >= 1970 && y <= 9999 && mo >= 0 && mo <= 11 && d >= 1 && d <= 31 && h <= 24 && mi <= 59 && s <= 60;
}

function zoneMinutes(z: string | undefined): number | undefined {
  if (!z) return undefined;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(z);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return ZONES[z.toUpperCase()];
}

const RFC822 =
  /^(?:[A-Za-z]{2,9}\.?,?\s+)?(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{2,4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*([A-Za-z]{1,5}|[+-]\d{2}:?\d{2})?$/;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T\s](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses an upstream date to ISO 8601 UTC, or undefined when it cannot be read.
 * A time without a zone is read in the agency's `timeZone`; a date without a time is midnight there.
 */
export function parseDate(raw: string | undefined, timeZone = 'UTC'): string | undefined {
  if (!raw) return undefined;
  const s = raw.trim().replace(/\s+/g, ' ');
  if (!s || s.length > 80) return undefined;
  let m = ISO.exec(s);
  if (m) {
    const [y, mo, d, h, mi, sec] = [Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
    if (!valid(y, mo, d, h, mi, sec)) return undefined;
    const z = zoneMinutes(m[7]);
    const ms = z === undefined ? localToUtc(y, mo, d, h, mi, sec, timeZone) : Date.UTC(y, mo, d, h, mi, sec) - z * 60000;
    return checked(ms, y, mo, d, z === undefined ? timeZone : undefined);
  }
  m = RFC822.exec(s);
  if (m) {
    const mo = MONTHS[m[2]!.slice(0, 3).toLowerCase()];
    if (mo === undefined) return undefined;
    let y = Number(m[3]);
    if (m[3]!.length === 2) y += y < 70 ? 2000 : 1900; // RFC 822 two-digit years; RFC 1123 asks for four
    const [d, h, mi, sec] = [Number(m[1]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
    if (!valid(y, mo, d, h, mi, sec)) return undefined;
    if (m[7] && zoneMinutes(m[7]) === undefined && !/^[A-IK-Z]$/i.test(m[7])) return undefined;
    const z = m[7] ? (zoneMinutes(m[7]) ?? 0) : undefined; // military single letters: RFC 1123 says treat as 0
    const ms = z === undefined ? localToUtc(y, mo, d, h, mi, sec, timeZone) : Date.UTC(y, mo, d, h, mi, sec) - z * 60000;
    return checked(ms, y, mo, d, z === undefined ? timeZone : undefined);
  }
  return undefined;
}

/** Rejects dates that overflowed (31 February) and NaN. */
function checked(ms: number, y: number, mo: number, d: number, tz: string | undefined): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const probe = new Date(Date.UTC(y, mo, d));
  if (probe.getUTCDate() !== d || probe.getUTCMonth() !== mo) return undefined;
  void tz;
  return new Date(ms).toISOString();
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
