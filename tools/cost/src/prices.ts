/**
 * AWS public on-demand list prices in USD, per region, for EKS, VPC NAT gateway, Elastic Load Balancing, VPC
 * public IPv4, KMS, CloudWatch, EC2, EBS gp3 and Amazon Managed Prometheus (collector hours, query and ingested
 * samples), and CloudWatch Synthetics canary runs for a comparison only. Entered by hand on PRICE_LIST_DATE from the prices AWS publishes on
 * those services' pricing pages, without access to them from the machine that wrote this file: they were
 * not checked against the live pages or the AWS Price List API on that date. Nothing is fetched at run time
 * (this tool runs offline). Check the AWS Pricing Calculator before committing money.
 */
export const PRICE_LIST_DATE = "2026-11-26";

/** How the prices were obtained, printed with every estimate so nobody mistakes them for a live quote. */
export const PRICE_SOURCE =
  "entered by hand on " + PRICE_LIST_DATE + " from AWS's published pricing pages, not checked against the live price list";

export interface RegionPrices {
  readonly eksClusterHour: number;
  readonly natGatewayHour: number;
  readonly natGatewayGb: number;
  readonly nlbHour: number;
  readonly nlbLcuHour: number;
  readonly publicIpv4Hour: number;
  readonly kmsKeyMonth: number;
  readonly logsIngestGb: number;
  readonly logsStoreGbMonth: number;
  readonly alarmMonth: number;
  /** EBS gp3 storage, per GB-month: the nodes' root volumes. */
  readonly ebsGp3GbMonth: number;
  /** The node type assumed for the baseline (see ASSUMPTIONS), on demand, plus the Auto Mode fee for it. */
  readonly nodeHour: number;
  readonly autoModeNodeHour: number;
  /**
   * Amazon Managed Service for Prometheus collector (managed scraper), per collector-hour, on top of the
   * samples it collects. The AMP pricing page says a collector is charged for the hours it is turned on
   * and the samples collected; the figure was entered from that page's collector row without it being
   * readable from this machine (the stored copies of the page show the rule, not the table).
   */
  readonly ampCollectorHour: number;
  /**
   * AMP query samples processed, per million (the page's unit is per billion), and metric samples ingested,
   * per million (first tier; the page's unit is per 10 million): what the tenant availability rules use.
   * The AMP pricing page's stored copies describe both charges ("Query Samples Processed (QSP) ... the total
   * number of data points queried", "each metric sample ingested") but not the table, so these figures were
   * not read from it here: they are the us-east-1 list prices as entered by hand, used for every region,
   * unverified. Check them with the AWS Pricing Calculator.
   */
  readonly ampQuerySamplesMillion: number;
  readonly ampIngestedSamplesMillion: number;
  /**
   * CloudWatch Synthetics, per canary run: only for the comparison `pnpm cost` prints (no canary is
   * deployed). $0.0012 a run is the figure quoted, from the CloudWatch pricing page, in "AWS Synthetics
   * Canaries - when to bite the bullet" (blog.mattsbit.co.uk, 2023-11-11); not checked against the page
   * itself, and used for every region.
   */
  readonly syntheticsCanaryRun: number;
}

export const PRICES: Readonly<Record<string, RegionPrices>> = {
  "us-east-1": {
    eksClusterHour: 0.1,
    natGatewayHour: 0.045,
    natGatewayGb: 0.045,
    nlbHour: 0.0225,
    nlbLcuHour: 0.006,
    publicIpv4Hour: 0.005,
    kmsKeyMonth: 1,
    logsIngestGb: 0.5,
    logsStoreGbMonth: 0.03,
    alarmMonth: 0.1,
    ebsGp3GbMonth: 0.08,
    nodeHour: 0.0864,
    autoModeNodeHour: 0.01037,
    ampCollectorHour: 0.04,
    ampQuerySamplesMillion: 0.0001,
    ampIngestedSamplesMillion: 0.09,
    syntheticsCanaryRun: 0.0012,
  },
  "eu-west-1": {
    eksClusterHour: 0.1,
    natGatewayHour: 0.048,
    natGatewayGb: 0.048,
    nlbHour: 0.0252,
    nlbLcuHour: 0.006,
    publicIpv4Hour: 0.005,
    kmsKeyMonth: 1,
    logsIngestGb: 0.57,
    logsStoreGbMonth: 0.03,
    alarmMonth: 0.1,
    ebsGp3GbMonth: 0.088,
    nodeHour: 0.0972,
    autoModeNodeHour: 0.01166,
    ampCollectorHour: 0.04,
    ampQuerySamplesMillion: 0.0001,
    ampIngestedSamplesMillion: 0.09,
    syntheticsCanaryRun: 0.0012,
  },
  "eu-central-1": {
    eksClusterHour: 0.1,
    natGatewayHour: 0.052,
    natGatewayGb: 0.052,
    nlbHour: 0.027,
    nlbLcuHour: 0.006,
    publicIpv4Hour: 0.005,
    kmsKeyMonth: 1,
    logsIngestGb: 0.63,
    logsStoreGbMonth: 0.0324,
    alarmMonth: 0.1,
    ebsGp3GbMonth: 0.0952,
    nodeHour: 0.1044,
    autoModeNodeHour: 0.01253,
    ampCollectorHour: 0.04,
    ampQuerySamplesMillion: 0.0001,
    ampIngestedSamplesMillion: 0.09,
    syntheticsCanaryRun: 0.0012,
  },
};

export const HOURS_PER_MONTH = 730;

/** Usage the synthesized stacks cannot know; every one is printed with the estimate. */
export const ASSUMPTIONS = {
  baselineNodes: 3,
  nodeType: "m6a.large (2 vCPU, 8 GiB), one per AZ: what three tenants, Traefik and the add-ons fit on",
  natGbPerMonth: { nonProd: 50, prod: 500 },
  nlbLcu: 1,
  controlPlaneLogGbPerMonth: { nonProd: 5, prod: 30 },
  flowLogGbPerMonth: { nonProd: 5, prod: 50 },
  availability: {
    /** Status codes Traefik reports per tenant service and pod (e.g. 200, 404, 503): the series the rules read. */
    statusCodesPerTenant: 3,
    /** How often the rejected alternative, a Synthetics canary per tenant host, would run. */
    canaryEveryMinutes: 5,
  },
} as const;
