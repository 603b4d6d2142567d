// The reliability suite (npm run test:reliability): real daemons killed, overloaded and fed hostile input.
// One file at a time: the tests measure latency and memory, and the crash test needs both cores to itself.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/reliability/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
