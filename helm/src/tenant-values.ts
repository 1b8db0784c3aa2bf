/**
 * One tenant, resolved once: the values its release gets (`tenantChartValues`, the one function that
 * decides them), those values merged with the chart's defaults (the only merge, done here), and all the
 * stack derives from the merge: the problems, the quota and LimitRange, the pods' requests and the
 * image repositories admission allows. The stack composes its constructs from this and reads nothing
 * of a tenant's values itself.
 */
import type { Deployment, Problem } from "@gpp/deployment";
import { tenantChartValues, tenantValuesProblems, withChartDefaults, type ChartValues, type IngressTarget, type TenantSpec, type Values } from "./chart-values";
import { wildcardName } from "./public-endpoint";
import type { ComputeResources, TenantLimits, TenantQuota } from "./tenant";
import { TENANT_LIMITS, tenantQuota, tenantResourceProblems } from "./tenant-sizing";

/** What a tenant whose values the chart's schema accepts is sized at. */
export interface TenantSizing {
  /** The release's values merged with the chart's defaults: what helm renders. */
  readonly chartValues: ChartValues;
  readonly quota: TenantQuota;
  /** The LimitRange of the tenant's namespace. */
  readonly limits: TenantLimits;
  /** What one service pod requests, for the dedicated pool's fit check. */
  readonly podRequests: ComputeResources;
  /** The service's and the `helm test` pod's image repositories, for the admission policies. */
  readonly imageRepositories: readonly string[];
}

export interface ResolvedTenant {
  readonly spec: TenantSpec;
  /** Position in the descriptor's `tenants`, for `tenants[i]` in problems. */
  readonly index: number;
  /** Exactly what the tenant's helm_release (or Argo CD Application) gets. */
  readonly releaseValues: Values;
  /** Everything refused in the tenant's entry, each naming `tenants[i]...`; empty when it is fine. */
  readonly problems: readonly Problem[];
  /** Absent when the chart's schema refuses the values: sizes are only read from values it accepts. */
  readonly sizing?: TenantSizing;
}

export type SizedTenant = ResolvedTenant & { readonly sizing: TenantSizing };

export const isSized = (tenant: ResolvedTenant): tenant is SizedTenant => tenant.sizing !== undefined;

const isDirectlyUnder = (host: string, domain: string): boolean =>
  host.endsWith(`.${domain}`) && !host.slice(0, -domain.length - 1).includes(".");

/** With a hosted zone, the wildcard certificate and record cover exactly one label under the base domain. */
function hostProblems(deployment: Deployment, tenant: TenantSpec, index: number): Problem[] {
  const { hosted_zone: hostedZone, base_domain: baseDomain } = deployment.ingress;
  if (!hostedZone || isDirectlyUnder(tenant.host, baseDomain)) return [];
  return [
    {
      field: `tenants[${index}].host`,
      message: `${tenant.host} is not <label>.${baseDomain}, so the wildcard certificate and DNS record for ${wildcardName(baseDomain)} do not cover it`,
    },
  ];
}

/** Resolves `tenant`, entry `index` of `deployment.tenants`, merging its values with the chart's defaults once. */
export function resolveTenant(deployment: Deployment, tenant: TenantSpec, index: number, ingress: IngressTarget): ResolvedTenant {
  const releaseValues = tenantChartValues(deployment, tenant, ingress);
  const merged = withChartDefaults(releaseValues);
  const valueProblems = tenantValuesProblems(index, tenant, merged);
  const problems = [...hostProblems(deployment, tenant, index), ...valueProblems];
  if (valueProblems.length > 0) return { spec: tenant, index, releaseValues, problems };
  // The schema accepted the merge, so it has every key ChartValues names.
  const chartValues = merged as ChartValues;
  problems.push(...tenantResourceProblems(index, chartValues, TENANT_LIMITS));
  const sizing: TenantSizing = {
    chartValues,
    quota: tenantQuota(chartValues),
    limits: TENANT_LIMITS,
    podRequests: chartValues.resources.requests,
    imageRepositories: [chartValues.image.repository, chartValues.helmTest.image.repository],
  };
  return { spec: tenant, index, releaseValues, problems, sizing };
}
