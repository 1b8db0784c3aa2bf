#!/usr/bin/env node
// @ts-check
/**
 * `pnpm synth`: tools/synth/src/cli.ts, run from its cached bundle with plain `node` (see ../bundle/).
 * A source error found while bundling is printed as `file:line:column: problem`, exit 1, nothing written.
 */
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { BundleError } from "../bundle/build.mjs";
import { ensureBundle } from "../bundle/cache.mjs";
import { runBundle } from "../bundle/run.mjs";
import { cheapenNonErrorStackTraces } from "../bundle/stack-traces.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
let bundle;
try {
  bundle = await ensureBundle({
    entry: path.join(here, "../src/cli.ts"),
    root: path.resolve(here, "../../.."),
    // node_modules/.cache: ignored by git and ESLint, and a reinstall that clears it only costs one rebuild.
    cacheDir: path.join(here, "../node_modules/.cache/synth-bundle"),
    log: (line) => process.stderr.write(`pnpm synth: ${line}\n`),
  });
} catch (error) {
  if (!(error instanceof BundleError)) throw error;
  process.stderr.write(`pnpm synth: cannot bundle the synth code:\n${error.message}\n`);
  process.exit(1);
}
// In this process only: cdktf's token creation stacks list frame names, not file:line (see stack-traces.mjs).
cheapenNonErrorStackTraces();
runBundle(bundle);
