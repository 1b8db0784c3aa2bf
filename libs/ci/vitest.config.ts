import { defineConfig } from "vitest/config";

// The deployment-facts command tests start `pnpm exec tsx`, which takes several seconds on a busy 2-core machine.
export default defineConfig({ test: { testTimeout: 60_000 } });
