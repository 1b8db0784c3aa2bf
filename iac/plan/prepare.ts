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
