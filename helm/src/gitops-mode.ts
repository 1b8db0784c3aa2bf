/** argocd mode of the helm stack: what it builds instead of one Tenant construct per tenant. */
import type { Deployment, GitOps } from "@gpp/deployment";
import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { ArgoCd, argoCdValues } from "./argocd";
import type { ClusterAccess } from "./cluster-access";
import { TenantDelivery } from "./gitops";
import type { TenantLimits } from "./tenant";
import type { SizedTenant } from "./tenant-values";

export interface ArgoCdDeliveryProps {
  readonly deployment: Deployment & { readonly gitops: GitOps };
  readonly access: ClusterAccess;
  /** Every tenant, resolved once (`resolveTenant`), in descriptor order. */
  readonly tenants: readonly SizedTenant[];
  /** The LimitRange every tenant namespace gets. */
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
    tenants: props.tenants.map(({ spec, releaseValues, sizing }) => ({
      id: spec.id,
      namespace: props.namespaceOf(spec.id),
      rolloutGroup: spec.rollout_group,
      values: releaseValues,
      quota: sizing.quota,
    })),
    limits: props.limits,
    dependsOn: [argocd.release, ...props.tenantPrerequisites],
  });
  return { argocd, delivery };
}
