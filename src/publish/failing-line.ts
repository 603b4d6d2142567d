// The line the front page shows while any source is failing, linking to the status page. Pure.
import type { SourceState } from '../model.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `<p class="failing">…</p>` naming how many sources fail, or '' when none does. */
export function failingSourcesLine(sources: Readonly<Record<string, SourceState>>, baseUrl: string): string {
  const failing = Object.values(sources).filter((s) => s.errorCode !== undefined);
  if (failing.length === 0) return '';
  const n = failing.length;
  return `<p class="failing"><strong>${n} source${n === 1 ? ' is' : 's are'} failing</strong>: recent stories may be missing. <a href="${esc(baseUrl)}/status.html">Source status</a></p>`;
}
