// `pressroom fulltext --explain URL [--teaser TEXT]`: what the page step would take from a page, and why it
// would accept or refuse it. Fetches with the page step's own client and rules; writes nothing.
import type { Config } from '../config.js';
import type { StoreData, Story } from '../model.js';
import { extractArticle, type ExtractResult } from '../sources/extract-article.js';
import { fetchPage } from '../sources/fetch-page.js';

export interface ExplainInput {
  url: string;
  /** `--teaser TEXT`; without it, the stored story whose link (or page) is `url`, when there is one. */
  teaser?: string;
  config: Config;
  userAgent: string;
  /** The store as read (read-only), to find the story by its link. */
  data?: StoreData;
}

export interface Explanation {
  lines: string[];
  /** 0 when the page would be accepted; 3 when it would be refused or could not be fetched. */
  code: number;
}

const MAX_SHOWN = 160;
const short = (t: string) => (t.length > MAX_SHOWN ? `${t.slice(0, MAX_SHOWN)}…` : t);

function storyFor(data: StoreData | undefined, url: string): Story | undefined {
  return data?.stories.find((s) => s.link === url || s.sources.some((x) => x.kind === 'page' && x.url === url));
}

export async function explainPage(input: ExplainInput): Promise<Explanation> {
  const lines: string[] = [`page: ${input.url}`];
  const story = input.teaser === undefined ? storyFor(input.data, input.url) : undefined;
  const agency = story ? input.config.agencies.find((a) => a.id === story.agency) : undefined;
  const selector = agency?.fulltext ? agency.fulltext.selector : undefined;
  if (input.teaser !== undefined) lines.push(`teaser: from --teaser: "${short(input.teaser)}"`);
  else if (story) lines.push(`teaser: the stored text of story ${story.id} (${story.agency}): "${short(story.summary)}"`);
  else lines.push('teaser: none (no --teaser, and no stored story links to this page): nothing to recognise the release by');
  if (selector) lines.push(`selector: ${selector} (feeds/agencies/${agency!.id}.json)`);

  const r = await fetchPage(input.url, {}, {
    timeoutMs: input.config.fetch.timeoutMs,
    maxBytes: input.config.fulltext?.maxBytes ?? input.config.fetch.maxBytes,
    maxRedirects: input.config.fetch.maxRedirects,
    userAgent: input.userAgent,
    ...(input.config.fetch.allowHosts ? { allowHosts: input.config.fetch.allowHosts } : {}),
  });
  if (r.kind !== 'fetched') {
    const why = r.kind === 'failed' ? `${r.code}: ${r.message}${r.detail ? ` (${r.detail})` : ''}` : 'not modified';
    const verdict = r.kind === 'failed' && r.code === 'blocked' ? 'blocked' : r.kind === 'failed' && r.code === 'not-html' ? 'refused (not-html)' : 'failed';
    lines.push(`fetched: ${why}`, `verdict: ${verdict}; the teaser would stay`);
    return { lines, code: 3 };
  }
  lines.push(`fetched: HTTP ${r.status}${r.finalUrl !== input.url ? `, redirected to ${r.finalUrl}` : ''}, ${r.body.length} characters`);
  // A charset guessed (decode-text.ts): what /status would show for the page's host.
  if (r.encodingWarning) lines.push(`charset: ${r.encodingWarning}`);
  const x: ExtractResult = extractArticle({
    html: r.body,
    url: r.finalUrl,
    teaser: input.teaser ?? '',
    ...(story ? { teaserHtml: story.contentHtml.slice(0, 64 * 1024) } : {}),
    ...(selector ? { selector } : {}),
    maxChars: input.config.fulltext?.maxBytes ?? input.config.fetch.maxBytes,
    explain: true,
  });
  lines.push(x.kind === 'accepted' ? 'verdict: accepted: the teaser opens the article and the article goes on past it' : `verdict: refused (${x.reason}): ${x.message}`);
  if (x.published) lines.push(`page date: ${x.published}`);
  const t = x.trace;
  if (t) {
    if (t.teaser) lines.push(`compared: "${short(t.teaser.replace(/\s+/g, ' '))}"`);
    lines.push(`stepped over: ${t.skipped.length ? t.skipped.join('; ') : 'nothing'}`);
    lines.push(`trimmed: ${t.trimmed.length ? t.trimmed.join('; ') : 'nothing'}`);
    lines.push('--- extract ---', ...(t.text ? t.text.split('\n') : ['(empty)']), '--- end ---');
  }
  return { lines, code: x.kind === 'accepted' ? 0 : 3 };
}
