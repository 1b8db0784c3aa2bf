/**
 * The one naming function. Every package derives the names of a deployment's resources from here,
 * so `helm` finds the cluster `iac` made (and an operator finds both in the console) without
 * reading another package's state.
 */
export interface NamedDeployment {
  readonly env: string;
  readonly deployment_id: string;
}

/** `<env>-<component>-<deployment_id>`, e.g. `dev-eks-gpp0`. */
export function resourceName(deployment: NamedDeployment, component: string): string {
  if (!/^[a-z][a-z0-9-]*[a-z0-9]$/.test(component)) {
    throw new Error(`component "${component}" must be lowercase letters, digits and dashes`);
  }
  return `${deployment.env}-${component}-${deployment.deployment_id}`;
}

/** The components every package agrees on. */
export const Component = {
  iacStack: "iac",
  helmStack: "helm",
  vpc: "vpc",
  cluster: "eks",
  clusterRole: "eks-cluster",
  nodeRole: "eks-node",
  secretsKey: "eks-secrets",
  flowLogs: "vpc-flow-logs",
  observabilityRole: "eks-observability",
  alerts: "alerts",
  prometheus: "prometheus",
  budget: "budget",
} as const;

export const clusterName = (d: NamedDeployment): string => resourceName(d, Component.cluster);
export const stackName = (d: NamedDeployment, pkg: "iac" | "helm"): string =>
  resourceName(d, pkg === "iac" ? Component.iacStack : Component.helmStack);

/**
 * The Kubernetes user name AWS's manual (aws-auth ConfigMap) set-up gives the Amazon Managed Prometheus
 * collector, which `helm` grants read access with RBAC. `iac` makes no access entry for it: the cluster is
 * in `API` authentication mode, so AMP creates the collector's access entry itself.
 */
export const PROMETHEUS_COLLECTOR_USER = "aps-collector-user";
