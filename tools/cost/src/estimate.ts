import { DeploymentError, isProd, KNOWN_REGIONS, regionFacts, type Deployment } from "@gpp/deployment";
import { availabilityUsage } from "./availability";
import { BUDGET_TAG_KEY, budgetVisibility, type TagCarrier } from "./budget-visibility";
import { onScheduleHoursPerMonth } from "./off-hours";
import { ASSUMPTIONS, HOURS_PER_MONTH, PRICES, PRICE_LIST_DATE, PRICE_SOURCE, type RegionPrices } from "./prices";

type Json = Record<string, unknown>;

export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  /** Hours a month each unit is billed for; 1 for prices per GB or per month. */
  readonly hours: number;
  /** USD per unit, per hour when `hours` > 1. */
  readonly unitPrice: number;
  readonly monthlyUsd: number;
  readonly basis: string;
  /** What puts the deployment's cost-allocation tag on what this line bills. */
  readonly taggedBy: TagCarrier;
  /** Whether that carrier, in the synthesized stacks, really tags `deployment=<id>`: what the budget sees. */
  readonly budgetSees: boolean;
  /**
   * Who the line is charged to in the per-tenant view: the shared NodePool (split by requests), one
   * dedicated tenant's pool (in full), or the platform (entry point and control plane, split evenly).
   */
  readonly allocation: Allocation;
}

/** `tenants`: a cost each tenant adds the same of (the availability rules), split evenly among them. */
export type Allocation =
  | { readonly kind: "shared pool" }
  | { readonly kind: "platform" }
  | { readonly kind: "tenants" }
  | { readonly kind: "dedicated"; readonly tenant: string };

export interface Estimate {
  readonly deploymentId: string;
  readonly region: string;
  readonly priceListDate: string;
  readonly priceRegion: string;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
  /** The part of totalUsd on lines the budget sees. */
  readonly budgetSeesUsd: number;
  readonly assumptions: readonly string[];
  readonly notEstimated: readonly string[];
}

const resources = (stack: Json, type: string): Json[] =>
  Object.values(((stack.resource as Record<string, Record<string, Json>> | undefined) ?? {})[type] ?? {});

type Line = Omit<CostLine, "budgetSees">;

const millions = (n: number): number => Math.round(n / 1e4) / 100;
const tenantCount = (n: number): string => `${n} tenant${n === 1 ? "" : "s"}`;

const PLATFORM: Allocation = { kind: "platform" };
const SHARED_POOL: Allocation = { kind: "shared pool" };
const TENANTS: Allocation = { kind: "tenants" };

const line = (item: string, quantity: number, unit: string, unitPrice: number, basis: string, taggedBy: TagCarrier, hours = 1, allocation: Allocation = PLATFORM): Line => ({
  item,
  quantity,
  unit,
  hours,
  unitPrice,
  monthlyUsd: Math.round(quantity * unitPrice * hours * 100) / 100,
  basis,
  taggedBy,
  allocation,
});

/** Dedicated NodePools in the helm stack, by tenant (the pool's `gpp.tenant` node label). */
export function dedicatedPoolTenants(helm: Json): string[] {
  return resources(helm, "kubernetes_manifest")
    .map((m) => m.manifest as Json)
    .filter((m) => m.kind === "NodePool")
    .map((m) => ((((m.spec as Json).template as Json).metadata as Json | undefined)?.labels as Record<string, string> | undefined)?.["gpp.tenant"])
    .filter((tenant): tenant is string => typeof tenant === "string");
}

/** Root volume per node when no NodeClass states one: the NodeClass default in the EKS User Guide. */
const DEFAULT_NODE_VOLUME_GI = 80;

/** How many NAT gateways the VPC module will create, from the variables the stack passes it. */
export function natGatewayCount(iac: Json): number {
  const vpc = ((iac.module as Record<string, Json> | undefined) ?? {}).vpc;
  if (!vpc || vpc.enable_nat_gateway !== true) return 0;
  return vpc.single_nat_gateway === true ? 1 : (vpc.azs as unknown[]).length;
}

/** Internet-facing NLBs: one per LoadBalancer entry point the helm stack installs (Traefik). */
export function loadBalancerCount(helm: Json): number {
  return resources(helm, "helm_release").filter((release) => release.chart === "traefik").length;
}

