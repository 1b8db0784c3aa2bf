/**
 * `pnpm synth`: every stack of every package, all or nothing. Each package's `cdktf synth` refuses bad input
 * only for its own stacks, so running them one after another left the iac stacks written when the helm stack
 * then refused the same descriptor. Here every stack of both packages is constructed first (construction is
 * where every check that can refuse a descriptor runs), each package's App writes into a temporary folder
 * beside its output folder, and only when both have synthesized are the results moved into place.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import type { Deployment } from "@gpp/deployment";
import { App, Manifest } from "cdktf";
import { HelmStack } from "helm/stack";
import { IacStack } from "iac/stack";

export type PackageName = "iac" | "helm";

/** Each package's output folder, as its cdktf.json names it (`cdktf.out` in the package folder). */
export type OutputFolders = Readonly<Record<PackageName, string>>;

/** Prefix of the temporary folders; a leftover from a killed run is removed by the next one. */
const TEMPORARY_PREFIX = ".cdktf.out.partial-";

const STACK_CLASSES: Readonly<Record<PackageName, new (app: App, deployment: Deployment) => unknown>> = {
  iac: IacStack,
  helm: HelmStack,
};

/**
 * The context `cdktf synth` hands an app (cdktf-cli 0.21.0, `synth` in bin/cmds/handlers: the
 * `CDKTF_CONTEXT_JSON` it sets): without it the output would differ from what the CLI writes.
 */
const CLI_CONTEXT = { cdktfRelativeModules: [] as string[] };

function removeLeftovers(parent: string): void {
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    if (name.startsWith(TEMPORARY_PREFIX)) rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

/**
 * Moves a finished synthesis into `outdir`: its `stacks/` folder and `manifest.json` replace the old ones,
 * and anything else in `outdir` (e.g. iac's `plan/`) stays, as with `cdktf synth`.
 */
function moveIntoPlace(done: string, outdir: string): void {
  mkdirSync(outdir, { recursive: true });
  const stacks = path.join(outdir, Manifest.stacksFolder);
  const old = path.join(path.dirname(outdir), `${TEMPORARY_PREFIX}old-${process.pid}`);
  if (existsSync(stacks)) renameSync(stacks, old);
  renameSync(path.join(done, Manifest.stacksFolder), stacks);
  renameSync(path.join(done, Manifest.fileName), path.join(outdir, Manifest.fileName));
  rmSync(old, { recursive: true, force: true });
  rmSync(done, { recursive: true, force: true });
}

/**
 * Synthesizes every package's stacks for `deployments` into `outputs`, or writes nothing and throws the
 * first refusal (a DeploymentError for bad input). Returns the stack names written, per package.
 */
export function synthesizeEverything(deployments: readonly Deployment[], outputs: OutputFolders): Record<PackageName, string[]> {
  const packages = Object.keys(STACK_CLASSES) as PackageName[];
  const partial: Partial<Record<PackageName, string>> = {};
  try {
    const apps = packages.map((pkg) => {
      const parent = path.dirname(outputs[pkg]);
      removeLeftovers(parent);
      mkdirSync(parent, { recursive: true });
      const outdir = mkdtempSync(path.join(parent, TEMPORARY_PREFIX));
      partial[pkg] = outdir;
      const app = new App({ outdir, context: CLI_CONTEXT });
      for (const deployment of deployments) new STACK_CLASSES[pkg](app, deployment);
      return app;
    });
    for (const app of apps) app.synth();
  } catch (error) {
    for (const dir of Object.values(partial)) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const written = {} as Record<PackageName, string[]>;
  for (const pkg of packages) {
    moveIntoPlace(partial[pkg]!, outputs[pkg]);
    written[pkg] = readdirSync(path.join(outputs[pkg], Manifest.stacksFolder)).sort();
  }
  return written;
}
