import { defineConfig } from "vitest/config";

// Its own config, so `pnpm --filter` runs here do not pick up the root one (which runs every package).
export default defineConfig({ test: {} });
