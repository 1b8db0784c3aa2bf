import { defineConfig } from "vitest/config";

// Its own config, so `pnpm --filter` runs here do not pick up the root one (which runs every package).
// One test starts `node --import tsx`: seconds on a busy 2-core machine, past vitest's 5 s default.
export default defineConfig({ test: { testTimeout: 30_000 } });
