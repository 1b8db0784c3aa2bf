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

/**
 * The same deployment delivered by Argo CD, for the argocd-mode section: `gitops` set with an example
 * repository and tag, and its first tenant in rollout group `canary`, so the staged rollout shows.
 * Built from the validated deployment, not a descriptor: nothing here is a real repository.
 */
export const EXAMPLE_GITOPS = { engine: "argocd", repo_url: "https://github.com/example-org/gpp-platform.git", revision: "v1.0.0" } as const;

export function gitopsVariant(deployment: Deployment): Deployment {
  return {
    ...deployment,
    gitops: { ...EXAMPLE_GITOPS },
    tenants: deployment.tenants.map((tenant, i) => (i === 0 ? { ...tenant, rollout_group: "canary" } : tenant)),
  };
}
