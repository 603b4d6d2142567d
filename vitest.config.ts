import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The reliability suite runs on its own (npm run test:reliability, vitest.reliability.config.ts).
    exclude: [...configDefaults.exclude, 'tests/reliability/**'],
    // Deadlock guards only: what a test checks about time it asserts itself. A loaded 2-core run took 30 s for
    // cli.test.ts's three CLI starts of one test (--explain, ingest --once, --explain), ~10 s each.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // End-to-end tests start real servers and child processes: keep the machine's two cores for them.
    maxWorkers: 2,
  },
});
