/** argocd mode of the helm stack: what it builds instead of one Tenant construct per tenant. */
import type { Deployment, GitOps } from "@gpp/deployment";
import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { ArgoCd, argoCdValues } from "./argocd";
import type { Values } from "./chart-values";
import type { ClusterAccess } from "./cluster-access";
import { TenantDelivery } from "./gitops";
import type { TenantLimits, TenantQuota } from "./tenant";

export interface ArgoCdDeliveryProps {
  readonly deployment: Deployment & { readonly gitops: GitOps };
  readonly access: ClusterAccess;
  /** `tenantChartValues` of each tenant, in descriptor order. */
  readonly tenantValues: readonly Values[];
  readonly quotas: readonly TenantQuota[];
  readonly limits: TenantLimits;
  readonly namespaceOf: (tenantId: string) => string;
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** What tenants need before their first object: the ingress class, NetworkPolicy enforcement, the NodePool, KEDA. */
  readonly tenantPrerequisites: readonly ITerraformDependable[];
}

export interface ArgoCdDelivery {
  readonly argocd: ArgoCd;
  readonly delivery: TenantDelivery;
}

export function deliverTenantsByArgoCd(scope: Construct, props: ArgoCdDeliveryProps): ArgoCdDelivery {
  const { deployment, access } = props;
  const argocd = new ArgoCd(scope, "argocd", {
    helmProvider: access.helm,
    kubernetesProvider: access.kubernetes,
    kubernetesVersion: deployment.cluster.kubernetes_version,
    values: argoCdValues({ highAvailability: deployment.env === "prod", nodeSelector: props.nodeSelector }),
    dependsOn: [...props.tenantPrerequisites],
  });
  const delivery = new TenantDelivery(scope, "tenant-delivery", {
    helmProvider: access.helm,
    deployment,
    tenants: deployment.tenants.map((tenant, i) => ({
      id: tenant.id,
      namespace: props.namespaceOf(tenant.id),
      rolloutGroup: tenant.rollout_group,
      values: props.tenantValues[i] as Values,
      quota: props.quotas[i] as TenantQuota,
    })),
    limits: props.limits,
    dependsOn: [argocd.release, ...props.tenantPrerequisites],
  });
  return { argocd, delivery };
}
