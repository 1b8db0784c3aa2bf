/**
 * What the per-tenant availability alarm costs (iac/src/tenant-availability.ts), from the synthesized stacks,
 * and what the alternative the design rejected, a CloudWatch Synthetics canary per tenant host, would cost.
 *
 * AMP evaluates the rule group itself; what it bills is the samples the rules read (query samples processed)
 * and the samples the recording rule writes back (ingested samples). AMP's pricing page charges for metrics
 * collected, ingested, stored and queried: alert manager is not one of them, so it adds no line.
 */
import { parse } from "yaml";
import { tenantReleaseValues } from "./per-tenant";
import { ASSUMPTIONS, HOURS_PER_MONTH } from "./prices";

type Json = Record<string, unknown>;

const resources = (stack: Json, type: string): Json[] => Object.values(((stack.resource as Record<string, Record<string, Json>> | undefined) ?? {})[type] ?? {});

const seconds = (duration: string): number => {
  const match = /^(\d+)([smh])$/.exec(duration);
  if (!match) throw new Error(`not a Prometheus duration this estimate reads: ${duration}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as "s" | "m" | "h"];
};

export interface AvailabilityUsage {
  readonly tenants: number;
  readonly traefikPods: number;
  readonly evaluationsPerMonth: number;
  /** Samples the rules read a month. */
  readonly querySamples: number;
  /** Samples the recording rule writes a month. */
  readonly recordedSamples: number;
  /** Canary runs a month, one canary per tenant host at the assumed schedule. */
  readonly canaryRunsPerMonth: number;
}

/**
 * Usage of the rule group for the tenants the helm stack delivers (either mode). Per evaluation, the
 * recording rule reads every tenant's Traefik series over its rate window (one sample per scrape
 * interval) and writes one series per tenant and status code; the alert reads those three times, one
 * sample each. Undefined when the stack has no rule group.
 */
export function availabilityUsage(iac: Json, helm: Json): AvailabilityUsage | undefined {
  const [namespace] = resources(iac, "aws_prometheus_rule_group_namespace");
  if (!namespace) return undefined;
  const groups = (parse(String(namespace.data)) as { groups: { interval: string; rules: { record?: string; alert?: string; expr: string }[] }[] }).groups;
  const [scraper] = resources(iac, "aws_prometheus_scraper");
  const scrapeSeconds = seconds((parse(String(scraper?.scrape_configuration ?? "global: {scrape_interval: 60s}")) as { global: { scrape_interval: string } }).global.scrape_interval);
  const tenants = tenantReleaseValues(helm).size;
  const traefik = resources(helm, "helm_release").find((r) => r.chart === "traefik");
  const traefikValues = JSON.parse(((traefik?.values as string[] | undefined) ?? ["{}"])[0] ?? "{}") as { autoscaling?: { minReplicas?: number } };
  const traefikPods = traefikValues.autoscaling?.minReplicas ?? 1;
  const codes = ASSUMPTIONS.availability.statusCodesPerTenant;
  let query = 0;
  let recorded = 0;
  let evaluationsPerMonth = 0;
  for (const group of groups) {
    const evaluations = (HOURS_PER_MONTH * 3600) / seconds(group.interval);
    evaluationsPerMonth = Math.max(evaluationsPerMonth, evaluations);
    for (const rule of group.rules) {
      if (rule.record) {
        // The range of the rate() in the synthesized expression, e.g. [5m].
        const window = seconds(/\[(\d+[smh])\]/.exec(rule.expr)?.[1] ?? `${scrapeSeconds}s`);
        query += evaluations * tenants * traefikPods * codes * (window / scrapeSeconds);
        recorded += evaluations * tenants * codes;
      } else {
        const reads = (rule.expr.match(/\w+:\w+:\w+/g) ?? []).length;
        query += evaluations * tenants * codes * reads;
      }
    }
  }
  return {
    tenants,
    traefikPods,
    evaluationsPerMonth,
    querySamples: query,
    recordedSamples: recorded,
    canaryRunsPerMonth: tenants * ((HOURS_PER_MONTH * 60) / ASSUMPTIONS.availability.canaryEveryMinutes),
  };
}
