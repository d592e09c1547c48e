/** `npm run test:faults`: the fault suite (test/faults/*.fault.ts), apart from `npm test`. */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/faults/**/*.fault.ts"],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: "forks",
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
