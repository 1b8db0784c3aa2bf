import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { Release } from "@cdktf/provider-helm/lib/release";
import { LimitRangeV1 } from "@cdktf/provider-kubernetes/lib/limit-range-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import type { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { ResourceQuotaV1 } from "@cdktf/provider-kubernetes/lib/resource-quota-v1";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { TENANT_GUARD_NAME, tenantContainerLimits, tenantNamespaceLabels, tenantObjectLabels, tenantQuotaHard } from "./tenant-namespace";
import { RELEASE_POLICY } from "./release-policy";

/** Resource quantities as Kubernetes writes them ("500m", "128Mi"). */
export interface ComputeResources {
  readonly cpu: string;
  readonly memory: string;
}

export interface TenantQuota {
  readonly pods: number;
  readonly requests: ComputeResources;
  readonly limits: ComputeResources;
}

/** Defaults for containers that declare no resources of their own, and the most one may ask for. */
export interface TenantLimits {
  readonly defaultRequest: ComputeResources;
  readonly defaultLimit: ComputeResources;
  readonly max: ComputeResources;
}

export interface TenantProps {
  readonly helmProvider: HelmProvider;
  readonly kubernetesProvider: KubernetesProvider;
  readonly tenantId: string;
  readonly namespace: string;
  readonly releaseName: string;
  readonly kubernetesVersion: string;
  /** Path of the packaged chart, relative to the stack's output folder (a TerraformAsset's path). */
  readonly chartPath: string;
  /** The release's values, exactly as `helm template` receives them in the tests. */
  readonly values: Record<string, unknown>;
  readonly quota: TenantQuota;
  readonly limits: TenantLimits;
  readonly dependsOn?: ITerraformDependable[];
}

/** One tenant: its own namespace (Pod Security `restricted`), quota, limit range and release. */
export class Tenant extends Construct {
  readonly namespace: NamespaceV1;
  readonly quota: ResourceQuotaV1;
  readonly limitRange: LimitRangeV1;
  readonly release: Release;

  constructor(scope: Construct, id: string, props: TenantProps) {
    super(scope, id);
    this.namespace = new NamespaceV1(this, "namespace", {
      provider: props.kubernetesProvider,
      metadata: { name: props.namespace, labels: tenantNamespaceLabels(props.tenantId, props.kubernetesVersion) },
    });
    const metadata = { name: TENANT_GUARD_NAME, namespace: props.namespace, labels: tenantObjectLabels(props.tenantId) };
    this.quota = new ResourceQuotaV1(this, "quota", {
      provider: props.kubernetesProvider,
      metadata,
      spec: { hard: tenantQuotaHard(props.quota) },
      dependsOn: [this.namespace],
    });
    this.limitRange = new LimitRangeV1(this, "limits", {
      provider: props.kubernetesProvider,
      metadata,
      spec: { limit: [tenantContainerLimits(props.limits)] },
      dependsOn: [this.namespace],
    });
    this.release = new Release(this, "release", {
      provider: props.helmProvider,
      name: props.releaseName,
      namespace: props.namespace,
      chart: props.chartPath,
      values: [JSON.stringify(props.values)],
      ...RELEASE_POLICY,
      timeout: 600,
      // The quota and limit range admit pods, so they must exist before the first pod is created.
      dependsOn: [this.namespace, this.quota, this.limitRange, ...(props.dependsOn ?? [])],
    });
  }
}
