import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import { cidrSubnet, contains, defaultVpcCidr, isPrivateRange, overlaps, parseIpv4Cidr, type Ipv4Network } from "./cidr";
import { eksZoneIds, isZoneName, KNOWN_REGIONS, regionFacts } from "./regions";
import { kubernetesVersionProblem } from "./kubernetes-versions";
import { publicAccessCidrProblem } from "./public-access";
import { tagCountProblem } from "./tags";
import { DEFAULT_ROLLOUT_GROUP, gitopsSchema, rolloutGroupField, type GitOps } from "./gitops";

/** Retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const ENVIRONMENTS = ["dev", "test", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
// Access entries take IAM roles and users only: an STS assumed-role session is temporary and EKS refuses it.
// Partitions as AWS's own IAM role ARN pattern for EKS lists them (CloudFormation AWS::EKS::Addon
// PodIdentityAssociation, RoleArn: `arn:aws(-cn|-us-gov|-iso(-[a-z])?)?:iam::\d{12}:`).
const IAM_PRINCIPAL_ARN = /^arn:aws(-cn|-us-gov|-iso(-[a-z])?)?:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;
/** Characters AWS accepts in tag keys and values (Tagging AWS resources, "Tag naming limits and requirements"). */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** AWS Budgets takes at most 10 email subscribers per notification (CreateBudget API). */
export const MAX_ALARM_EMAILS = 10;
/** AWS region names: a geography, an optional partition marker, a direction word and a number (us-gov-west-1, ap-southeast-7). */
const REGION =
  /^(us|eu|ap|sa|ca|me|af|il|mx|cn)-(gov-|iso-|isob-)?(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d{1,2}$/;
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;

const cidrField = z.string().superRefine((value, ctx) => {
  try {
    parseIpv4Cidr(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
  }
});

/** Reports the second occurrence of a value, at its own index, so the error names the exact entry. */
function noDuplicates(what: string, why: string) {
  return (values: readonly string[], ctx: z.RefinementCtx) => {
    const first = new Map<string, number>();
    values.forEach((value, i) => {
      const key = value.toLowerCase();
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, i);
      else ctx.addIssue({ code: "custom", path: [i], message: `duplicate ${what} ${value} (also [${earlier}]): ${why}` });
    });
  };
}

const logRetention = z
  .number()
  .int()
  .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
    message: `must be one of the retention periods CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")}`,
  });

/** Five-field cron, as KEDA's cron scaler reads it. */
const cronField = z.string().superRefine((value, ctx) => {
  if (value.trim().split(/\s+/).length !== 5) {
    ctx.addIssue({ code: "custom", message: `"${value}" must be a 5-field cron expression (minute hour day-of-month month day-of-week)` });
    return;
  }
  try {
    CronExpressionParser.parse(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `"${value}" does not parse as cron: ${(error as Error).message}` });
  }
});

const timeZoneField = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: "must be an IANA time zone such as Europe/Amsterdam or UTC" },
);

/** Tenant isolation tiers: `shared` nodes (the deployment's NodePool) or a `dedicated` NodePool per tenant. */
export const TENANT_ISOLATION = ["shared", "dedicated"] as const;
export type TenantIsolation = (typeof TENANT_ISOLATION)[number];

const tenantSchema = z.strictObject({
  id: z
    .string()
    .max(40, "must be at most 40 characters (it prefixes namespace and release names)")
    .regex(DNS_LABEL, "must be a DNS label: lowercase letters, digits and '-', starting and ending alphanumeric"),
  host: z.string().regex(DNS_NAME, "must be a lowercase DNS name").optional(),
  values: z.record(z.string(), z.unknown()).optional(),
  /** Which nodes the tenant runs on: the deployment's shared NodePool, or a NodePool of its own (docs/deployments.md#tenants). */
  isolation: z.enum(TENANT_ISOLATION).optional(),
  /** A dedicated tenant's NodePool limits; derived from its quota when absent. */
  dedicated_pool: z
    .strictObject({
      cpu: z.number().int().positive("must be a positive whole number of CPUs"),
      memory_gi: z.number().int().positive("must be a positive whole number of GiB"),
    })
    .optional(),
  /** Argo CD mode: the RollingSync step the tenant rolls out in (libs/deployment/src/gitops.ts). */
  rollout_group: rolloutGroupField.optional(),
});

