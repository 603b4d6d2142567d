import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The reliability suite runs on its own (npm run test:reliability, vitest.reliability.config.ts).
    exclude: [...configDefaults.exclude, 'tests/reliability/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests start real servers and child processes: keep the machine's two cores for them.
    maxWorkers: 2,
  },
});
