/**
 * `pnpm cost`'s per-tenant view: the deployment's estimate, every line charged to tenants, so the
 * tenants' totals add up to the deployment's total (to the cent).
 *
 * - The shared NodePool's lines (nodes, Auto Mode fee, root volumes) are split by what runs on it at
 *   baseline: each shared tenant's requests (the chart's `resources.requests` x `autoscaling.minReplicas`)
 *   and the entry point's (Traefik's requests x its minimum replicas), half by CPU and half by memory.
 *   The entry point's part goes to the platform share.
 * - A dedicated tenant's pool is charged to that tenant in full.
 * - The tenant availability rules (samples read and written for each tenant's series) are split evenly:
 *   every tenant adds the same series, so the cost grows by one share per tenant.
 * - The platform share (control plane, NAT, NLB and its addresses, keys, logs, alarms, the Prometheus
 *   collector, the entry point's part of the shared pool) is split evenly: it is a fixed cost of the
 *   deployment that does not grow with a tenant's size, and every tenant gets the same entry point and
 *   cluster. Split by requests, a big tenant would pay most of a control plane a small one uses as much.
 */
import type { Deployment } from "@gpp/deployment";
import { expandListGenerator } from "helm/argocd-expand";
import { withChartDefaults, type Values } from "helm/chart-values";
import { deliveredApplicationSet, SERVICE_CHART_REPO_PATH } from "helm/gitops";
import { parseQuantity } from "helm/quantity";
import type { Estimate } from "./estimate";

type Json = Record<string, unknown>;

export interface Requests {
  /** CPUs. */
  readonly cpu: number;
  /** Bytes. */
  readonly memory: number;
}

export interface TenantCost {
  readonly tenant: string;
  readonly isolation: "shared" | "dedicated";
  readonly requests: Requests;
  readonly sharedPoolUsd: number;
  readonly dedicatedPoolUsd: number;
  readonly platformUsd: number;
  /** The tenant's share of the availability rules. */
  readonly availabilityUsd: number;
  readonly totalUsd: number;
}

export interface TenantCostView {
  readonly deploymentId: string;
  readonly tenants: readonly TenantCost[];
  /** What no tenant carries: everything, when the deployment has no tenants. */
  readonly unallocatedUsd: number;
  readonly totalUsd: number;
}

const quantity = (value: unknown): number => {
  const parsed = typeof value === "string" ? parseQuantity(value) : typeof value === "number" ? value : undefined;
  if (parsed === undefined) throw new Error(`not a Kubernetes quantity: ${String(value)}`);
  return parsed;
};

const releases = (helm: Json): Json[] => Object.values(((helm.resource as Record<string, Record<string, Json>> | undefined) ?? {}).helm_release ?? {});
const valuesOf = (release: Json): Values => JSON.parse(((release.values as string[] | undefined) ?? ["{}"])[0] ?? "{}") as Values;

/** What a release's pods request at baseline: requests x minimum replicas. */
function baselineRequests(values: { resources?: { requests?: Json }; autoscaling?: { minReplicas?: number } }): Requests {
  const replicas = values.autoscaling?.minReplicas ?? 1;
  const requests = values.resources?.requests ?? {};
  return { cpu: replicas * quantity(requests.cpu ?? "0"), memory: replicas * quantity(requests.memory ?? "0") };
}

/**
 * Each tenant's release values, whoever delivers them: the helm stack's own release per tenant (terraform
 * mode), or, in argocd mode, the service chart source of each Application the one ApplicationSet generates,
 * expanded the way Argo CD does (helm/argocd-expand), so both modes are costed from the same values.
 */
export function tenantReleaseValues(helm: Json): Map<string, Values> {
  const out = new Map<string, Values>();
  for (const release of releases(helm)) {
    if (String(release.namespace ?? "").startsWith("tenant-")) out.set(String(release.name), valuesOf(release));
  }
  const applicationSet = deliveredApplicationSet(helm);
  for (const app of applicationSet ? expandListGenerator(applicationSet) : []) {
    const service = ((app.spec.sources ?? []) as Json[]).find((source) => source.path === SERVICE_CHART_REPO_PATH);
    const chart = (service?.helm ?? {}) as { releaseName?: string; values?: string };
    if (chart.releaseName) out.set(chart.releaseName, JSON.parse(chart.values ?? "{}") as Values);
  }
  return out;
}

/** Each tenant's baseline requests, from its release's values coalesced with the chart's defaults. */
export function tenantRequests(helm: Json): Map<string, Requests> {
  const out = new Map<string, Requests>();
  for (const [tenant, values] of tenantReleaseValues(helm)) out.set(tenant, baselineRequests(withChartDefaults(values) as never));
  return out;
}

/** The entry point's requests on the shared pool (Traefik at its minimum replicas). */
export function entryPointRequests(helm: Json): Requests {
  const traefik = releases(helm).find((r) => r.chart === "traefik");
  return traefik ? baselineRequests(valuesOf(traefik) as never) : { cpu: 0, memory: 0 };
}