const stateSchema = z.discriminatedUnion("backend", [
  z.strictObject({ backend: z.literal("local") }),
  z.strictObject({
    backend: z.literal("s3"),
    bucket: z.string().regex(S3_BUCKET, "must be an S3 bucket name"),
    key_prefix: z.string().regex(/^[\w!.*'()/-]*$/, "must be an S3 key prefix").optional(),
    region: z.string().regex(REGION, "must be an AWS region such as eu-west-1").optional(),
  }),
]);

/** The file as written: every field but the identity has a default. */
export const deploymentFileSchema = z.strictObject({
  deployment_id: z.string().regex(/^[a-z0-9]{4}$/, "must be exactly 4 lowercase letters or digits, e.g. gpp0"),
  env: z.enum(ENVIRONMENTS),
  region: z.string().regex(REGION, "must be an AWS region such as eu-west-1"),
  availability_zones: z.array(z.string()).optional(),
  network: z
    .strictObject({
      vpc_cidr: cidrField.optional(),
      private_subnets: z.array(cidrField).optional(),
      public_subnets: z.array(cidrField).optional(),
      nat_gateways: z.enum(["single", "one_per_az"]).optional(),
      flow_logs_retention_days: logRetention.optional(),
    })
    .default({}),
  cluster: z
    .strictObject({
      kubernetes_version: z
        // Unquoted, YAML reads 1.30 as the number 1.3: insist on the string and say why.
        .string({ error: 'must be a quoted string such as "1.35" (unquoted, YAML reads 1.30 as the number 1.3)' })
        .regex(/^1\.\d{2}$/, 'must be a Kubernetes minor version such as "1.35"')
        .superRefine((version, ctx) => {
          const problem = kubernetesVersionProblem(version);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        })
        .default("1.35"),
      public_access_cidrs: z.array(cidrField).optional(),
      admin_principal_arns: z
        .array(z.string().regex(IAM_PRINCIPAL_ARN, "must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name> or :user/<name>); STS session ARNs cannot have access entries"))
        .superRefine(noDuplicates("admin principal", "an access entry per principal"))
        .default([]),
      log_retention_days: logRetention.optional(),
      deletion_protection: z.boolean().optional(),
    })
    .default({ kubernetes_version: "1.35", admin_principal_arns: [] }),
  tags: z
    .record(
      z
        .string()
        .min(1)
        .max(128)
        .refine((key) => !key.toLowerCase().startsWith("aws:"), "tag keys starting with aws: are reserved by AWS")
        .refine((key) => TAG_TEXT.test(key), "tag keys may only hold letters, digits, spaces and _ . : / = + - @"),
      z.string().max(256).regex(TAG_TEXT, "tag values may only hold letters, digits, spaces and _ . : / = + - @"),
    )
    .superRefine((tags, ctx) => {
      const problem = tagCountProblem(tags);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .default({}),
  ingress: z
    .strictObject({
      base_domain: z.string().regex(DNS_NAME, "must be a lowercase DNS name such as apps.example.org").optional(),
      hosted_zone: z.string().regex(DNS_NAME, "must be the name of a Route 53 public hosted zone such as example.org").optional(),
    })
    .default({}),
  monitoring: z
    .strictObject({
      alarm_emails: z
        .array(z.email({ message: "must be an email address" }))
        .max(MAX_ALARM_EMAILS, `must list at most ${MAX_ALARM_EMAILS} addresses (AWS Budgets notifies at most ${MAX_ALARM_EMAILS} per notification)`)
        .superRefine(noDuplicates("address", "one subscription per address"))
        .default([]),
    })
    .default({ alarm_emails: [] }),
  budget: z
    .strictObject({
      monthly_limit_usd: z.number({ message: "must be a number of US dollars" }).positive("must be a positive number of US dollars").optional(),
    })
    .default({}),
  scaling: z
    .strictObject({
      off_hours: z
        .union([
          z.literal(false),
          z.strictObject({
            timezone: timeZoneField.default("UTC"),
            scale_up: cronField,
            scale_down: cronField,
          }),
        ])
        .optional(),
    })
    .default({}),
  service: z
    .strictObject({
      image: z
        .strictObject({
          repository: z.string().regex(/^[a-z0-9]+([._/-][a-z0-9]+)*$/, "must be an image repository").default("gradyent/tech-interview"),
          tag: z.string().regex(/^[\w][\w.-]{0,127}$/, "must be an image tag").default("latest"),
          digest: z.string().regex(IMAGE_DIGEST, "must be sha256:<64 hex digits>").optional(),
        })
        .default({ repository: "gradyent/tech-interview", tag: "latest" }),
    })
    .default({ image: { repository: "gradyent/tech-interview", tag: "latest" } }),
  tenants: z.array(tenantSchema).default([]),
  /** Spot capacity with on-demand fallback on every NodePool; default on outside prod, off in prod. */
  capacity: z.strictObject({ spot: z.boolean().optional() }).default({}),
  gitops: gitopsSchema.optional(),
  state: stateSchema.default({ backend: "local" }),
});

export type DeploymentFile = z.infer<typeof deploymentFileSchema>;

/** A validated deployment with every default filled in: what stacks read. */
export interface Deployment {
  /** The descriptor file this came from, so any later check can name it in its error. */
  readonly file: string;
  readonly deployment_id: string;
  readonly env: Environment;
  readonly region: string;
  readonly availability_zones: readonly [string, string, string];
  readonly network: {
    readonly vpc_cidr: string;
    readonly private_subnets: readonly string[];
    readonly public_subnets: readonly string[];
    readonly nat_gateways: "single" | "one_per_az";
    readonly flow_logs_retention_days: number;
  };
  readonly cluster: {
    readonly kubernetes_version: string;
    readonly public_access_cidrs: readonly string[];
    readonly admin_principal_arns: readonly string[];
    readonly log_retention_days: number;
    readonly deletion_protection: boolean;
  };
  readonly tags: Readonly<Record<string, string>>;
  readonly ingress: { readonly base_domain: string; readonly hosted_zone?: string };
  readonly monitoring: { readonly alarm_emails: readonly string[] };
  readonly budget: { readonly monthly_limit_usd: number };
  /** Non-prod only: tenants scale to zero outside these hours. */
  readonly scaling: { readonly off_hours?: { readonly timezone: string; readonly scale_up: string; readonly scale_down: string } };
  readonly service: { readonly image: { readonly repository: string; readonly tag: string; readonly digest?: string } };
  readonly tenants: readonly {
    readonly id: string;
    readonly host: string;
    readonly values: Record<string, unknown>;
    readonly isolation: TenantIsolation;
    readonly dedicated_pool?: { readonly cpu: number; readonly memory_gi: number };
    readonly rollout_group: string;
  }[];
  /** Whether NodePools may launch Spot (falling back to on-demand). */
  readonly capacity: { readonly spot: boolean };
  /** Tenant delivery by Argo CD; absent: the helm stack's own helm_releases. */
  readonly gitops?: GitOps;
  readonly state:
    | { readonly backend: "local" }
    | { readonly backend: "s3"; readonly bucket: string; readonly key_prefix: string; readonly region: string };
}

/**
 * Monthly budget when the descriptor names none. The forecast notification fires at 80 %, so 80 % of this
 * must stay well above the baseline `pnpm cost` estimates (about 444 USD for the default dev deployment,
 * the Prometheus collector's hours included, before usage-priced Container Insights and samples; each
 * dedicated tenant adds its pool): otherwise it fires every month in normal running and stops meaning
 * drift. tools/cost's tests hold this relation for the default deployment.
 */
export const DEFAULT_BUDGET_USD = { nonProd: 700, prod: 3000 } as const;

export const isProd = (d: Pick<Deployment, "env">): boolean => d.env === "prod";

type Issue = { path: (string | number)[]; message: string };

/** Fills env-dependent defaults and runs the checks that span fields. */
export function resolveDeployment(file: DeploymentFile, source: string): { deployment?: Deployment; issues: Issue[] } {
  const issues: Issue[] = [];
  const prod = file.env === "prod";

  const facts = regionFacts(file.region);
  if (!facts) {
    issues.push({
      path: ["region"],
      message: `${file.region} is not a region this project has checked facts for (zone IDs EKS accepts, partition, list prices); use one of ${KNOWN_REGIONS.join(", ")}, or add it to libs/deployment/src/regions.ts and tools/cost/src/prices.ts`,
    });
  }
  const supported = facts ? eksZoneIds(facts) : [];
  const zones = file.availability_zones ?? supported.slice(0, 3);
  if (facts && zones.length !== 3) {
    issues.push({ path: ["availability_zones"], message: `must list exactly 3 availability zone IDs, got ${zones.length}` });
  }
  zones.forEach((zone, i) => {
    const path = ["availability_zones", i];
    if (!facts) return;
    if (isZoneName(zone)) {
      issues.push({
        path,
        message: `"${zone}" is a zone name; give zone IDs (${supported.join(", ")}): a name such as ${file.region}a maps to a different physical zone in each account, and not every account has every letter. Your account's mapping: aws ec2 describe-availability-zones --region ${file.region} --query "AvailabilityZones[].[ZoneName,ZoneId]"`,
      });
    } else if (!facts.zoneIds.includes(zone)) {
      issues.push({ path, message: `"${zone}" is not an availability zone ID of ${file.region}, whose zone IDs are ${facts.zoneIds.join(", ")}` });
    } else if (facts.eksUnsupportedZoneIds.includes(zone)) {
      issues.push({
        path,
        message: `"${zone}" is a zone where EKS does not accept cluster subnets (CreateCluster fails with UnsupportedAvailabilityZoneException; EKS User Guide, VPC and subnet requirements): use ${supported.join(", ")}`,
      });
    }
  });
  if (new Set(zones).size !== zones.length) {
    issues.push({ path: ["availability_zones"], message: "must be 3 different availability zones" });
  }
  // Access entries in another partition's account cannot exist: refuse them here, not at apply.
  file.cluster.admin_principal_arns.forEach((arn, i) => {
    const partition = arn.split(":")[1];
    if (facts && partition !== facts.partition) {
      issues.push({ path: ["cluster", "admin_principal_arns", i], message: `${arn} is in partition ${partition}, but ${file.region} is in partition ${facts.partition}` });
    }
  });

  const vpc = parseIpv4Cidr(file.network.vpc_cidr ?? defaultVpcCidr(file.deployment_id));
  if (vpc.prefix < 16 || vpc.prefix > 20) {
    issues.push({ path: ["network", "vpc_cidr"], message: `must be between /16 and /20 (AWS allows /16 at most; EKS needs room for pod IPs), got /${vpc.prefix}` });
  }
  if (!isPrivateRange(vpc)) {
    issues.push({ path: ["network", "vpc_cidr"], message: `${vpc.cidr} is not inside an RFC 1918 private range (10/8, 172.16/12, 192.168/16)` });
  }
  // Defaults: three large private subnets for nodes and pods (Auto Mode gives pods VPC addresses),
  // three small public ones that only hold load balancers and NAT gateways. A VPC CIDR already at
  // fault derives nothing, so the errors name only what the file says.
  const vpcUsable = issues.every((issue) => issue.path.join(".") !== "network.vpc_cidr");
  const derived = (newBits: number, first: number) => (vpcUsable ? [0, 1, 2].map((i) => cidrSubnet(vpc, newBits, first + i)) : []);
  const privateSubnets = file.network.private_subnets ?? derived(4, 0);
  const publicSubnets = file.network.public_subnets ?? derived(8, 48);
  const subnets: { path: (string | number)[]; net: Ipv4Network }[] = [];
  for (const [kind, list] of [["private_subnets", privateSubnets], ["public_subnets", publicSubnets]] as const) {
    if (list.length !== 3 && vpcUsable) {
      issues.push({ path: ["network", kind], message: `must list exactly 3 subnets, one per availability zone, got ${list.length}` });
    }
    list.forEach((cidr, i) => {
      const net = parseIpv4Cidr(cidr);
      const path = ["network", kind, i];
      if (net.prefix > 28 || net.prefix < 16) {
        issues.push({ path, message: `${cidr} must be between /16 and /28 (the sizes AWS allows for a subnet)` });
      } else if (!contains(vpc, net)) {
        issues.push({ path, message: `${cidr} is not inside the VPC CIDR ${vpc.cidr}` });
      }
      const clash = subnets.find((other) => overlaps(other.net, net));
      if (clash) {
        issues.push({ path, message: `${cidr} overlaps ${clash.net.cidr} (network.${clash.path.slice(1).join("[")}])` });
      }
      subnets.push({ path, net });
    });
  }

  const publicAccess = file.cluster.public_access_cidrs ?? (prod ? undefined : ["0.0.0.0/0"]);
  if (publicAccess === undefined) {
    issues.push({ path: ["cluster", "public_access_cidrs"], message: "is required for prod: list the networks allowed to reach the Kubernetes API" });
  } else if (prod) {
    // Per range, not a string match on 0.0.0.0/0: 0.0.0.0/1 + 128.0.0.0/1 is the internet too (AWS-EKS-004 holds the same limit).
    publicAccess.forEach((cidr, i) => {
      const problem = publicAccessCidrProblem(cidr);
      if (problem) {
        issues.push({ path: ["cluster", "public_access_cidrs", i], message: `${problem} in prod: list the office, VPN or CI egress ranges that need the Kubernetes API` });
      }
    });
  }
  if (prod && file.state.backend === "local") {
    issues.push({
      path: ["state", "backend"],
      message: "must be s3 in prod: local state lives on one machine, has no lock and no history (set state: {backend: s3, bucket: <bucket>})",
    });
  }

  const zone = file.ingress.hosted_zone;
  if (zone !== undefined && file.ingress.base_domain === undefined) {
    issues.push({ path: ["ingress", "base_domain"], message: `is required with ingress.hosted_zone: name the domain under ${zone} that tenants are served from` });
  } else if (zone !== undefined && file.ingress.base_domain !== zone && !file.ingress.base_domain?.endsWith(`.${zone}`)) {
    issues.push({ path: ["ingress", "base_domain"], message: `${file.ingress.base_domain} is not inside the hosted zone ${zone}, so no certificate or record can be made for it` });
  }
  const baseDomain = file.ingress.base_domain ?? `${file.deployment_id}.${file.env}.tech-interview.internal`;

  const offHours = file.scaling.off_hours;
  if (prod && offHours) {
    issues.push({ path: ["scaling", "off_hours"], message: "prod never scales to zero: remove off_hours or set it to false" });
  }
  const seenIds = new Map<string, number>();
  const seenHosts = new Map<string, number>();
  const tenants = file.tenants.map((tenant, i) => {
    const host = tenant.host ?? `${tenant.id}.${baseDomain}`;
    const firstId = seenIds.get(tenant.id);
    if (firstId !== undefined) {
      issues.push({ path: ["tenants", i, "id"], message: `duplicate tenant "${tenant.id}" (also tenants[${firstId}])` });
    }
    const firstHost = seenHosts.get(host);
    if (firstHost !== undefined) {
      issues.push({ path: ["tenants", i, "host"], message: `host ${host} is already used by tenants[${firstHost}]` });
    }
    seenIds.set(tenant.id, firstId ?? i);
    seenHosts.set(host, firstHost ?? i);
    const isolation = tenant.isolation ?? "shared";
    if (tenant.dedicated_pool && isolation !== "dedicated") {
      issues.push({ path: ["tenants", i, "dedicated_pool"], message: "is only for a tenant with isolation: dedicated (a shared tenant runs on the deployment's NodePool)" });
    }
    return { id: tenant.id, host, values: tenant.values ?? {}, isolation, rollout_group: tenant.rollout_group ?? DEFAULT_ROLLOUT_GROUP, ...(tenant.dedicated_pool ? { dedicated_pool: tenant.dedicated_pool } : {}) };
  });

  if (issues.length > 0) return { issues };
  const state =
    file.state.backend === "s3"
      ? {
          backend: "s3" as const,
          bucket: file.state.bucket,
          key_prefix: file.state.key_prefix ?? "",
          region: file.state.region ?? file.region,
        }
      : file.state;
  return {
    issues,
    deployment: {
      file: source,
      deployment_id: file.deployment_id,
      env: file.env,
      region: file.region,
      availability_zones: zones as unknown as [string, string, string],
      network: {
        vpc_cidr: vpc.cidr,
        private_subnets: privateSubnets,
        public_subnets: publicSubnets,
        nat_gateways: file.network.nat_gateways ?? (prod ? "one_per_az" : "single"),
        flow_logs_retention_days: file.network.flow_logs_retention_days ?? (prod ? 365 : 30),
      },
      cluster: {
        kubernetes_version: file.cluster.kubernetes_version,
        public_access_cidrs: publicAccess ?? [],
        admin_principal_arns: file.cluster.admin_principal_arns,
        log_retention_days: file.cluster.log_retention_days ?? (prod ? 365 : 30),
        deletion_protection: file.cluster.deletion_protection ?? prod,
      },
      tags: file.tags,
      ingress: zone ? { base_domain: baseDomain, hosted_zone: zone } : { base_domain: baseDomain },
      monitoring: file.monitoring,
      budget: { monthly_limit_usd: file.budget.monthly_limit_usd ?? (prod ? DEFAULT_BUDGET_USD.prod : DEFAULT_BUDGET_USD.nonProd) },
      scaling:
        prod || offHours === false
          ? {}
          : { off_hours: offHours ?? { timezone: "UTC", scale_up: "0 7 * * 1-5", scale_down: "0 19 * * 1-5" } },
      service: file.service,
      tenants,
      capacity: { spot: file.capacity.spot ?? !prod },
      ...(file.gitops ? { gitops: file.gitops } : {}),
      state,
    },
  };
}
