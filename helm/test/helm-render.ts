import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import YAML from "yaml";
import { helmPath } from "./helm-binary";

export type RenderedObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let workDir: string | undefined;
const renders = new Map<string, RenderedObject[]>();

/**
 * `helm template <release> <chartDir> --namespace <namespace> [-f values] [extraArgs]`, parsed into its
 * objects. Several files render the same release with the same values (the default deployment's tenants),
 * and files share a worker, so identical inputs are rendered once per worker: each caller gets its own copy,
 * so no file sees what another did to its objects. Throws with helm's stderr when helm fails.
 */
export function helmTemplate(release: string, chartDir: string, namespace: string, values?: unknown, extraArgs: readonly string[] = []): RenderedObject[] {
  const key = JSON.stringify([release, chartDir, namespace, values ?? null, extraArgs]);
  let objects = renders.get(key);
  if (!objects) renders.set(key, (objects = render(release, chartDir, namespace, values, extraArgs)));
  return structuredClone(objects);
}

function render(release: string, chartDir: string, namespace: string, values: unknown, extraArgs: readonly string[]): RenderedObject[] {
  const args = ["template", release, chartDir, "--namespace", namespace, ...extraArgs];
  if (values !== undefined) {
    workDir ??= mkdtempSync(path.join(tmpdir(), "helm-render-"));
    const file = path.join(workDir, `values-${renders.size}-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(values));
    args.push("-f", file);
  }
  const result = spawnSync(helmPath, args, { encoding: "utf8", timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`helm template ${release} ${chartDir} failed: ${result.stderr}`);
  return YAML.parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as RenderedObject | null)
    .filter((o): o is RenderedObject => o !== null);
}
