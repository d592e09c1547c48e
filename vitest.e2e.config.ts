import { defineConfig } from "vitest/config";

/**
 * Browser end-to-end tests (`npm run test:e2e`): the playground (`npm start` with no Slack tokens) driven
 * through Debian's chromium with playwright-core. Kept out of `npm test` (vitest.config.ts excludes
 * test/e2e); `.ci/run` runs them as their own step. Screenshots go to test/e2e/__screenshots__.
 */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
