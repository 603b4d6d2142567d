// What the daemon makes of one bulletin's text: its items (title, agency, day and its basis, teaser), the
// stories' Incoming shape, and every warning and error. Pure: `pressroom check-bulletin`, the ingest and
// `POST /bulletins` all go through here, so what the checker says is what the daemon does.
import type { Agency, DateBasis, Incoming, ParseWarning } from '../model.js';
import { parseBulletin } from '../sources/parse-bulletin.js';
import { decodeText } from '../text/decode-text.js';
import { printableName } from '../text/printable.js';
import { dayIso, noonOfDay } from './dates.js';
import { agencyMatcher, type AgencyMatch } from './match-agency.js';
import { bulletinDay, bulletinToIncoming } from './normalise.js';

/** One item as the daemon reads it. Stable JSON: fields are only ever added. */
export interface CheckedItem {
  /** 1-based line of the item's title. */
  line: number;
  title: string;
  agency: {
    /** The name after `Source:`, as written. */
    written: string;
    /** The agency id the item is filed under (`/feeds/<id>.atom`). */
    id: string;
    name: string;
    /** exact: a configured (or already discovered) name or alias; near: attributed with a warning; new: a new agency. */
    match: 'exact' | 'near' | 'new';
  };
  /** The release's day (`YYYY-MM-DD`, in the agency's time zone), or null when nothing dates it (first-seen). */
  day: string | null;
  /** What the day was read from, or null. */
  dateBasis: DateBasis | null;
  /** The instant the feeds publish (ISO 8601): 12:00 on `day` in the agency's zone; null when undated. */
  published: string | null;
  /** The text ends in an ellipsis: only the start of the release (its page may be fetched for the rest). */
  teaser: boolean;
}

export interface CheckMessage {
  /** 1-based line, 0 for the whole file. */
  line: number;
  message: string;
}

/** The report: `pressroom check-bulletin --json` prints it; `POST /bulletins` answers with it. */
export interface BulletinReport {
  /** The file name, control characters escaped. */
  file: string;
  /** The encoding the bytes were read in, when known (`utf-8`, `windows-1252`, `utf-16le`…). */
  encoding: string | null;
  /** true when there are no errors (warnings allowed). */
  ok: boolean;
  items: CheckedItem[];
  /** Text was lost: an item skipped, nothing readable. The file would still be read; these say what was not. */
  errors: CheckMessage[];
  warnings: CheckMessage[];
  /** Agencies the daemon would create for names matching no known agency. */
  newAgencies: { id: string; name: string; line: number }[];
}

export interface CheckOptions {
  /** The file's modification time (ISO 8601), the last hint of the day (checkBulletin: default `now`). */
  fileTime?: string;
  encoding?: string;
  /** From read-bulletins / decodeText: set when the bytes were not UTF-8. */
  encodingWarning?: string;
}

export interface ReadBulletin {
  report: BulletinReport;
  incoming: Incoming[];
  /** Warnings and errors in file order, as the source's state and the log record them. */
  warnings: ParseWarning[];
}

