// `npm run bench`: runs each benchmark in its own process (so memory figures do not mix) and prints its table.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const benches = ['serve-bench.js', 'host-bench.js', 'serve-ingest-bench.js', 'slow-source-bench.js', 'ingest-bench.js', 'store-bench.js', 'linear-bench.js', 'extract-bench.js', 'pages-bench.js'];
let failed = 0;
console.log(`Pressroom benchmarks on Node ${process.version}, ${new Date().toISOString()}`);
for (const b of benches) {
  const file = path.join(here, b);
  if (!existsSync(file)) {
    console.log(`\n(${b} not built)`);
    continue;
  }
  const r = spawnSync(process.execPath, ['--expose-gc', file], { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    failed++;
    console.log(`${b} failed with exit code ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
