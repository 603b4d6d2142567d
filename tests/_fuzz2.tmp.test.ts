import { it, expect } from 'vitest';
import { Parser } from 'htmlparser2';
import { limitNesting } from '../src/stories/limit-nesting.js';
const alphabet = ['<', '>', '<!--', '-->', ' ', 'a', '"', "'", '=', '/', '<b>', '</b>', '<p>', '</p>', '<div>', '</div>', '<td>', '<tr>', '<table>', '<li>', '<ul>', '<script>', '</script>', '<title>', '</title>', '<br>', '<b/>', '<img src=">">', "<a href='x>'>", '<i a = "b>">', '</i>', '<svg>', '<path/>', '</svg>', '<select>', '<option>', '<textarea>', '</textarea>', '<!x>', '<?x>', '<B>', '</B>', '<STYLE>', '</style>', '<xmp>', '<dd>', '<dt>', '<h1>', '<tbody>', '<thead>', '<form>', '<input>', '<button>', '<tfoot>'];
function rnd(n: number) { let s = ''; for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)]; return s; }
function maxDepth(s: string) { let d = 0; let max = 0; const p = new Parser({ onopentag: () => { d++; max = Math.max(max, d); }, onclosetag: () => { d--; } }); p.write(s); p.end(); return max; }
it('never deeper than the cap for htmlparser2', () => {
  let worst = 0;
  for (let k = 0; k < 20000; k++) {
    const s = rnd(10 + Math.floor(Math.random() * 200));
    const D = 1 + Math.floor(Math.random() * 5);
    const out = limitNesting(s, D) ;
    const got = maxDepth(out);
    worst = Math.max(worst, got - D);
    expect(got, JSON.stringify([D, s, out])).toBeLessThanOrEqual(D + 1);
  }
  console.log('worst excess', worst);
});
