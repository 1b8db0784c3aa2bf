import { defineConfig } from "vitest/config";

// Its own config, so `pnpm --filter` runs here do not pick up the root one (which runs every package).
export default defineConfig({
  test: {
    // Each test measures a `tsx` child process: seconds on a busy 2-core machine, past vitest's 5 s default.
    testTimeout: 60_000,
  },
});