/**
 * The monthly baseline of one deployment before any traffic-driven cost: what it costs to exist. Counts
 * come from the synthesized stacks; usage that no stack states is an explicit assumption.
 */
/**
 * The list prices of the deployment's region, found through the one regions list (libs/deployment). A region
 * without them is refused: another region's prices would be a wrong number presented as an estimate.
 */
export function regionPrices(deployment: Pick<Deployment, "file" | "region">): { priceRegion: string; prices: RegionPrices } {
  const facts = regionFacts(deployment.region);
  const prices = facts && Object.hasOwn(PRICES, facts.priceList) ? PRICES[facts.priceList] : undefined;
  if (!facts || !prices) {
    const priced = KNOWN_REGIONS.filter((region) => Object.hasOwn(PRICES, regionFacts(region)?.priceList ?? ""));
    throw new DeploymentError(deployment.file, [
      { field: "region", message: `${deployment.region} has no list prices in tools/cost/src/prices.ts (priced: ${priced.join(", ")}); add them there to estimate it` },
    ]);
  }
  return { priceRegion: facts.priceList, prices };
}

export function estimateBaseline(deployment: Deployment, iac: Json, helm: Json): Estimate {
  const { priceRegion, prices: p } = regionPrices(deployment);
  const prod = isProd(deployment);
  const azs = deployment.availability_zones.length;
  const nat = natGatewayCount(iac);
  const nlbs = loadBalancerCount(helm);
  const logGroups = resources(iac, "aws_cloudwatch_log_group");
  const controlPlaneLogs = logGroups.filter((g) => String(g.name).startsWith("/aws/eks/")).length;
  const flowLogs = logGroups.filter((g) => String(g.name).startsWith("/aws/vpc-flow-logs/")).length;
  const natGb = prod ? ASSUMPTIONS.natGbPerMonth.prod : ASSUMPTIONS.natGbPerMonth.nonProd;
  const cpGb = (prod ? ASSUMPTIONS.controlPlaneLogGbPerMonth.prod : ASSUMPTIONS.controlPlaneLogGbPerMonth.nonProd) * controlPlaneLogs;
  const flowGb = (prod ? ASSUMPTIONS.flowLogGbPerMonth.prod : ASSUMPTIONS.flowLogGbPerMonth.nonProd) * flowLogs;

  const visibility = budgetVisibility(deployment.deployment_id, iac, helm);
  const nodeVolumeGi = visibility.nodeVolumeGi ?? DEFAULT_NODE_VOLUME_GI;
  const T: TagCarrier = "provider default_tags";
  const offHours = deployment.scaling.off_hours;
  // Tenants scale to zero outside the schedule; a dedicated pool then has no pods and is consolidated away.
  const tenantHours = offHours ? onScheduleHoursPerMonth(offHours) : HOURS_PER_MONTH;
  const dedicated = dedicatedPoolTenants(helm);
  // The chart spreads replicas over every zone (DoNotSchedule): a dedicated pool holds a node per zone.
  const dedicatedLines = dedicated.flatMap((tenant) => {
    const to: Allocation = { kind: "dedicated", tenant };
    const basis = `one node per zone for ${tenant}${offHours ? ", only while the off-hours schedule keeps tenants up" : ""}`;
    return [
      line(`Dedicated pool ${tenant}: nodes (EC2)`, azs, "node", p.nodeHour, basis, "NodeClass tags", tenantHours, to),
      line(`Dedicated pool ${tenant}: Auto Mode fee`, azs, "node", p.autoModeNodeHour, basis, "NodeClass tags", tenantHours, to),
      line(`Dedicated pool ${tenant}: volumes (EBS gp3)`, Math.round(azs * nodeVolumeGi * (tenantHours / HOURS_PER_MONTH) * 100) / 100, "GB-month", p.ebsGp3GbMonth, "NodeClass ephemeralStorage per node, while the node exists", "NodeClass tags", 1, to),
    ];
  });
  const collectors = resources(iac, "aws_prometheus_scraper").length;
  const availability = availabilityUsage(iac, helm);
  const availabilityLines = availability
    ? [
        line("Availability rules: samples read", millions(availability.querySamples), "Msamples", p.ampQuerySamplesMillion, `AMP query samples processed by the rule group, ${tenantCount(availability.tenants)}`, T, 1, TENANTS),
        line("Availability rules: samples written", millions(availability.recordedSamples), "Msamples", p.ampIngestedSamplesMillion, `AMP samples ingested from the recording rule, ${tenantCount(availability.tenants)}`, T, 1, TENANTS),
      ]
    : [];
  const canaryUsd = availability ? Math.round(availability.canaryRunsPerMonth * p.syntheticsCanaryRun * 100) / 100 : 0;
  const lines: CostLine[] = [
    line("EKS control plane (standard support)", resources(iac, "aws_eks_cluster").length, "cluster", p.eksClusterHour, "aws_eks_cluster", T, HOURS_PER_MONTH),
    line("NAT gateway", nat, "gateway", p.natGatewayHour, "module.vpc NAT settings", T, HOURS_PER_MONTH),
    line("NAT data processing", nat > 0 ? natGb : 0, "GB", p.natGatewayGb, "assumption", T),
    line("Network Load Balancer", nlbs, "NLB", p.nlbHour, "Traefik LoadBalancer Service", "NLB annotation", HOURS_PER_MONTH),
    line("NLB capacity units", nlbs * ASSUMPTIONS.nlbLcu, "NLCU", p.nlbLcuHour, "assumption", "NLB annotation", HOURS_PER_MONTH),
    line("Public IPv4 addresses (NAT)", nat, "address", p.publicIpv4Hour, "one EIP per NAT gateway", T, HOURS_PER_MONTH),
    line("Public IPv4 addresses (NLB)", nlbs * azs, "address", p.publicIpv4Hour, "one per NLB subnet", "NLB annotation", HOURS_PER_MONTH),
    line("KMS customer-managed keys", resources(iac, "aws_kms_key").length, "key-month", p.kmsKeyMonth, "aws_kms_key", T),
    line("CloudWatch Logs ingestion", cpGb + flowGb, "GB", p.logsIngestGb, "assumption per log group", T),
    line("CloudWatch alarms", resources(iac, "aws_cloudwatch_metric_alarm").length, "alarm-month", p.alarmMonth, "aws_cloudwatch_metric_alarm", T),
    line("Prometheus collector (AMP scraper)", collectors, "collector", p.ampCollectorHour, "aws_prometheus_scraper", T, HOURS_PER_MONTH),
    line("Auto Mode nodes (EC2, on demand)", ASSUMPTIONS.baselineNodes, "node", p.nodeHour, "assumption", "NodeClass tags", HOURS_PER_MONTH, SHARED_POOL),
    line("Auto Mode management fee", ASSUMPTIONS.baselineNodes, "node", p.autoModeNodeHour, "assumption", "NodeClass tags", HOURS_PER_MONTH, SHARED_POOL),
    line("Auto Mode node volumes (EBS gp3)", ASSUMPTIONS.baselineNodes * nodeVolumeGi, "GB-month", p.ebsGp3GbMonth, "NodeClass ephemeralStorage per node", "NodeClass tags", 1, SHARED_POOL),
    ...availabilityLines,
    ...dedicatedLines,
  ].map((l) => ({ ...l, budgetSees: visibility.tagged.has(l.taggedBy) }));
  const budgetSeesUsd = Math.round(lines.filter((l) => l.budgetSees).reduce((sum, l) => sum + l.monthlyUsd, 0) * 100) / 100;
  const totalUsd = Math.round(lines.reduce((sum, l) => sum + l.monthlyUsd, 0) * 100) / 100;
  return {
    deploymentId: deployment.deployment_id,
    region: deployment.region,
    priceListDate: PRICE_LIST_DATE,
    priceRegion,
    lines,
    totalUsd,
    budgetSeesUsd,
    assumptions: [
      `${HOURS_PER_MONTH} hours a month; on-demand prices; no Savings Plans, Reserved Instances or free tier`,
      `${ASSUMPTIONS.baselineNodes} nodes of ${ASSUMPTIONS.nodeType}; Auto Mode picks real instance types by demand`,
      `NAT gateways process ${natGb} GB a month (image pulls, AWS API calls)`,
      `each NLB uses ${ASSUMPTIONS.nlbLcu} capacity unit on average`,
      `control-plane logs ingest ${cpGb / Math.max(controlPlaneLogs, 1)} GB and VPC flow logs ${flowGb / Math.max(flowLogs, 1)} GB a month per log group`,
      ...(offHours
        ? [
            `off-hours scale-to-zero: tenants run ${tenantHours} of ${HOURS_PER_MONTH} hours a month (${offHours.scale_up} up, ${offHours.scale_down} down, ${offHours.timezone}); dedicated pools are priced for those hours only; the shared pool's ${ASSUMPTIONS.baselineNodes} nodes stay, since Traefik keeps a replica in every zone`,
          ]
        : []),
      ...(deployment.capacity.spot ? ["capacity.spot is on: NodePools launch Spot first, so nodes may cost less than the on-demand price used here"] : []),
      ...(dedicated.length > 0 ? [`dedicated pools: ${azs} nodes of ${ASSUMPTIONS.nodeType.split(" ")[0]} each (one per zone, the least the chart's zone spread needs), on demand; Spot, where capacity.spot allows it, would cost less`] : []),
      ...(availability
        ? [
            `tenant availability rules: evaluated every minute (${availability.evaluationsPerMonth} times a month), reading ${ASSUMPTIONS.availability.statusCodesPerTenant} status-code series per tenant from each of ${availability.traefikPods} Traefik pods; AMP's per-sample prices are entered by hand, not read from its pricing page here; alert manager has no charge of its own (AMP bills samples collected, ingested, stored and queried)`,
            `the rejected alternative, a CloudWatch Synthetics canary per tenant host every ${ASSUMPTIONS.availability.canaryEveryMinutes} minutes, would run ${availability.canaryRunsPerMonth} times a month at $${p.syntheticsCanaryRun} a run: $${canaryUsd.toFixed(2)} a month${availability.tenants > 0 ? ` ($${(canaryUsd / availability.tenants).toFixed(2)} per tenant)` : ""}, before its Lambda, logs and S3 artifacts`,
          ]
        : []),
      `the budget filters on the cost-allocation tag ${BUDGET_TAG_KEY}=${deployment.deployment_id} (activated once per account); nodes count only while they come from the tagged NodePool (a pod the built-in pools take instead gets untagged nodes)`,
      "the NLB's public IPv4 addresses and the Auto Mode fee are billed against the NLB and the instances, so they are counted under those resources' tags (not checked against a bill here)",
    ],
    notEstimated: [
      "CloudWatch Container Insights (priced per observation)",
      "Amazon Managed Service for Prometheus: samples collected, ingested, stored and queried (the collector's hourly charge is a line above, and so are the availability rules' samples)",
      "SNS notifications of alarms and alerts (priced per delivery)",
      "log storage beyond the first month, data transfer out to the internet, EBS volumes other than the nodes' root volumes",
      "AWS Budgets (the first two budgets of an account are free)",
    ],
  };
}

