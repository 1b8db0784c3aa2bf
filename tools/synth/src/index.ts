/**
 * Both stacks of a deployment, synthesized as `cdktf synth` writes them: one App holding the iac and helm
 * stacks, written to disk (so assets such as the tenant chart exist), read back from cdktf's manifest.
 * The one synthesis the tools (cost, policy, architecture) share; iac and helm never depend on it.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stackName, type Deployment } from "@gpp/deployment";
import { App } from "cdktf";
import { HelmStack } from "helm/stack";
import { IacStack } from "iac/stack";

export interface SynthesizedStack {
  /** The stack name, e.g. `dev-iac-gpp0`. */
  readonly name: string;
  /** The Terraform JSON (`cdk.tf.json`). */
  readonly json: Record<string, unknown>;
  /** Where Terraform runs for this stack: relative asset paths in `json` resolve against it. */
  readonly workingDirectory: string;
}

export interface SynthesizedDeployment {
  readonly deployment: Deployment;
  readonly iac: SynthesizedStack;
  readonly helm: SynthesizedStack;
}

interface CdktfManifest {
  readonly stacks: Record<string, { readonly synthesizedStackPath: string; readonly workingDirectory: string }>;
}

/** Synthesizes the iac and helm stacks of `deployment` into `outdir` (which must be empty or absent). */
export function synthesizeDeployment(deployment: Deployment, outdir: string): SynthesizedDeployment {
  const app = new App({ outdir });
  new IacStack(app, deployment);
  new HelmStack(app, deployment);
  app.synth();
  const manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")) as CdktfManifest;
  const read = (component: "iac" | "helm"): SynthesizedStack => {
    const name = stackName(deployment, component);
    const entry = manifest.stacks[name];
    if (!entry) throw new Error(`cdktf wrote no stack ${name} (it wrote ${Object.keys(manifest.stacks).join(", ")})`);
    return {
      name,
      json: JSON.parse(readFileSync(path.join(outdir, entry.synthesizedStackPath), "utf8")) as Record<string, unknown>,
      workingDirectory: path.join(outdir, entry.workingDirectory),
    };
  };
  return { deployment, iac: read("iac"), helm: read("helm") };
}

/** Synthesizes into a temporary folder, hands the result to `use`, and removes the folder afterwards. */
export function withSynthesizedDeployment<T>(deployment: Deployment, use: (synthesized: SynthesizedDeployment) => T): T {
  const outdir = mkdtempSync(path.join(tmpdir(), `gpp-synth-${deployment.deployment_id}-`));
  try {
    const result = use(synthesizeDeployment(deployment, outdir));
    if (result instanceof Promise) throw new Error("withSynthesizedDeployment: `use` must be synchronous (the folder is removed when it returns)");
    return result;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
