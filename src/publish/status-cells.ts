// What the status page's cells are made of: text escaped for HTML with control characters shown (file names and
// messages can carry them: text/printable.ts), and a time as its minute in UTC.
import { printableName } from '../text/printable.js';

export const esc = (s: string): string => printableName(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const when = (iso: string | undefined): string => (iso ? `<time datetime="${esc(iso)}">${esc(iso.replace('T', ' ').slice(0, 16))} UTC</time>` : '—');
