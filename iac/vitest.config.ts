import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    setupFiles: ["@gpp/stack/testing"],
    // The offline plan tests await plans that queue for two lanes; on 2 busy cores the first can take a minute.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
