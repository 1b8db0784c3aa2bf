import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Synthesizing both stacks takes a few seconds on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
