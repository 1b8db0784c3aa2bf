import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    setupFiles: ["@gpp/stack/testing"],
    // helm template and synth runs take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Files share a worker and the modules it has loaded (cdktf, the provider bindings, the workspace sources)
    // instead of loading them again for each file: seconds of CPU per file. So a file must leave process
    // state (env, argv, cwd, spies, timers) as it found it.
    isolate: false,
  },
});
