import { defineConfig } from "vitest/config";

// Its own config, so `pnpm --filter` runs here do not pick up the root one (which runs every package).
export default defineConfig({
  test: {
    // Files share a worker and the modules it has loaded (cdktf, the provider bindings, the workspace sources)
    // instead of loading them again for each file: seconds of CPU per file. So a file must leave process
    // state (env, argv, cwd, spies, timers) as it found it.
    isolate: false,
  },
});
