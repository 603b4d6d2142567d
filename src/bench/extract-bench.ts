// Benchmark: article extraction of a 200 KB agency news page, the extractor alone (linkedom + Readability) and
// the whole accepted path of extract-article.ts (+ sanitising, text, teaser check). Target: < 50 ms and < 20 MB
// extra per page. Run with --expose-gc (npm run bench does) for the memory figures.
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { extractArticle } from '../sources/extract-article.js';

const KB = Number(process.env.BENCH_PAGE_KB ?? 200);
const RUNS = Number(process.env.BENCH_PAGES ?? 40);
const gc = (globalThis as { gc?: () => void }).gc;

const TEASER = 'NATO Secretary General Mark Rutte welcomed Allied Defence Ministers to NATO Headquarters in Brussels on Thursday for two days of talks…';

/**
 * A NATO-shaped news page: cookie banner, navigation, an article, sidebar, related links. `articleKb` undefined:
 * the article fills the page (the worst case); otherwise the rest is inline script, as on many CMS pages.
 */
export function newsPage(kb: number, articleKb?: number): string {
  const nav = Array.from({ length: 120 }, (_, i) => `<li><a href="/cps/en/natohq/topics_${4000 + i}.htm">Topic ${i}: partnerships and operations</a></li>`).join('');
  const related = Array.from({ length: 80 }, (_, i) => `<li><a href="/cps/en/natohq/news_${229000 + i}.htm">Related release ${i}: Deputy Secretary General visits Ally ${i}</a> <time datetime="2024-10-${String(1 + (i % 28)).padStart(2, '0')}">${1 + (i % 28)} Oct. 2024</time></li>`).join('');
  const head = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>NATO - News</title><meta property="article:published_time" content="2024-10-17T09:30:00+02:00"><script>${'window.dataLayer=window.dataLayer||[];'.repeat(40)}</script></head><body><div id="cookie-banner"><p>This website uses cookies.</p><button>Accept all cookies</button></div><header><nav><ul>${nav}</ul></nav></header><main><div class="row"><div class="col-md-8"><article><h1>Defence Ministers meet</h1><p>${TEASER.slice(0, -1)} deterrence and defence.</p>`;
  const tail = `</article></div><aside><h3>Related news</h3><ul>${related}</ul></aside></div></main><footer><ul>${nav}</ul></footer></body></html>`;
  let body = '';
  const bodyBytes = articleKb === undefined ? kb * 1024 - head.length - tail.length : articleKb * 1024;
  for (let i = 0; body.length < bodyBytes; i++)
    body += `<p>Paragraph ${i}: Ministers reviewed the regional plans and the forces and capabilities behind them, from air and missile defence to long-range fires, and the <a href="/cps/en/natohq/topics_${i}.htm">defence production</a> Allies need.</p>\n`;
  const page = head + body + tail;
  const filler = Math.max(0, kb * 1024 - page.length);
  return filler ? page.replace('</head>', `<script>${'var cfg={"tracking":true,"consent":"pending"};'.repeat(Math.ceil(filler / 45)).slice(0, filler)}</script></head>`) : page;
}

function measure(label: string, html: string, run: (html: string) => unknown): string[] {
  for (let i = 0; i < 5; i++) run(html); // warm up the JIT
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    run(html);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  // Memory: the heap a page takes while it is worked on (no collection in between), from a collected baseline.
  let extra = Number.NaN;
  if (gc) {
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept = run(html);
    extra = process.memoryUsage().heapUsed - before;
    void kept;
  }
  const median = times[Math.floor(RUNS / 2)]!;
  const p90 = times[Math.floor(RUNS * 0.9)]!;
  return [label, median.toFixed(1), p90.toFixed(1), Number.isNaN(extra) ? 'n/a (no --expose-gc)' : (extra / 1048576).toFixed(1)];
}

function main(): void {
  const url = 'https://www.nato.int/cps/en/natohq/news_229800.htm';
  console.log(`\n## Article extraction: one ${KB} KB news page, ${RUNS} runs each`);
  console.log('| page | step | median ms | p90 ms | extra heap per page MB |');
  console.log('|---|---|---|---|---|');
  for (const [label, html] of [[`article fills the page`, newsPage(KB)], [`10 KB article, the rest furniture and script`, newsPage(KB, 10)]] as const) {
    const check = extractArticle({ html, url, teaser: TEASER });
    if (check.kind !== 'accepted') throw new Error(`bench page refused: ${check.message}`);
    const rows = [
      measure('linkedom parse only', html, (h) => parseHTML(h).document),
      measure('extractor alone (linkedom + Readability)', html, (h) => new Readability(parseHTML(h).document as unknown as Document).parse()),
      measure('extractArticle (+ sanitise, teaser check)', html, (h) => extractArticle({ html: h, url, teaser: TEASER })),
    ];
    for (const r of rows) console.log(`| ${label} (${(html.length / 1024).toFixed(0)} KB) | ${r.join(' | ')} |`);
  }
  console.log(`RSS after the runs ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
}

if (process.argv[1]?.endsWith("extract-bench.js")) main();
