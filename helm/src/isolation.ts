/**
 * Tenant isolation tiers. A `shared` tenant runs on the deployment's `workloads` NodePool with every
 * other shared tenant and the platform. A `dedicated` tenant gets a NodeClass and NodePool of its own:
 * the same node role, subnets, security group and tags as the shared one, plus a `tenant` tag (so the
 * bill can be split by tenant), its nodes labelled and tainted `gpp.tenant=<id>:NoSchedule`, and its
 * pods given the matching toleration and node selector through `tenantChartValues`.
 *
 * A toleration is something a pod grants itself: the ValidatingAdmissionPolicies of
 * admission-policies.ts stop another tenant's pods from carrying it.
 */
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import type { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import type { Deployment, Problem } from "@gpp/deployment";
import { Construct } from "constructs";
import {
  NODE_POOL_LABEL,
  nodeClassManifest,
  nodePoolManifest,
  workloadsNodeSelector,
  type CapacityLimits,
  type NodeClassInput,
  type NodeTaint,
} from "./node-pool";
import { parseQuantity } from "./quantity";
import type { ComputeResources, TenantQuota } from "./tenant";

type TenantSpec = Deployment["tenants"][number];

/** Label of tenant namespaces, taint and label key of dedicated nodes: one key for one fact. */
export const TENANT_LABEL = "gpp.tenant";

/** The AWS tag a dedicated pool's nodes and volumes carry besides the deployment's tags. */
export const TENANT_TAG_KEY = "tenant";

/** NodeClass and NodePool of a dedicated tenant (tenant ids are DNS labels of at most 40 characters). */
export const dedicatedPoolName = (tenantId: string): string => `tenant-${tenantId}`;

export const tenantTaint = (tenantId: string): NodeTaint => ({ key: TENANT_LABEL, value: tenantId, effect: "NoSchedule" });

/** What a tenant's pods carry to land on their nodes: set by the stack, never by the tenant's values. */
export interface TenantScheduling {
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: Record<string, string>[];
}

export function tenantScheduling(tenant: Pick<TenantSpec, "id" | "isolation">): TenantScheduling {
  if (tenant.isolation === "shared") return { nodeSelector: workloadsNodeSelector(), tolerations: [] };
  const taint = tenantTaint(tenant.id);
  return {
    nodeSelector: { [NODE_POOL_LABEL]: dedicatedPoolName(tenant.id), [TENANT_LABEL]: tenant.id },
    tolerations: [{ key: taint.key, operator: "Equal", value: taint.value, effect: taint.effect }],
  };
}

/**
 * The smallest node Auto Mode launches for the pools' requirements (c, m, r of generation 5 or later:
 * the `large` size, 2 vCPU). The chart spreads replicas over zones with DoNotSchedule, so a dedicated
 * pool must be able to hold a node in every zone.
 */
const SMALLEST_NODE_CPU = 2;
/** Memory follows CPU at the r family's 8 GiB per vCPU (as the shared pool): the CPU limit is what binds. */
const MAX_GI_PER_CPU = 8;

/**
 * CPU a node keeps for itself: Karpenter's kube-reserved formula gives 70m on a 2-vCPU node (6 % of the
 * first core, 1 % of the second; aws/karpenter-provider-aws pkg/providers/instancetype/types.go), rounded
 * up for Auto Mode's node agents. Auto Mode's own figure is not published; this is an assumption.
 */
const NODE_CPU_RESERVE = 0.1;

const GI = 1024 ** 3;
const amount = (value: string): number => parseQuantity(value) ?? Number.NaN;

/**
 * A dedicated pool's limits when the descriptor gives none: twice the tenant quota's requests
 * (bin-packing loss, per-node reservations and Auto Mode's node agents), never below one smallest node
 * per zone.
 */
export function dedicatedPoolLimits(quota: TenantQuota, zones: number): CapacityLimits {
  const cpu = Math.max(zones * SMALLEST_NODE_CPU, Math.ceil(2 * amount(quota.requests.cpu)));
  return { cpu, memoryGi: Math.max(cpu * MAX_GI_PER_CPU, Math.ceil((2 * amount(quota.requests.memory)) / GI)) };
}

/** The pool's limits: the descriptor's `dedicated_pool`, else derived from the quota. */
export function dedicatedLimitsOf(tenant: TenantSpec, quota: TenantQuota, zones: number): CapacityLimits {
  return tenant.dedicated_pool ? { cpu: tenant.dedicated_pool.cpu, memoryGi: tenant.dedicated_pool.memory_gi } : dedicatedPoolLimits(quota, zones);
}

/**
 * A dedicated pool that cannot hold what its tenant is allowed to run: limits below the quota's
 * requests (pods the quota admits would stay Pending), or a pod that fits no node the limits allow in
 * each zone (the zone spread needs one node per zone, so a zone gets at most limits / zones).
 */
export function dedicatedPoolProblems(
  tenantIndex: number,
  limits: CapacityLimits,
  quota: TenantQuota,
  podRequests: ComputeResources,
  zones: number,
): Problem[] {
  const field = `tenants[${tenantIndex}].dedicated_pool`;
  const problems: Problem[] = [];
  if (limits.cpu < amount(quota.requests.cpu)) {
    problems.push({ field: `${field}.cpu`, message: `${limits.cpu} CPUs is below the tenant's quota of ${quota.requests.cpu} requested CPU` });
  }
  if (limits.memoryGi * GI < amount(quota.requests.memory)) {
    problems.push({ field: `${field}.memory_gi`, message: `${limits.memoryGi} GiB is below the tenant's quota of ${quota.requests.memory} requested memory` });
  }
  const perZoneCpu = limits.cpu / zones;
  if (perZoneCpu < SMALLEST_NODE_CPU) {
    problems.push({
      field: `${field}.cpu`,
      message: `${limits.cpu} CPUs cannot hold one ${SMALLEST_NODE_CPU}-vCPU node in each of the ${zones} zones the pods spread over`,
    });
  } else if (amount(podRequests.cpu) > perZoneCpu - NODE_CPU_RESERVE || amount(podRequests.memory) > (limits.memoryGi * GI) / zones) {
    problems.push({
      field: `tenants[${tenantIndex}].values.resources.requests`,
      message: `a pod requesting ${podRequests.cpu} CPU and ${podRequests.memory} fits no node the dedicated pool's limits allow per zone (${perZoneCpu} CPUs, ${limits.memoryGi / zones} GiB)`,
    });
  }
  return problems;
}

export interface DedicatedCapacityProps extends Omit<NodeClassInput, "name"> {
  readonly provider: KubernetesProvider;
  readonly tenantId: string;
  readonly limits: CapacityLimits;
  readonly spot: boolean;
}

/** A dedicated tenant's NodeClass (tagged with the tenant) and its tainted, labelled NodePool. */
export class DedicatedCapacity extends Construct {
  readonly nodeClass: Manifest;
  readonly nodePool: Manifest;

  constructor(scope: Construct, id: string, props: DedicatedCapacityProps) {
    super(scope, id);
    const name = dedicatedPoolName(props.tenantId);
    this.nodeClass = new Manifest(this, "node-class", {
      provider: props.provider,
      manifest: nodeClassManifest({ ...props, name, tags: { ...props.tags, [TENANT_TAG_KEY]: props.tenantId } }),
    });
    this.nodePool = new Manifest(this, "node-pool", {
      provider: props.provider,
      manifest: nodePoolManifest({
        name,
        nodeClassName: name,
        limits: props.limits,
        spot: props.spot,
        labels: { [TENANT_LABEL]: props.tenantId },
        taints: [tenantTaint(props.tenantId)],
      }),
      dependsOn: [this.nodeClass],
    });
  }
}

/** A tenant with the quota and pod size it was resolved to (a SizedTenant of tenant-values.ts). */
export interface PooledTenant {
  readonly spec: TenantSpec;
  readonly index: number;
  readonly sizing: { readonly quota: TenantQuota; readonly podRequests: ComputeResources };
}

/** Every dedicated tenant's pool problems, in tenant order. */
export function dedicatedTenantProblems(tenants: readonly PooledTenant[], zones: number): Problem[] {
  return tenants.flatMap(({ spec, index, sizing }) =>
    spec.isolation === "dedicated" ? dedicatedPoolProblems(index, dedicatedLimitsOf(spec, sizing.quota, zones), sizing.quota, sizing.podRequests, zones) : [],
  );
}

/** The dedicated tenants' capacity, keyed by tenant id. */
export function dedicatedCapacities(
  scope: Construct,
  tenants: readonly PooledTenant[],
  zones: number,
  base: Omit<DedicatedCapacityProps, "tenantId" | "limits">,
): Map<string, DedicatedCapacity> {
  const pools = new Map<string, DedicatedCapacity>();
  for (const { spec, sizing } of tenants) {
    if (spec.isolation !== "dedicated") continue;
    const limits = dedicatedLimitsOf(spec, sizing.quota, zones);
    pools.set(spec.id, new DedicatedCapacity(scope, `dedicated-${spec.id}`, { ...base, tenantId: spec.id, limits }));
  }
  return pools;
}
