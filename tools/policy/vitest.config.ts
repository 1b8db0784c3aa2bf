import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Synthesizing both stacks of a deployment and running helm template per tenant takes seconds.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
