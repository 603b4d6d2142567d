// A deterministic store of realistic size for the benchmarks: press releases of a few KB across agencies and months.
import { SCHEMA_VERSION, type SourceState, type StoreData, type Story } from '../model.js';
import type { AgencyInfo } from '../web/publication.js';

export const BENCH_AGENCIES: AgencyInfo[] = [
  'nato', 'europol', 'eurojust', 'frontex', 'interpol', 'enisa', 'olaf', 'eppo', 'cepol', 'eu-lisa', 'emcdda', 'europol-ec3',
].map((id) => ({ id, name: id.toUpperCase(), homepage: `https://${id}.example.org/` }));

const WORDS = (
  'operation arrests suspects investigators coordinated action member states seized assets network criminal ' +
  'cyber attack ransomware victims identified authorities joint investigation team warrants searches cash ' +
  'vehicles firearms drugs laboratory trafficking smuggling route border police prosecutors court charges'
).split(' ');

/** A small deterministic generator (mulberry32), so every run measures the same bytes. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentence(rnd: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rnd() * WORDS.length)]!);
  const s = out.join(' ');
  return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
}

/**
 * `count` stories over two years, newest last in insertion order, each with an HTML body of about
 * `contentBytes` (paragraphs and a list, as sanitised upstream content looks) and a 200-character summary.
 */
export function syntheticStore(count: number, contentBytes = 600, seed = 1): StoreData {
  const rnd = random(seed);
  const stories: Story[] = [];
  const start = Date.parse('2023-01-01T08:00:00Z');
  const span = 2 * 365 * 86_400_000;
  for (let i = 0; i < count; i++) {
    const agency = BENCH_AGENCIES[i % BENCH_AGENCIES.length]!.id;
    const published = new Date(start + Math.floor((i / count) * span) + Math.floor(rnd() * 3_600_000)).toISOString();
    const paragraphs: string[] = [];
    let size = 0;
    while (size < contentBytes) {
      const p = rnd() < 0.15 ? `<ul><li>${sentence(rnd, 6)}</li><li>${sentence(rnd, 7)}</li></ul>` : `<p>${sentence(rnd, 12 + Math.floor(rnd() * 14))}</p>`;
      paragraphs.push(p);
      size += p.length;
    }
    const title = sentence(rnd, 8 + Math.floor(rnd() * 6)).slice(0, -1);
    stories.push({
      id: `tag:pressroom,${published.slice(0, 10)}:${agency}/${i.toString(16).padStart(8, '0')}`,
      seq: i + 1,
      agency,
      title,
      link: `https://${agency}.example.org/press/${i}`,
      published,
      updated: published,
      firstSeen: published,
      dateSource: 'feed',
      contentHtml: paragraphs.join(''),
      summary: sentence(rnd, 30).slice(0, 200),
      teaser: false,
      categories: rnd() < 0.5 ? ['Operations'] : ['Cybercrime', 'Drugs'],
      sources: [{ kind: 'feed', url: `https://${agency}.example.org/rss.xml`, guid: `${agency}-${i}` }],
      bodyFrom: `feed:https://${agency}.example.org/rss.xml`,
      history: [],
    });
  }
  const sources: Record<string, SourceState> = Object.fromEntries(
    BENCH_AGENCIES.map((a, i) => [
      `feed:https://${a.id}.example.org/rss.xml`,
      {
        kind: 'feed' as const,
        key: `https://${a.id}.example.org/rss.xml`,
        agency: a.id,
        consecutiveFailures: i % 4 === 0 ? 2 : 0,
        lastAttempt: '2024-12-31T10:00:00.000Z',
        lastSuccess: '2024-12-31T09:00:00.000Z',
        ...(i % 4 === 0 ? { errorCode: 'http-503', errorMessage: 'HTTP 503', failingSince: '2024-12-31T09:30:00.000Z' } : {}),
      },
    ]),
  );
  return { schema: SCHEMA_VERSION, nextSeq: count + 1, stories, aliases: {}, sources, discoveredAgencies: {} };
}
