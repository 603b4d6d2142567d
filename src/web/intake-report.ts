// What the daemon would make of a bulletin, as `POST /bulletins` answers it: the items (title, agency, day and its
// basis, teaser or not), the warnings and the errors. A seam: it reads the file exactly as the worker will (the
// shared decoder, the parse task); `pressroom check-bulletin` (issue 17's other half) prints the same facts.
import type { Agency, DateBasis } from '../model.js';
import { runParseTask } from '../worker/parse-task.js';
import { decodeText } from '../text/decode-text.js';

export interface IntakeItem {
  line: number;
  title: string;
  agency: string;
  /** The day the story will be dated by (`YYYY-MM-DD`), or undefined (first-seen). */
  date?: string;
  dateBasis?: DateBasis;
  teaser: boolean;
}

export interface IntakeReport {
  file: string;
  encoding: string;
  items: IntakeItem[];
  /** Agencies no config names: each will get its own feeds. */
  newAgencies: { id: string; name: string }[];
  warnings: { line: number; message: string }[];
  /** With any error nothing is stored. */
  errors: { line: number; message: string }[];
}

/** The bulletin day of a normalised item: its `published` is the day's start in the agency's zone (within ±14 h of UTC midnight). */
const dayOf = (iso: string) => new Date(Date.parse(iso) + 12 * 3600_000).toISOString().slice(0, 10);

export async function intakeReport(bytes: Uint8Array, file: string, agencies: Agency[], now: Date): Promise<IntakeReport> {
  const decoded = decodeText(bytes, { kind: 'plain' });
  const warnings: IntakeReport['warnings'] = decoded.warning ? [{ line: 0, message: decoded.warning }] : [];
  const errors: IntakeReport['errors'] = [];
  const outcome = await runParseTask({ kind: 'bulletin', text: decoded.text, file, fileTime: now.toISOString(), agencies });
  warnings.push(...outcome.warnings);
  const items = outcome.incoming.map((inc): IntakeItem => ({
    line: inc.source.kind === 'bulletin' ? inc.source.line : 0,
    title: inc.title,
    agency: inc.agency,
    ...(inc.published && inc.dateSource === 'bulletin' ? { date: dayOf(inc.published) } : {}),
    ...(inc.dateBasis ? { dateBasis: inc.dateBasis } : {}),
    teaser: inc.teaser,
  }));
  if (items.length === 0)
    errors.push({ line: 0, message: 'no items found: an item is a title line, a blank line, "Source: AGENCY", a blank line and its text' });
  return { file, encoding: decoded.encoding, items, newAgencies: outcome.discovered, warnings, errors };
}
