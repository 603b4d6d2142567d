// PM2 process file: `npx pm2 start ecosystem.config.js`.
// This package is "type": "module", so PM2 loads this file through require() of ESM (Node >= 20.19): it must
// be written `export const apps`; module.exports and export default both fail here.
// Settings come from the environment `pm2 start` runs in; the values below are defaults only for what is unset.
const env = (name, fallback) => process.env[name] ?? fallback;

const shared = {
  PORT: env('PORT', '8080'),
  FEEDS_DIR: env('FEEDS_DIR', './feeds'),
  DATA_DIR: env('DATA_DIR', './data'),
  LOG_LEVEL: env('LOG_LEVEL', 'info'),
  ...Object.fromEntries(
    ['HOST', 'PUBLIC_URL', 'BULLETIN_SCHEDULE', 'FETCH_TIMEOUT_MS', 'FETCH_MAX_BYTES', 'FETCH_MAX_REDIRECTS', 'FETCH_CONCURRENCY', 'OPERATOR_PORT', 'OPERATOR_HOST', 'OPERATOR_TOKEN']
      .filter((k) => process.env[k] !== undefined)
      .map((k) => [k, process.env[k]]),
  ),
};
const logDir = env('PRESSROOM_LOG_DIR', './logs');

// glibc raises its mmap threshold to the largest block freed, up to 32 MB: after the first feed document of a few
// MB is freed, every later one comes from the heap arenas, which fragment and are not given back. A fixed
// threshold sends large blocks to mmap, returned on free. Measured at 100,000 stories, a web instance after
// browsing archives and queries: 282 MB resident without, 238 MB with (docs/PERFORMANCE.md).
const allocator = { MALLOC_MMAP_THRESHOLD_: env('MALLOC_MMAP_THRESHOLD_', '131072') };

export const apps = [
  {
    // Exactly one: it owns the schedule, the fetching and every store write (the store refuses a second writer).
    name: 'pressroom-worker',
    script: 'dist/main.js',
    args: 'worker',
    exec_mode: 'fork',
    instances: 1,
    wait_ready: true, // the worker says ready once the store has loaded
    listen_timeout: 30000,
    // Graceful shutdown aborts fetches in flight and leaves the last completed run written; PM2's default
    // 1.6 s would SIGKILL it mid-way.
    kill_timeout: 15000,
    max_memory_restart: '1G',
    out_file: `${logDir}/pressroom-worker.out.log`,
    error_file: `${logDir}/pressroom-worker.err.log`,
    time: false,
    env: { NODE_ENV: 'production', ...allocator, ...shared },
  },
  {
    // Read-only: serves what the worker wrote, picked up within two seconds without a restart.
    name: 'pressroom-web',
    script: 'dist/main.js',
    args: 'web',
    exec_mode: 'cluster',
    instances: Number(env('PRESSROOM_WEB_INSTANCES', '2')),
    wait_ready: true, // ready is sent after listen()
    listen_timeout: 30000,
    kill_timeout: 15000,
    max_memory_restart: '512M',
    merge_logs: true,
    out_file: `${logDir}/pressroom-web.out.log`,
    error_file: `${logDir}/pressroom-web.err.log`,
    env: { NODE_ENV: 'production', ...allocator, ...shared },
  },
];
