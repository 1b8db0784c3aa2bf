/** The default deployment the diagrams describe, and its iac and helm stacks' Terraform JSON. */
import { DEFAULT_DEPLOYMENT_ID, loadDefaultDeployment, type Deployment } from "@gpp/deployment";
import { withSynthesizedDeployment } from "@gpp/synth";

/** The deployment the diagrams describe: the repository's built-in default. */
export const DEFAULT_DEPLOYMENT_FILE = `deployments/${DEFAULT_DEPLOYMENT_ID}.yaml`;
export { loadDefaultDeployment };

export interface SynthesizedStacks {
  readonly deployment: Deployment;
  readonly iac: { readonly name: string; readonly json: Record<string, unknown> };
  readonly helm: { readonly name: string; readonly json: Record<string, unknown> };
}

export const synthesizeStacks = (deployment: Deployment = loadDefaultDeployment()): SynthesizedStacks =>
  withSynthesizedDeployment(deployment, ({ iac, helm }) => ({
    deployment,
    iac: { name: iac.name, json: iac.json },
    helm: { name: helm.name, json: helm.json },
  }));
