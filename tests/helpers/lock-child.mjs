// A would-be writer for the lock tests: waits until the given instant (so that many start at once), opens the
// store in argv[2] for writing with the compiled modules, prints `got` or `locked <message>`, holds it argv[3] ms
// (`stdin`: until its stdin ends).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { openStore } = await import(path.join(root, 'dist/store/store.js'));
const [dir, holdMs, startAt] = process.argv.slice(2);
const wait = Number(startAt ?? 0) - Date.now();
if (wait > 0) await new Promise((r) => setTimeout(r, wait));
try {
  const store = await openStore(dir, { writable: true });
  process.stdout.write(`got ${process.pid}\n`);
  if (holdMs === 'stdin') {
    process.stdin.resume();
    await new Promise((r) => process.stdin.on('end', r));
  } else await new Promise((r) => setTimeout(r, Number(holdMs)));
  await store.close();
  process.exit(0);
} catch (e) {
  process.stdout.write(`${e.code ?? 'error'} ${e.message}\n`);
  process.exit(3);
}
