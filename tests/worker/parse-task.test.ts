// What one source's processing hands back: its warnings are bounded, whatever the source earns.
import { describe, expect, it } from 'vitest';
import { MAX_WARNINGS, runParseTask } from '../../src/worker/parse-task.js';

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

  it('a feed of 5,000 items that each earn a warning hands back the cap and a count', async () => {
    const items = Array.from({ length: 5000 }, (_, i) => `<item><title>T${i}</title><link>https://www.europol.europa.eu/n/${i}</link><pubDate>not a date ${i}</pubDate></item>`).join('');
    const body = `<?xml version="1.0"?><rss version="2.0"><channel><title>E</title><link>https://www.europol.europa.eu/</link><description>d</description>${items}</channel></rss>`;
    const r = await runParseTask({ kind: 'feed', body, finalUrl: 'https://www.europol.europa.eu/feed', agency: 'europol', feedUrl: 'https://www.europol.europa.eu/feed', timeZone: 'UTC', nowIso: '2024-10-10T00:00:00Z' });
    if (!r.ok) throw new Error(r.message);
    expect(r.incoming).toHaveLength(5000);
    expect(r.warnings).toHaveLength(MAX_WARNINGS + 1);
    expect(r.warnings.at(-1)!.message).toBe(`… and ${5000 - MAX_WARNINGS} more warnings`);
  });
});
