/** The shared `workloads` NodePool's limits, from the quotas of the tenants it runs. */
import type { CapacityLimits } from "./node-pool";
import type { TenantQuota } from "./tenant";
import { quantity } from "./tenant-sizing";

/**
 * What the platform requests besides the tenants, for the NodePool's limits: Traefik at 10 replicas
 * (1 CPU, 1.25Gi) and KEDA's three pods (0.3 CPU, 0.3Gi at the chart's defaults), rounded up.
 */
const PLATFORM_REQUESTS = { cpu: 2, memoryGi: 3 } as const;

/**
 * Karpenter counts a pool's limits in node capacity, not pod requests. Traefik's hard zone spread needs
 * a node in every zone, so the floor is one 4-vCPU node per zone; memory follows CPU at the r family's
 * 8 GiB per vCPU, so the memory limit never stops a node the CPU limit allows, whichever of c, m or r
 * Auto Mode picks.
 */
const NODE_CPU_FLOOR_PER_ZONE = 4;
const MAX_GI_PER_CPU = 8;

/**
 * The NodePool's ceiling: twice what the tenants' quotas and the platform can request (bin-packing
 * loss, per-node reservations and DaemonSets fit), never below one node per zone, so a runaway cannot
 * buy more nodes than that while the platform always fits.
 */
export function capacityLimits(quotas: readonly TenantQuota[], zones: number): CapacityLimits {
  const gi = 1024 ** 3;
  const requestedCpu = quotas.reduce<number>((sum, q) => sum + quantity(q.requests.cpu), PLATFORM_REQUESTS.cpu);
  const requestedMemory = quotas.reduce<number>((sum, q) => sum + quantity(q.requests.memory), PLATFORM_REQUESTS.memoryGi * gi);
  const cpu = Math.max(zones * NODE_CPU_FLOOR_PER_ZONE, Math.ceil(2 * requestedCpu));
  return { cpu, memoryGi: Math.max(cpu * MAX_GI_PER_CPU, Math.ceil((2 * requestedMemory) / gi)) };
}
