import { DeploymentError, clusterName, type Deployment, type Problem } from "@gpp/deployment";
import { DeploymentStack } from "@gpp/stack";
import { AssetType, TerraformAsset, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { CHART_DIR, coalesceValues, loadChartSchema, tenantChartValues, tenantValuesProblems, type IngressTarget, type Values } from "./chart-values";
import { ClusterAccess } from "./cluster-access";
import { TraefikIngress } from "./ingress";
import { NetworkPolicyEnforcement } from "./network-policy";
import { Tenant, type TenantLimits, type TenantQuota } from "./tenant";

export const INGRESS_NAMESPACE = "traefik";
export const INGRESS_CLASS = "traefik";

/** Every tenant's namespace; the prefix keeps tenant ids clear of system namespaces (`default`, `kube-system`). */
export const tenantNamespace = (tenantId: string): string => `tenant-${tenantId}`;

/** Per-container defaults and ceiling in every tenant namespace. */
export const TENANT_LIMITS: TenantLimits = {
  defaultRequest: { cpu: "50m", memory: "32Mi" },
  defaultLimit: { cpu: "500m", memory: "128Mi" },
  max: { cpu: "2", memory: "1Gi" },
};

/**
 * A tenant's quota. Pods: the most replicas its values allow, one surge pod of a rolling update and
 * the `helm test` pod. CPU and memory leave room for that many pods at the chart's default sizes.
 */
export function tenantQuota(values: Values): TenantQuota {
  const merged = coalesceValues(loadChartSchema().defaults, values) as {
    replicaCount: number;
    autoscaling: { enabled: boolean; maxReplicas: number };
  };
  const replicas = merged.autoscaling.enabled ? merged.autoscaling.maxReplicas : merged.replicaCount;
  return {
    pods: replicas + 2,
    requests: { cpu: "4", memory: "4Gi" },
    limits: { cpu: "16", memory: "8Gi" },
  };
}

/** What runs inside one deployment's cluster: the ingress controller and one release per tenant. */
export class HelmStack extends DeploymentStack {
  readonly access: ClusterAccess;
  readonly ingress: TraefikIngress;
  readonly networkPolicy: NetworkPolicyEnforcement;
  readonly tenants: Tenant[] = [];

  constructor(scope: Construct, deployment: Deployment) {
    super(scope, deployment, "helm");
    const kubernetesVersion = deployment.cluster.kubernetes_version;
    this.access = new ClusterAccess(this, "cluster", { clusterName: clusterName(deployment) });
    this.networkPolicy = new NetworkPolicyEnforcement(this, "network-policy", { provider: this.access.kubernetes });
    this.ingress = new TraefikIngress(this, "ingress", {
      helmProvider: this.access.helm,
      kubernetesProvider: this.access.kubernetes,
      kubernetesVersion,
      namespace: INGRESS_NAMESPACE,
      ingressClassName: INGRESS_CLASS,
      // One per availability zone of the deployment.
      minReplicas: deployment.availability_zones.length,
      maxReplicas: 10,
      targetCpuUtilization: 70,
    });
    const target: IngressTarget = {
      className: this.ingress.ingressClassName,
      namespace: this.ingress.namespaceName,
      podLabels: this.ingress.podLabels,
    };

    // Every tenant's values first: one bad value anywhere stops the synth before anything is written.
    const problems: Problem[] = [];
    const tenantValues = deployment.tenants.map((tenant, i) => {
      const values = tenantChartValues(deployment, tenant, target);
      problems.push(...tenantValuesProblems(i, tenant, values));
      return values;
    });
    if (problems.length > 0) {
      throw new DeploymentError(deployment.file, problems);
    }

    // One asset for every release: the chart is copied and hashed once per stack, not per tenant.
    const chart = new TerraformAsset(this, "tech-interview-chart", { path: CHART_DIR, type: AssetType.DIRECTORY });
    deployment.tenants.forEach((tenant, i) => {
      const values = tenantValues[i] as Values;
      this.tenants.push(
        new Tenant(this, `tenant-${tenant.id}`, {
          helmProvider: this.access.helm,
          kubernetesProvider: this.access.kubernetes,
          tenantId: tenant.id,
          namespace: tenantNamespace(tenant.id),
          releaseName: tenant.id,
          kubernetesVersion,
          chartPath: chart.path,
          values,
          quota: tenantQuota(values),
          limits: TENANT_LIMITS,
          // Ingress objects need their class, and NetworkPolicies need enforcement turned on.
          dependsOn: [this.ingress.release, this.networkPolicy.configMap],
        }),
      );
    });

    new TerraformOutput(this, "tenant_hosts", {
      value: Object.fromEntries(deployment.tenants.map((t) => [t.id, t.host])),
      description: "Host name of each tenant; point DNS at the ingress controller's load balancer.",
    });
  }
}
