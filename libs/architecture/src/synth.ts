/**
 * Synthesizes the default deployment's iac and helm stacks in this process, into a temporary folder
 * that is removed afterwards, and returns their Terraform JSON.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defaultDeploymentsDir, loadDeploymentFile, stackName, type Deployment } from "@gpp/deployment";
import { App } from "cdktf";
import { HelmStack } from "helm/stack";
import { buildIacApp } from "iac/app";
import { readStackJson } from "iac/plan";

/** The deployment the diagrams describe: the repository's built-in default. */
export const DEFAULT_DEPLOYMENT_FILE = "deployments/gpp0.yaml";

export const loadDefaultDeployment = (): Deployment =>
  loadDeploymentFile(path.join(defaultDeploymentsDir(), path.basename(DEFAULT_DEPLOYMENT_FILE)));

export interface SynthesizedStacks {
  readonly deployment: Deployment;
  readonly iac: { readonly name: string; readonly json: Record<string, unknown> };
  readonly helm: { readonly name: string; readonly json: Record<string, unknown> };
}

export function synthesizeStacks(deployment: Deployment = loadDefaultDeployment()): SynthesizedStacks {
  const dir = mkdtempSync(path.join(tmpdir(), "gpp-architecture-"));
  try {
    const iacOut = path.join(dir, "iac");
    buildIacApp([deployment], iacOut).app.synth();
    const helmOut = path.join(dir, "helm");
    const helmApp = new App({ outdir: helmOut });
    new HelmStack(helmApp, deployment);
    helmApp.synth();
    const iacName = stackName(deployment, "iac");
    const helmName = stackName(deployment, "helm");
    return {
      deployment,
      iac: { name: iacName, json: readStackJson(iacOut, iacName) },
      helm: { name: helmName, json: readStackJson(helmOut, helmName) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
