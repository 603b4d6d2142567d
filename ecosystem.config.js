// PM2 process file. This package is "type": "module", so PM2 loads it through require() of ESM (Node >= 20.19):
// it must be written `export const apps`; module.exports and export default both fail here.
// Settings come from the environment `pm2 start` runs in; the values below are defaults for what is unset.
const env = (name, fallback) => process.env[name] ?? fallback;

export const apps = [
  {
    name: 'pressroom',
    script: 'dist/main.js',
    args: 'start',
    exec_mode: 'fork',
    instances: 1,
    // Graceful shutdown aborts fetches and closes the server; PM2's default 1.6 s would SIGKILL it mid-way.
    kill_timeout: 15000,
    wait_ready: true,
    listen_timeout: 20000,
    max_memory_restart: '1G',
    env: {
      NODE_ENV: 'production',
      PORT: env('PORT', '8080'),
      FEEDS_DIR: env('FEEDS_DIR', './feeds'),
      DATA_DIR: env('DATA_DIR', './data'),
      LOG_LEVEL: env('LOG_LEVEL', 'info'),
      ...(process.env.HOST ? { HOST: process.env.HOST } : {}),
      ...(process.env.PUBLIC_URL ? { PUBLIC_URL: process.env.PUBLIC_URL } : {}),
    },
  },
];