/** The daemon's reading of a bulletin: the report plus the stories' Incoming items. */
export function readBulletinText(text: string, fileName: string, agencies: readonly Agency[], _now: Date, opts: CheckOptions = {}): ReadBulletin {
  const parsed = parseBulletin(text);
  const warnings: ParseWarning[] = [];
  if (opts.encodingWarning) {
    // The decoder's words name the encoding it chose ("… read as windows-1252"); said here when they do not.
    const used = opts.encoding && !opts.encodingWarning.toLowerCase().includes(opts.encoding) ? ` (read as ${opts.encoding})` : '';
    warnings.push({ line: 0, message: `encoding: ${printableName(fileName)}: ${opts.encodingWarning}${used}` });
  }
  warnings.push(...parsed.warnings);
  const items: CheckedItem[] = [];
  const incoming: Incoming[] = [];
  const newAgencies: BulletinReport['newAgencies'] = [];
  // A digest names the same few agencies again and again (and a hostile one, one name 100,000 times).
  const matches = new Map<string, AgencyMatch>();
  const matchAgency = agencyMatcher(agencies);
  const zones = new Map(agencies.map((a) => [a.id, a.timezone]));
  const announced = new Set<string>();
  for (const item of parsed.items) {
    let match = matches.get(item.agencyName);
    if (!match) matches.set(item.agencyName, (match = matchAgency(item.agencyName)));
    const ref = match.ref;
    const at = `"Source: ${item.agencyName.slice(0, 80)}" (item at line ${item.line})`;
    if (match.kind === 'near') {
      warnings.push({ line: item.line, message: `${at} read as ${ref.name} (${ref.id}): ${match.why}; add it to the agency's aliases if that is right` });
    } else if (match.kind === 'new') {
      const also = match.ambiguous ? `; it is as close to ${match.ambiguous.join(' as to ')}, so neither was chosen` : '';
      if (!announced.has(ref.id)) {
        announced.add(ref.id);
        newAgencies.push({ id: ref.id, name: ref.name, line: item.line });
      }
      warnings.push({ line: item.line, message: `${at} names no known agency: new agency ${ref.name} (${ref.id})${also}` });
    }
    const timeZone = zones.get(ref.id) ?? 'UTC';
    const ctx = {
      file: fileName,
      agency: ref.id,
      timeZone,
      ...(opts.fileTime !== undefined ? { fileTime: opts.fileTime } : {}),
      ...(parsed.header !== undefined ? { header: parsed.header } : {}),
    };
    const one = bulletinToIncoming(item, ctx);
    const dated = bulletinDay(item, ctx);
    incoming.push(one);
    items.push({
      line: item.line,
      title: one.title,
      agency: { written: item.agencyName, id: ref.id, name: ref.name, match: match.kind },
      day: dated ? dayIso(dated.day) : null,
      dateBasis: dated?.basis ?? null,
      // Feeds publish a day at 12:00 in the agency's zone (publish/story-day.ts).
      published: dated ? noonOfDay(dated.day, timeZone) : null,
      teaser: item.teaser,
    });
  }
  warnings.sort((a, b) => a.line - b.line);
  const plain = (w: ParseWarning): CheckMessage => ({ line: w.line, message: w.message });
  const errors = warnings.filter((w) => w.error).map(plain);
  return {
    report: {
      file: printableName(fileName),
      encoding: opts.encoding ?? null,
      ok: errors.length === 0,
      items,
      errors,
      warnings: warnings.filter((w) => !w.error).map(plain),
      newAgencies,
    },
    incoming,
    warnings,
  };
}

/** What the daemon would make of a bulletin, touching nothing: see BulletinReport. */
export function checkBulletin(text: string, fileName: string, agencies: readonly Agency[], now: Date, opts: CheckOptions = {}): BulletinReport {
  // A file being checked before it is saved would be saved now.
  return readBulletinText(text, fileName, agencies, now, { fileTime: now.toISOString(), ...opts }).report;
}

/**
 * The same from bytes (a request body, a file's content), decoded as the drop folder decodes them: UTF-8 when
 * valid (BOM honoured, UTF-16 with a BOM), else windows-1252 with a warning. The caller enforces the size limit.
 */
export function checkBulletinBytes(bytes: Uint8Array, fileName: string, agencies: readonly Agency[], now: Date): BulletinReport {
  const d = decodeText(bytes, { kind: 'plain' });
  return checkBulletin(d.text, fileName, agencies, now, { encoding: d.encoding, ...(d.warning ? { encodingWarning: d.warning } : {}) });
}

/** The report as lines for a terminal: items, then errors and warnings, each with its line. */
export function formatReport(r: BulletinReport): string {
  const out: string[] = [`${r.file}${r.encoding ? ` (${r.encoding})` : ''}: ${r.items.length} item${r.items.length === 1 ? '' : 's'}, ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}, ${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}`];
  for (const i of r.items) {
    const agency = `${i.agency.name} (${i.agency.id}${i.agency.match === 'exact' ? '' : `, ${i.agency.match}`})`;
    const date = i.day ? `${i.day} from ${i.dateBasis}` : 'undated (first-seen)';
    out.push(`  line ${i.line}: ${printableName(i.title)}`);
    out.push(`    agency ${printableName(agency)}; ${date}${i.teaser ? '; teaser' : ''}`);
  }
  for (const e of r.errors) out.push(`  error${e.line ? ` line ${e.line}` : ''}: ${printableName(e.message)}`);
  for (const w of r.warnings) out.push(`  warning${w.line ? ` line ${w.line}` : ''}: ${printableName(w.message)}`);
  return `${out.join('\n')}\n`;
}
