/**
 * What the deploy workflow needs to know about one deployment, derived from its descriptor with the
 * shared naming functions (so CI never re-spells a stack or cluster name). Prints `key=value` lines
 * for `$GITHUB_OUTPUT`:
 *
 *   tsx src/deployment-facts.ts <deployment-id>
 *
 * Reads the descriptors from GPP_DEPLOYMENTS_DIR (default: the repository's deployments/).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  clusterName,
  defaultDeploymentsDir,
  DeploymentError,
  loadDeployments,
  runOrExit,
  stackName,
  type Deployment,
} from "@gpp/deployment";
import { repositoryRoot } from "./paths";

export interface DeploymentFacts {
  readonly deployment_id: string;
  /** Also the name of the GitHub environment the deploy job runs in (its protection rules apply). */
  readonly env: string;
  readonly region: string;
  readonly cluster_name: string;
  readonly iac_stack: string;
  readonly helm_stack: string;
  readonly descriptor: string;
  readonly tenants: string;
  /**
   * How the smoke test reaches the entry point: `https` when the deployment has a hosted zone (the NLB
   * terminates TLS with the wildcard certificate and Traefik redirects port 80), `http` otherwise.
   */
  readonly entry_scheme: "http" | "https";
  /** Who applies the tenants: the helm stack itself, or Argo CD (descriptor `gitops`), which the smoke test then waits for. */
  readonly tenant_delivery: "terraform" | "argocd";
}

/**
 * A CI runner's disk is gone when the job ends, so a deployment whose Terraform state is local can
 * be deployed from a workstation only.
 */
export function requireRemoteState(deployment: Deployment, file: string): void {
  if (deployment.state.backend !== "s3") {
    throw new DeploymentError(file, [
      {
        field: "state.backend",
        message: `is "${deployment.state.backend}"; the deploy workflow needs "s3" (a CI runner's disk, and local state with it, is discarded when the job ends)`,
      },
    ]);
  }
}

export function deploymentFacts(deployment: Deployment, descriptor: string): DeploymentFacts {
  return {
    deployment_id: deployment.deployment_id,
    env: deployment.env,
    region: deployment.region,
    cluster_name: clusterName(deployment),
    iac_stack: stackName(deployment, "iac"),
    helm_stack: stackName(deployment, "helm"),
    descriptor,
    tenants: deployment.tenants.map((t) => t.id).join(","),
    entry_scheme: deployment.ingress.hosted_zone ? "https" : "http",
    tenant_delivery: deployment.gitops ? "argocd" : "terraform",
  };
}

export function formatOutputs(facts: DeploymentFacts): string {
  return Object.entries(facts)
    .map(([key, value]) => `${key}=${value}`)
    .join("\n");
}

/** Loads `<dir>/<id>.yaml` (validating every descriptor, as the stacks do) and derives its facts. */
export function factsFor(id: string, dir: string, repositoryRoot: string): DeploymentFacts {
  const [deployment] = loadDeployments(dir, id);
  if (!deployment) throw new DeploymentError(dir, [{ field: "GPP_DEPLOYMENT", message: `no deployment "${id}"` }]);
  const descriptor = path.relative(repositoryRoot, path.join(dir, `${deployment.deployment_id}.yaml`));
  requireRemoteState(deployment, descriptor);
  return deploymentFacts(deployment, descriptor);
}


function main(): void {
  const [id, ...rest] = process.argv.slice(2);
  if (!id || rest.length > 0) {
    process.stderr.write("usage: deployment-facts <deployment-id>\n");
    process.exit(2);
  }
  const dir = process.env.GPP_DEPLOYMENTS_DIR?.trim() || defaultDeploymentsDir();
  process.stdout.write(`${formatOutputs(factsFor(id, dir, repositoryRoot))}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) runOrExit(main);
