import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    setupFiles: ["@gpp/stack/testing"],
    // The offline plan tests await plans that queue for two lanes; on 2 busy cores the first can take a minute.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Files share a worker and the modules it has loaded (cdktf and the AWS provider bindings) instead of
    // loading them again for each file, as in helm. So a file must leave process state as it found it.
    isolate: false,
  },
});
