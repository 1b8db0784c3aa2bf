import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    setupFiles: ["@gpp/stack/testing"],
    // terraform init/validate/plan of the offline plan test takes a while on 2 cores.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
