/**
 * The namespace-level objects every tenant gets, whoever applies them: the helm stack's own
 * kubernetes resources in terraform mode (`tenant.ts`), or each tenant's Argo CD Application in argocd
 * mode (`gitops.ts`). One builder per object, so switching mode changes who applies, not what.
 */
import { TENANT_LABEL } from "./isolation";
import { restrictedPodSecurityLabels } from "./pod-security";
import type { TenantLimits, TenantQuota } from "./tenant";

/** Name of the tenant's ResourceQuota and LimitRange. */
export const TENANT_GUARD_NAME = "tenant";

/** Labels on the tenant's namespace: Pod Security `restricted` plus who the namespace belongs to. */
export function tenantNamespaceLabels(tenantId: string, kubernetesVersion: string): Record<string, string> {
  return { ...restrictedPodSecurityLabels(kubernetesVersion), ...tenantObjectLabels(tenantId) };
}

/** Labels on every namespace-level object of a tenant. */
export function tenantObjectLabels(tenantId: string): Record<string, string> {
  return { [TENANT_LABEL]: tenantId, "app.kubernetes.io/part-of": "tenants" };
}

/** The ResourceQuota's `spec.hard`. */
export function tenantQuotaHard(quota: TenantQuota): Record<string, string> {
  return {
    pods: String(quota.pods),
    "requests.cpu": quota.requests.cpu,
    "requests.memory": quota.requests.memory,
    "limits.cpu": quota.limits.cpu,
    "limits.memory": quota.limits.memory,
    // Tenants share the one ingress controller: no load balancers or node ports of their own.
    "services.loadbalancers": "0",
    "services.nodeports": "0",
    persistentvolumeclaims: "0",
  };
}

/** The LimitRange's one `Container` item. */
export function tenantContainerLimits(limits: TenantLimits) {
  return {
    type: "Container",
    defaultRequest: { ...limits.defaultRequest },
    default: { ...limits.defaultLimit },
    max: { ...limits.max },
  };
}

export type Manifest = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/** The quota and limit range as manifests, for Argo CD to apply (`charts/manifests`). */
export function tenantGuardManifests(tenantId: string, namespace: string, quota: TenantQuota, limits: TenantLimits): Manifest[] {
  const metadata = { name: TENANT_GUARD_NAME, namespace, labels: tenantObjectLabels(tenantId) };
  return [
    { apiVersion: "v1", kind: "ResourceQuota", metadata, spec: { hard: tenantQuotaHard(quota) } },
    { apiVersion: "v1", kind: "LimitRange", metadata, spec: { limits: [tenantContainerLimits(limits)] } },
  ];
}
