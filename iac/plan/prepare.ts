/** Rewrites a synthesized stack so that terraform can validate and plan it with no network and no AWS account. */

type Json = Record<string, unknown>;

/** Terraform meta-arguments and cdktf metadata: never in a provider schema, always allowed. */
const META_ARGUMENTS = new Set(["//", "count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"]);

export interface BlockSchema {
  attributes?: Record<string, unknown>;
  block_types?: Record<string, { block: BlockSchema }>;
}

/** One provider's entry in `terraform providers schema -json`. */
export interface ProviderSchema {
  resource_schemas: Record<string, { block: BlockSchema }>;
  data_source_schemas: Record<string, { block: BlockSchema }>;
}

export interface Removed {
  readonly address: string;
  readonly attribute: string;
}

/** The account and deploying principal the offline plan pretends to be (123456789012 is AWS's documentation account). */
export const OFFLINE_ACCOUNT_ID = "123456789012";
export const OFFLINE_CALLER_ARN = `arn:aws:iam::${OFFLINE_ACCOUNT_ID}:role/offline-plan-deployer`;

type StandInValue = string | ((instance: Json) => string);

/**
 * Data sources that call an AWS API when read (STS, IAM, EKS, Route 53), so a plan without credentials
 * cannot read them; each attribute the stacks may reference gets a literal the offline copy uses instead.
 * Everything else about the plan stays real. Data sources computed locally (aws_partition) stay as they are.
 */
export const OFFLINE_STAND_INS: Readonly<Record<string, Readonly<Record<string, StandInValue>>>> = {
  aws_caller_identity: {
    account_id: OFFLINE_ACCOUNT_ID,
    arn: `arn:aws:sts::${OFFLINE_ACCOUNT_ID}:assumed-role/offline-plan-deployer/offline-plan`,
    id: OFFLINE_ACCOUNT_ID,
    user_id: "AROAOFFLINEPLAN:offline-plan",
  },
  aws_iam_session_context: {
    issuer_arn: OFFLINE_CALLER_ARN,
    issuer_name: "offline-plan-deployer",
    session_name: "offline-plan",
  },
  aws_eks_addon_version: {
    // aws_eks_addon validates addon_version as a semantic version, so the stand-in is shaped like one.
    version: "v0.0.0-resolved-at-apply",
  },
  aws_route53_zone: {
    zone_id: "ZOFFLINEPLANZONE",
    name: (instance) => String(instance.name),
  },
};

/** One data-source attribute the offline plan replaced with a stand-in literal. */
export interface StandIn {
  readonly address: string;
  readonly attribute: string;
  readonly value: string;
}

function mapStrings(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, fn));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, mapStrings(inner, fn)]));
  }
  return value;
}

/**
 * Replaces every reference to a data source of `OFFLINE_STAND_INS` with its stand-in literal (as an HCL
 * string inside the referencing expression) and removes the data source, returning what it replaced.
 * Hand-written because it is a text substitution on Terraform's own reference syntax, which no library
 * offers for JSON configuration. A reference to an attribute without a stand-in is an error, so a new
 * dependency on AWS cannot slip past the plan unnoticed.
 */
export function replaceAwsDataSources(stack: Json): StandIn[] {
  const data = (stack.data ?? {}) as Record<string, Record<string, Json>>;
  const targets: { type: string; name: string; instance: Json; attributes: Readonly<Record<string, StandInValue>> }[] = [];
  for (const [type, attributes] of Object.entries(OFFLINE_STAND_INS)) {
    for (const [name, instance] of Object.entries(data[type] ?? {})) {
      if ("count" in instance || "for_each" in instance) throw new Error(`data.${type}.${name}: stand-ins do not support count or for_each`);
      targets.push({ type, name, instance, attributes });
    }
    delete data[type];
  }
  if (stack.data && Object.keys(data).length === 0) delete stack.data;

  const replaced = new Map<string, StandIn>();
  for (const { type, name, instance, attributes } of targets) {
    const reference = new RegExp(`\\bdata\\.${type}\\.${name.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")}\\b(?:\\.(\\w+))?`, "g");
    for (const kind of ["resource", "data", "output", "module", "locals"] as const) {
      if (!stack[kind]) continue;
      stack[kind] = mapStrings(stack[kind], (text) =>
        text.replace(reference, (whole, attribute: string | undefined) => {
          const standIn = attribute ? attributes[attribute] : undefined;
          if (attribute === undefined || standIn === undefined) throw new Error(`${whole}: no offline stand-in for this attribute of ${type}`);
          const value = typeof standIn === "function" ? standIn(instance) : standIn;
          replaced.set(`data.${type}.${name}.${attribute}`, { address: `data.${type}.${name}`, attribute, value });
          return JSON.stringify(value);
        }),
      );
    }
  }
  return [...replaced.values()];
}

export interface OfflineCopyOptions {
  /** The provider version in the local mirror; the stack's own constraint pins the bindings' version. */
  readonly awsVersion: string;
  /** Module name -> local folder holding its stand-in. */
  readonly moduleSources: Readonly<Record<string, string>>;
}

export function offlineCopy(stack: Json, options: OfflineCopyOptions): Json {
  const copy = structuredClone(stack) as Json & { terraform: Json; provider?: Json; module?: Record<string, Json> };
  const requiredProviders = (copy.terraform.required_providers ?? {}) as Record<string, Json>;
  requiredProviders.aws = { source: "hashicorp/aws", version: options.awsVersion };
  copy.terraform.backend = { local: { path: "terraform.tfstate" } };
  for (const [name, source] of Object.entries(options.moduleSources)) {
    const module = copy.module?.[name];
    if (!module) throw new Error(`the stack has no module "${name}" to replace`);
    module.source = source;
    delete module.version;
  }
  const providers = (copy.provider?.aws ?? []) as Json[];
  for (const provider of providers) {
    Object.assign(provider, {
      access_key: "offline-plan",
      secret_key: "offline-plan",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
    });
  }
  return copy;
}

function stripBlock(value: Json, schema: BlockSchema, address: string, attributePath: string, removed: Removed[]): void {
  for (const key of Object.keys(value)) {
    if (META_ARGUMENTS.has(key)) continue;
    if (schema.attributes && key in schema.attributes) continue;
    const nested = schema.block_types?.[key];
    if (nested) {
      const inner = value[key];
      for (const item of Array.isArray(inner) ? inner : [inner]) {
        if (item && typeof item === "object") stripBlock(item as Json, nested.block, address, `${attributePath}${key}.`, removed);
      }
      continue;
    }
    delete value[key];
    removed.push({ address, attribute: `${attributePath}${key}` });
  }
}

/**
 * Removes arguments the mirror's (older) provider does not know, returning what it removed so the plan
 * summary can say so: those arguments are checked by synth assertions, not by this plan.
 */
export function stripUnknownArguments(stack: Json, schemas: ProviderSchema): Removed[] {
  const removed: Removed[] = [];
  for (const kind of ["resource", "data"] as const) {
    const blocks = (stack[kind] ?? {}) as Record<string, Record<string, Json>>;
    for (const [type, instances] of Object.entries(blocks)) {
      const schema = (kind === "data" ? schemas.data_source_schemas : schemas.resource_schemas)[type];
      if (!schema) continue; // terraform validate reports unknown types itself
      for (const [name, instance] of Object.entries(instances)) {
        stripBlock(instance, schema.block, `${kind === "data" ? "data." : ""}${type}.${name}`, "", removed);
      }
    }
  }
  return removed;
}
