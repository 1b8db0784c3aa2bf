/**
 * How big a tenant may get, from its values merged with the chart's defaults (`resolveTenant` in
 * tenant-values.ts): the namespace's ResourceQuota, the LimitRange every container meets, and the
 * container sizes that LimitRange would refuse.
 */
import type { Problem } from "@gpp/deployment";
import type { ChartValues, ContainerResources } from "./chart-values";
import { formatCpu, formatMemory, parseQuantity } from "./quantity";
import type { ComputeResources, TenantLimits, TenantQuota } from "./tenant";

/** Per-container defaults and ceiling in every tenant namespace. */
export const TENANT_LIMITS: TenantLimits = {
  defaultRequest: { cpu: "50m", memory: "32Mi" },
  defaultLimit: { cpu: "500m", memory: "128Mi" },
  max: { cpu: "2", memory: "1Gi" },
};

/**
 * The least a tenant's quota allows for CPU and memory, whatever its values: room for the 21 pods of
 * the defaults (tenantQuota) at the chart's default limits (500m, 128Mi) and then some, so a tenant
 * can grow without a quota change.
 */
export const TENANT_QUOTA_FLOOR: Pick<TenantQuota, "requests" | "limits"> = {
  requests: { cpu: "4", memory: "4Gi" },
  limits: { cpu: "16", memory: "8Gi" },
};

/** The chart's `helm test` hook pod. */
const HELM_TEST_PODS = 1;

export const quantity = (value: string): number => {
  const parsed = parseQuantity(value);
  // The chart's schema admits only quantities this parser reads, and values are checked before this.
  if (parsed === undefined) throw new Error(`not a Kubernetes quantity: ${value}`);
  return parsed;
};

/**
 * A tenant's quota, sized so that no rollout, scale event or `helm test` its values allow is refused.
 *
 * R is the most replicas the values allow (`autoscaling.maxReplicas` with the HPA or KEDA, else
 * `replicaCount`). Pods that are terminating still count: the quota ignores a pod only once it is
 * Failed/Succeeded or past deletionTimestamp + its grace period (kubernetes
 * pkg/quota/v1/evaluator/core/pods.go, QuotaV1Pod), i.e. for up to twice `termination.gracePeriodSeconds`
 * after the delete; in practice until the kubelet removes it, after the preStop sleep and SIGTERM.
 *
 * - Rollout at R: the Deployment controller never grows the new ReplicaSet beyond R (apps/v1
 *   rolling update: `maxSurge` only lets new and old together exceed R), and every old pod is either
 *   still running or terminating. So new + old pods never exceed 2R, whatever `maxSurge` and
 *   `maxUnavailable` are. The grace period decides how long that headroom is held, not its size: a
 *   replacement becomes ready in seconds, sooner than an old pod's preStop sleep (10 s) plus exit, so a
 *   rollout can end with all R old pods still terminating.
 * - Scale event: a scale-down by up to R - minReplicas (KEDA: R, at the end of the window) followed by
 *   a scale-up within the grace period needs at most R running + R terminating.
 * - Plus the `helm test` pod; an earlier test pod is Succeeded or Failed and not counted.
 * A scale-up during the tail of a rollout could ask for more; the ReplicaSet controller then retries
 * until old pods are gone (at most twice the grace period), which delays pods but fails nothing.
 *
 * CPU and memory: 2R service pods at the release's `resources` plus the test pod's
 * `helmTest.resources`, never less than TENANT_QUOTA_FLOOR.
 */
export function tenantQuota(values: ChartValues): TenantQuota {
  // KEDA scales between zero and the same maxReplicas the HPA would use.
  const autoscaled = values.autoscaling.enabled || values.keda.enabled;
  const replicas = autoscaled ? values.autoscaling.maxReplicas : values.replicaCount;
  // A rollout or a scale event: at most R pods running plus R terminating (see above).
  const servicePods = 2 * replicas;
  const total = (kind: keyof ContainerResources, resource: keyof ComputeResources, floor: string) =>
    Math.max(
      quantity(floor),
      servicePods * quantity(values.resources[kind][resource]) + quantity(values.helmTest.resources[kind][resource]),
    );
  const sized = (kind: keyof ContainerResources): ComputeResources => ({
    cpu: formatCpu(total(kind, "cpu", TENANT_QUOTA_FLOOR[kind].cpu)),
    memory: formatMemory(total(kind, "memory", TENANT_QUOTA_FLOOR[kind].memory)),
  });
  return { pods: servicePods + HELM_TEST_PODS, requests: sized("requests"), limits: sized("limits") };
}

/**
 * Resources the tenant namespace's LimitRange would refuse at admission: a container above the
 * per-container maximum, or requesting more than its limit. Without this check the release would
 * create a Deployment whose pods are never admitted, and fail only after helm's wait times out.
 */
export function tenantResourceProblems(tenantIndex: number, values: ChartValues, limits: TenantLimits): Problem[] {
  const problems: Problem[] = [];
  const containers: [string, ContainerResources][] = [
    ["resources", values.resources],
    ["helmTest.resources", values.helmTest.resources],
  ];
  for (const [key, resources] of containers) {
    for (const resource of ["cpu", "memory"] as const) {
      const field = `tenants[${tenantIndex}].values.${key}`;
      const limit = quantity(resources.limits[resource]);
      const request = quantity(resources.requests[resource]);
      if (limit > quantity(limits.max[resource])) {
        problems.push({
          field: `${field}.limits.${resource}`,
          message: `${resources.limits[resource]} is above the tenant namespace's per-container maximum of ${limits.max[resource]} (LimitRange)`,
        });
      }
      if (request > limit) {
        problems.push({
          field: `${field}.requests.${resource}`,
          message: `${resources.requests[resource]} is more than the limit of ${resources.limits[resource]}`,
        });
      }
    }
  }
  return problems;
}
