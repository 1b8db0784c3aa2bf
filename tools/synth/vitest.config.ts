import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // cdktf's token stack traces in V8's plain format, not source-mapped (@gpp/stack/testing): the synths here are cheaper.
    setupFiles: ["@gpp/stack/testing"],
    testTimeout: 60_000,
  },
});
