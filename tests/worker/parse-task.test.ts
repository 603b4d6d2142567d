// What one source's processing hands back: its warnings are bounded, whatever the source earns.
import { describe, expect, it } from 'vitest';
import { MAX_FEED_ITEMS, MAX_WARNINGS, runParseTask } from '../../src/worker/parse-task.js';

const agencies = [{ id: 'europol', name: 'Europol', aliases: [], timezone: 'Europe/Amsterdam', feeds: [], configured: true }];

describe('parse task warnings', () => {
  it.each([
    { description: 'a few stray Source lines are each reported', stray: 3, expected: 3 },
    { description: 'exactly the cap is kept whole', stray: MAX_WARNINGS, expected: MAX_WARNINGS },
    { description: '100,000 stray Source lines give the first ones and a count of the rest', stray: 100_000, expected: MAX_WARNINGS + 1 },
  ])('$description', async ({ stray, expected }) => {
    const text = `Europol takes down a network\n\nSource: EUROPOL\n${'Source: X\n'.repeat(stray)}\nThe text of the release.\n`;
    const r = await runParseTask({ kind: 'bulletin', text, file: '2024-10-09.txt', agencies });
    expect(r.incoming).toHaveLength(1);
    expect(r.warnings).toHaveLength(expected);
    if (stray > MAX_WARNINGS) expect(r.warnings.at(-1)!.message).toBe(`… and ${stray - MAX_WARNINGS} more warnings`);
    else expect(r.warnings.every((w) => /Source/.test(w.message))).toBe(true);
  });

  it('a feed of 900 items that each earn a warning hands back the cap and a count', async () => {
    const items = Array.from({ length: 900 }, (_, i) => `<item><title>T${i}</title><link>https://www.europol.europa.eu/n/${i}</link><pubDate>not a date ${i}</pubDate></item>`).join('');
    const body = `<?xml version="1.0"?><rss version="2.0"><channel><title>E</title><link>https://www.europol.europa.eu/</link><description>d</description>${items}</channel></rss>`;
    const r = await runParseTask({ kind: 'feed', body, finalUrl: 'https://www.europol.europa.eu/feed', agency: 'europol', feedUrl: 'https://www.europol.europa.eu/feed', timeZone: 'UTC', nowIso: '2024-10-10T00:00:00Z' });
    if (!r.ok) throw new Error(r.message);
    expect(r.incoming).toHaveLength(900);
    expect(r.warnings).toHaveLength(MAX_WARNINGS + 1);
    expect(r.warnings.at(-1)!.message).toBe(`… and ${900 - MAX_WARNINGS} more warnings`);
  });

  it(`a feed of more than ${MAX_FEED_ITEMS} items keeps the newest ${MAX_FEED_ITEMS}, in feed order, and says so`, async () => {
    // Oldest first, as some feeds list them: item i is dated i minutes after midnight.
    const n = MAX_FEED_ITEMS + 500;
    const at = (i: number) => new Date(Date.UTC(2024, 9, 9, 0, i)).toUTCString();
    const items = Array.from({ length: n }, (_, i) => `<item><title>Release ${i}</title><link>https://www.europol.europa.eu/n/${i}</link><pubDate>${at(i)}</pubDate></item>`).join('');
    const body = `<?xml version="1.0"?><rss version="2.0"><channel><title>E</title><link>https://www.europol.europa.eu/</link><description>d</description>${items}</channel></rss>`;
    const r = await runParseTask({ kind: 'feed', body, finalUrl: 'https://www.europol.europa.eu/feed', agency: 'europol', feedUrl: 'https://www.europol.europa.eu/feed', timeZone: 'UTC', nowIso: '2024-10-10T00:00:00Z' });
    if (!r.ok) throw new Error(r.message);
    expect(r.incoming).toHaveLength(MAX_FEED_ITEMS);
    expect(r.incoming.map((i) => i.title)).toEqual(Array.from({ length: MAX_FEED_ITEMS }, (_, k) => `Release ${k + 500}`));
    expect(r.warnings[0]!.message).toBe(`${n} items; the newest ${MAX_FEED_ITEMS} kept`);
  });
});