const cents = (usd: number): number => Math.round(usd * 100);

/**
 * Splits a whole number of cents by weights, largest remainder first, so the parts add up exactly.
 * Hand-written: the few lines of Hamilton's method are less than a dependency would be.
 */
export function splitCents(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  const exact = weights.map((w) => (sum > 0 ? (total * w) / sum : total / weights.length));
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    left -= 1;
  }
  return parts;
}

export function perTenantCosts(deployment: Pick<Deployment, "deployment_id" | "tenants">, estimate: Estimate, helm: Json): TenantCostView {
  const requests = tenantRequests(helm);
  const entry = entryPointRequests(helm);
  const tenants = deployment.tenants;
  const sum = (kind: string) => estimate.lines.filter((l) => l.allocation.kind === kind).reduce((a, l) => a + cents(l.monthlyUsd), 0);
  const sharedPool = sum("shared pool");
  let platform = sum("platform");

  // Shared pool: shared tenants and the entry point, by half CPU, half memory.
  const shared = tenants.filter((t) => t.isolation === "shared");
  const parties = [...shared.map((t) => requests.get(t.id) ?? { cpu: 0, memory: 0 }), entry];
  const totalCpu = parties.reduce((a, r) => a + r.cpu, 0);
  const totalMemory = parties.reduce((a, r) => a + r.memory, 0);
  const weights = parties.map((r) => (totalCpu > 0 ? r.cpu / totalCpu : 0) / 2 + (totalMemory > 0 ? r.memory / totalMemory : 0) / 2);
  const poolParts = splitCents(sharedPool, weights);
  // The last part is the entry point's.
  platform += poolParts.at(-1) ?? sharedPool;
  const platformParts = splitCents(platform, tenants.map(() => 1));
  const availabilityParts = splitCents(sum("tenants"), tenants.map(() => 1));

  const rows = tenants.map((tenant, i): TenantCost => {
    const sharedIndex = shared.indexOf(tenant);
    const sharedPoolCents = sharedIndex >= 0 ? (poolParts[sharedIndex] ?? 0) : 0;
    const dedicatedCents = estimate.lines
      .filter((l) => l.allocation.kind === "dedicated" && l.allocation.tenant === tenant.id)
      .reduce((a, l) => a + cents(l.monthlyUsd), 0);
    const platformCents = platformParts[i] ?? 0;
    const availabilityCents = availabilityParts[i] ?? 0;
    return {
      tenant: tenant.id,
      isolation: tenant.isolation,
      requests: requests.get(tenant.id) ?? { cpu: 0, memory: 0 },
      sharedPoolUsd: sharedPoolCents / 100,
      dedicatedPoolUsd: dedicatedCents / 100,
      platformUsd: platformCents / 100,
      availabilityUsd: availabilityCents / 100,
      totalUsd: (sharedPoolCents + dedicatedCents + platformCents + availabilityCents) / 100,
    };
  });
  const allocated = rows.reduce((a, r) => a + cents(r.totalUsd), 0);
  return { deploymentId: deployment.deployment_id, tenants: rows, unallocatedUsd: (cents(estimate.totalUsd) - allocated) / 100, totalUsd: estimate.totalUsd };
}

export function formatTenantCosts(view: TenantCostView): string {
  const usd = (n: number) => `$${n.toFixed(2)}`.padStart(9);
  const mi = (bytes: number) => `${Math.round(bytes / 1024 ** 2)}Mi`;
  return [
    `Deployment ${view.deploymentId}, per tenant (shared pool by requested CPU and memory, dedicated pools in full, platform and availability alarm evenly):`,
    `  ${"tenant".padEnd(24)} ${"tier".padEnd(9)} ${"requests".padEnd(16)} ${"shared pool".padStart(11)} ${"dedicated".padStart(9)} ${"platform".padStart(9)} ${"alarm".padStart(9)} ${"total".padStart(9)}`,
    ...view.tenants.map(
      (t) =>
        `  ${t.tenant.padEnd(24)} ${t.isolation.padEnd(9)} ${`${Number(t.requests.cpu.toFixed(3))} CPU, ${mi(t.requests.memory)}`.padEnd(16)} ${usd(t.sharedPoolUsd).padStart(11)} ${usd(t.dedicatedPoolUsd)} ${usd(t.platformUsd)} ${usd(t.availabilityUsd)} ${usd(t.totalUsd)}`,
    ),
    ...(view.unallocatedUsd !== 0 ? [`  ${"(no tenant)".padEnd(24)} ${" ".repeat(69)}${usd(view.unallocatedUsd)}`] : []),
    `  ${"total".padEnd(24)} ${" ".repeat(69)}${usd(view.totalUsd)}`,
  ].join("\n");
}
