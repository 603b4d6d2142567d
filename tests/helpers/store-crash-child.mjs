// A writer to be killed: opens the store in argv[2] with the compiled modules and commits ingest runs in a loop.
// Prints `ready` once open, then after every completed commit one line:
//   committed <run> <JSON [[guid, id], …] of the stories that run created>
// Each run adds releases spread over several months and two agencies, and edits a few old ones, so a commit
// rewrites several partition files (and moves a story between two): a SIGKILL lands in the middle of one often.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { openStore } = await import(path.join(root, 'dist/store/store.js'));
const { mergeIncoming } = await import(path.join(root, 'dist/stories/merge.js'));
const { identityChain } = await import(path.join(root, 'dist/stories/identity.js'));

const [dir, spawnNo] = process.argv.slice(2);
const store = await openStore(dir, { writable: true });
process.stdout.write('ready\n');

const AGENCIES = ['nato', 'europol'];
const feedUrl = (agency) => `https://${agency}.example.eu/rss.xml`;
const paragraph = (seed) => `<p>${`Release ${seed}: the agency reports on operation ${seed} and its partners. `.repeat(12)}</p>`;

function item(agency, guid, title, published, body) {
  const link = `https://${agency}.example.eu/news/${guid}`;
  return {
    agency,
    title,
    link,
    published,
    dateSource: 'feed',
    contentHtml: body,
    summary: body.replace(/<[^>]+>/g, '').slice(0, 200),
    teaser: false,
    categories: [],
    source: { kind: 'feed', url: feedUrl(agency), guid },
    keys: identityChain({ agency, feedUrl: feedUrl(agency), guid, link, title, day: published.slice(0, 10) }),
  };
}

for (let i = 0; ; i++) {
  const run = `${spawnNo}-${i}`;
  const incoming = [];
  for (let k = 0; k < 6; k++) {
    const agency = AGENCIES[k % 2];
    const month = String(1 + ((i * 6 + k) % 12)).padStart(2, '0');
    incoming.push(item(agency, `g-${run}-${k}`, `Release ${run}-${k} on operation ${i * 6 + k}`, `2024-${month}-1${k}T10:00:00.000Z`, paragraph(`${run}-${k}`)));
  }
  // Edit a few stored stories (a new body under the same guid): their old partitions are rewritten too.
  const stored = store.data.stories;
  for (let e = 0; e < 3 && stored.length; e++) {
    const s = stored[(i * 7 + e * 13) % stored.length];
    const src = s.sources[0];
    // The third edit also corrects the date by a month: the story moves to another partition.
    const published = e === 2 ? new Date(Date.parse(s.published) + (i % 2 ? 31 : -31) * 86400000).toISOString() : s.published;
    incoming.push(item(s.agency, src.guid, s.title, published, `${paragraph(run)}<p>edit ${run}</p>`));
  }
  const m = mergeIncoming(store.data, incoming, new Date());
  await store.commit(m.data);
  const created = m.created.map((id) => [m.data.stories.find((s) => s.id === id).sources[0].guid, id]);
  process.stdout.write(`committed ${run} ${JSON.stringify(created)}\n`);
}
