import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // cdktf's token stack traces in V8's plain format, not source-mapped (@gpp/stack/testing): the synths here are cheaper.
    setupFiles: ["@gpp/stack/testing"],
    testTimeout: 60_000,
    // Files share a worker and the modules it has loaded (cdktf, the provider bindings, the workspace sources)
    // instead of loading them again for each file: seconds of CPU per file. So a file must leave process
    // state (env, argv, cwd, spies, timers) as it found it.
    isolate: false,
  },
});
