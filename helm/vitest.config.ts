import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    setupFiles: ["@gpp/stack/testing"],
    // helm template and synth runs take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