export function formatEstimate(e: Estimate): string {
  const usd = (n: number) => `$${n.toFixed(2)}`;
  const rows = e.lines.map(
    (l) => {
      const per = l.hours > 1 ? `${l.unit} x ${l.hours} h` : l.unit;
      // Every digit the price list has (at least four), so the row's arithmetic can be redone.
      const price = `$${l.unitPrice.toFixed(5).replace(/0$/, "")}${l.hours > 1 ? "/h" : ""}`;
      const budget = l.budgetSees ? `budget sees it: ${l.taggedBy}` : `BUDGET CANNOT SEE IT: no ${BUDGET_TAG_KEY} tag from ${l.taggedBy}`;
      return `  ${l.item.padEnd(38)} ${String(l.quantity).padStart(4)} ${per.padEnd(18)} @ ${price.padStart(10)}  ${usd(l.monthlyUsd).padStart(9)}  (${l.basis}; ${budget})`;
    },
  );
  return [
    `Deployment ${e.deploymentId} in ${e.region}: estimated monthly baseline ${usd(e.totalUsd)}`,
    `  prices: AWS on-demand list prices for ${e.priceRegion} in tools/cost/src/prices.ts, ${PRICE_SOURCE}: verify with the AWS Pricing Calculator`,
    ...rows,
    `  ${"total".padEnd(38)} ${" ".repeat(41)}${usd(e.totalUsd).padStart(9)}`,
    `  ${"of which the budget sees".padEnd(38)} ${" ".repeat(41)}${usd(e.budgetSeesUsd).padStart(9)}  (lines tagged ${BUDGET_TAG_KEY}=${e.deploymentId})`,
    "  assumptions:",
    ...e.assumptions.map((a) => `    - ${a}`),
    "  not estimated (usage-based):",
    ...e.notEstimated.map((n) => `    - ${n}`),
  ].join("\n");
}
