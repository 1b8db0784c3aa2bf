import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The deployment-facts command test starts `node --import tsx`, which takes seconds on a busy 2-core machine.
    testTimeout: 60_000,
    // Files share a worker and the modules it has loaded (cdktf, the provider bindings, the workspace sources)
    // instead of loading them again for each file: seconds of CPU per file. So a file must leave process
    // state (env, argv, cwd, spies, timers) as it found it.
    isolate: false,
  },
});
