import { defineConfig } from "vitest/config";

// Each test runs install.sh in bash, some several times; on a busy 2-core machine that takes seconds.
export default defineConfig({ test: { testTimeout: 60_000 } });
