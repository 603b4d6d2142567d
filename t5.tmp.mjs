import { repairXml } from './dist/sources/feed/repair-xml.js';
import { readXmlTree } from './dist/sources/feed/xml-tree.js';
import sax from 'sax';
const MB = 1024*1024;
const x = `<rss version="2.0"><channel><title>x</title><item><title>First</title><description>${'&#'.repeat(2 * MB)}</description></item></channel></rss>`;
let t0 = performance.now();
const r = repairXml(x); console.log('repair', Math.round(performance.now() - t0)); t0 = performance.now();
const t = readXmlTree(r.text, 'https://e/'); console.log('tree', Math.round(performance.now() - t0)); t0 = performance.now();
const p = sax.parser(true, {}); let n = 0; p.ontext = (s) => n++; p.write(r.text).close(); console.log('bare sax', Math.round(performance.now() - t0), n);
