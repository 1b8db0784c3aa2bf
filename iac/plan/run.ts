import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { VPC_MODULE, VPC_MODULE_VARIABLE_TYPES } from "../src/vpc-module";
import { offlineCopy, replaceAwsDataSources, stripUnknownArguments, type ProviderSchema, type Removed, type StandIn } from "./prepare";
import { startProviderServer, type ProviderServer } from "./provider-server";
import { cachedProviderSchema, schemaIdentity } from "./schema-cache";
import type { OfflineTools } from "./tools";
import { vpcModuleStub } from "./vpc-stub";

const run = promisify(execFile);

export interface ResourceChange {
  address: string;
  module_address?: string;
  type: string;
  name: string;
  change: { actions: string[]; after: Record<string, unknown> | null; after_unknown?: Record<string, unknown> };
}

export interface PlanJson {
  format_version: string;
  resource_changes: ResourceChange[];
  configuration: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Diagnostic {
  severity: string;
  summary: string;
  detail?: string;
}

export interface OfflinePlanResult {
  readonly stackName: string;
  readonly awsVersion: string;
  /**
   * The validation verdict. terraform plan validates the configuration before it plans (the local backend's
   * `localRun` runs `Core.Validate` when `OpValidation` is set, internal/backend/local/backend_local.go), with
   * the same diagnostics `terraform validate -json` prints (checked at terraform 1.11.4: a wrong-type module
   * argument and an undeclared one); this is what its `-json` stream reported.
   */
  readonly validate: { valid: boolean; error_count: number; warning_count: number; diagnostics: Diagnostic[] };
  readonly plan: PlanJson;
  readonly removed: readonly Removed[];
  /** Data-source attributes that need AWS to read, planned with stand-in values instead. */
  readonly standIns: readonly StandIn[];
}

type ReadyTools = Extract<OfflineTools, { ok: true }>;

export interface OfflinePlanOptions {
  /** A Terraform state (format version 4) to plan against, e.g. a resource as an older apply left it. */
  readonly state?: Record<string, unknown>;
}

export interface OfflinePlannerOptions {
  /** Where the provider schema is cached per provider version and binary; default `iac/node_modules/.cache/gpp-plan`. */
  readonly schemaCacheDir?: string;
}

/**
 * Plans stacks offline, one after the other, through one provider process and one initialized working folder.
 * Two of each, planning two stacks at once, were measured slower on 2 cores, not faster (terraform plan
 * already uses both), so there is one.
 */
export interface OfflinePlanner {
  plan(stackName: string, stackJson: Record<string, unknown>, options?: OfflinePlanOptions): Promise<OfflinePlanResult>;
  /** Whether the provider schema came from the cache rather than from terraform. */
  readonly schemaFromCache: Promise<boolean>;
  /** Stops the provider process and removes the working folder. */
  close(): Promise<void>;
}

export const DEFAULT_SCHEMA_CACHE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../node_modules/.cache/gpp-plan");

/** Where each offline copy finds the stand-ins of the registry modules it replaces, relative to its folder. */
const MODULE_SOURCES = { vpc: "./modules/vpc" } as const;

/**
 * terraform and the provider allocate heavily while decoding the ~13 MB aws schema, and as short-lived or
 * idle processes gain nothing from collecting early: with collection off until 1 GiB a plan took 2.9 instead
 * of 4.4 CPU-s and a show 1.8 instead of 2.6 (terraform 1.11.4, aws 5.100.0, here), peaking at ~0.8 GB.
 * GOMEMLIMIT makes the Go runtime collect again before a process grows past it.
 */
const GO_MEMORY = { GOGC: "off", GOMEMLIMIT: "1GiB" } as const;

/** What `terraform init` depends on: the module calls and the providers, not the resources. */
const initKey = (config: Record<string, unknown>): string => {
  const modules = (config.module ?? {}) as Record<string, { source?: unknown }>;
  const providers = ((config.terraform as Record<string, unknown> | undefined)?.required_providers ?? {}) as Record<string, unknown>;
  return JSON.stringify({ modules: Object.entries(modules).map(([name, m]) => [name, m.source]).sort(), providers: Object.keys(providers).sort() });
};

const stripSnippet = ({ severity, summary, detail }: Diagnostic): Diagnostic => (detail ? { severity, summary, detail } : { severity, summary });

/** The diagnostics in `terraform plan -json`'s stream of messages (one JSON object per line). */
export function planDiagnostics(stream: string): Diagnostic[] {
  return stream
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { type?: string; diagnostic?: Diagnostic })
    .filter((message) => message.type === "diagnostic" && message.diagnostic)
    .map((message) => stripSnippet(message.diagnostic as Diagnostic));
}

/** The working folder and the provider process its terraform commands attach to; one command at a time. */
class Workspace {
  readonly dir = mkdtempSync(path.join(tmpdir(), "offline-plan-"));
  private provider: ProviderServer | undefined;
  private initialized: string | undefined;
  private env: Record<string, string> = {};
  /** Settles when the provider runs and the folder is initialized for a stack's module calls and providers. */
  readonly ready: Promise<void>;

  constructor(private readonly tools: ReadyTools) {
    const cliConfig = path.join(this.dir, "offline.tfrc");
    // Terraform installs nothing for a reattached provider; the mirror stays the only source for hashicorp/aws
    // should anything else ask for it, and nothing reaches the registry.
    writeFileSync(
      cliConfig,
      [
        "provider_installation {",
        `  filesystem_mirror {\n    path    = ${JSON.stringify(tools.mirrorDir)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }`,
        '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }',
        "}",
        "",
      ].join("\n"),
    );
    const stubDir = path.join(this.dir, MODULE_SOURCES.vpc);
    mkdirSync(stubDir, { recursive: true });
    const variableTypes = VPC_MODULE_VARIABLE_TYPES[VPC_MODULE.version];
    if (!variableTypes) throw new Error(`no declared variable types kept for VPC module ${VPC_MODULE.version}`);
    for (const [file, content] of Object.entries(vpcModuleStub(VPC_MODULE, variableTypes))) {
      writeFileSync(path.join(stubDir, file), typeof content === "string" ? content : JSON.stringify(content, null, 2));
    }
    const home = process.env.HOME ?? this.dir;
    // The provider gets what terraform gave it when terraform started it: no AWS_* settings from the caller's
    // environment (AWS_CA_BUNDLE, for one, makes aws 5.100.0 refuse to be configured a second time).
    const providerEnv = { PATH: process.env.PATH ?? "", HOME: home, AWS_EC2_METADATA_DISABLED: "true", ...GO_MEMORY };
    this.ready = (async () => {
      this.provider = await startProviderServer(tools.awsProvider, providerEnv);
      // terraform gets the provider's environment plus its own settings.
      this.env = {
        ...providerEnv,
        TF_CLI_CONFIG_FILE: cliConfig,
        TF_IN_AUTOMATION: "1",
        TF_INPUT: "0",
        CHECKPOINT_DISABLE: "1",
        TF_REATTACH_PROVIDERS: this.provider.reattach,
      };
      // An offline copy has the same module calls and providers as this skeleton, so the first plan needs no init.
      await this.initFor(offlineCopy({ terraform: {}, module: { vpc: {} } }, { awsVersion: tools.awsVersion, moduleSources: MODULE_SOURCES }));
    })();
    this.ready.catch(() => undefined); // reported to whoever awaits a plan
  }

  async terraform(...args: string[]): Promise<string> {
    return (await run(this.tools.terraform, args, { cwd: this.dir, env: this.env, maxBuffer: 256 * 1024 * 1024 })).stdout;
  }

  private async initFor(config: Record<string, unknown>): Promise<void> {
    const key = initKey(config);
    if (key === this.initialized) return;
    writeFileSync(path.join(this.dir, "main.tf.json"), JSON.stringify(config, null, 2));
    await this.terraform("init", "-input=false", "-no-color");
    this.initialized = key;
  }

  async providerSchema(): Promise<ProviderSchema> {
    const schemas = JSON.parse(await this.terraform("providers", "schema", "-json")) as { provider_schemas: Record<string, ProviderSchema> };
    const awsSchema = schemas.provider_schemas["registry.terraform.io/hashicorp/aws"];
    if (!awsSchema) throw new Error("terraform providers schema did not list hashicorp/aws");
    return awsSchema;
  }

  async plan(stackName: string, copy: Record<string, unknown>, options: OfflinePlanOptions): Promise<{ validate: OfflinePlanResult["validate"]; plan: PlanJson }> {
    await this.ready;
    for (const leftover of ["terraform.tfstate", "terraform.tfstate.backup", "tfplan"]) rmSync(path.join(this.dir, leftover), { force: true });
    if (options.state) writeFileSync(path.join(this.dir, "terraform.tfstate"), JSON.stringify(options.state));
    await this.initFor(copy);
    writeFileSync(path.join(this.dir, "main.tf.json"), JSON.stringify(copy, null, 2));
    // plan exits 1 on errors but still streams its diagnostics, which is what callers assert on.
    let failed = false;
    const stream = await this.terraform("plan", "-json", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=tfplan").catch(
      (error: { stdout?: string; stderr?: string; message: string }) => {
        failed = true;
        if (error.stdout) return error.stdout;
        throw new Error(`terraform plan failed for ${stackName}: ${error.stderr || error.message}`);
      },
    );
    const diagnostics = planDiagnostics(stream);
    const errors = diagnostics.filter((d) => d.severity === "error");
    if (failed || errors.length > 0) {
      const problems = errors.map((d) => `${d.severity}: ${d.summary}${d.detail ? ` (${d.detail})` : ""}`);
      throw new Error(`terraform plan failed for ${stackName} (validation and planning):\n${problems.join("\n") || stream.slice(-2000)}`);
    }
    const validate = { valid: true, error_count: 0, warning_count: diagnostics.filter((d) => d.severity === "warning").length, diagnostics };
    const plan = JSON.parse(await this.terraform("show", "-json", "tfplan")) as PlanJson;
    return { validate, plan };
  }

  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.provider?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Opens a planner: starts the provider and initializes the folder in the background (so this overlaps
 * whatever the caller does next, e.g. loading and synthesizing the stacks), and reads the provider schema
 * from the cache or, on a miss, from terraform.
 *
 * Each plan copies a synthesized stack, swaps the registry VPC module for its interface-generated stand-in
 * and data sources that need AWS for stand-in values, points the provider at the local mirror, removes
 * arguments the mirror's provider does not know, then runs terraform plan (which validates first; no refresh,
 * fake credentials) and returns `terraform show -json`. Plans asked for at once run in the order asked.
 */
export function openOfflinePlanner(tools: ReadyTools, options: OfflinePlannerOptions = {}): OfflinePlanner {
  const workspace = new Workspace(tools);
  const cacheDir = options.schemaCacheDir ?? DEFAULT_SCHEMA_CACHE_DIR;
  const schema = (async () => cachedProviderSchema(cacheDir, schemaIdentity(tools), async () => (await workspace.ready, workspace.providerSchema())))();
  schema.catch(() => undefined); // reported to whoever awaits a plan
  // The provider process holds one configuration at a time: one terraform command at a time.
  let previous: Promise<unknown> = Promise.resolve();

  return {
    schemaFromCache: schema.then((s) => s.fromCache),
    async plan(stackName, stackJson, planOptions = {}) {
      const copy = offlineCopy(stackJson, { awsVersion: tools.awsVersion, moduleSources: MODULE_SOURCES });
      const standIns = replaceAwsDataSources(copy);
      const result = previous.then(async () => {
        const removed = stripUnknownArguments(copy, (await schema).schema);
        const { validate, plan } = await workspace.plan(stackName, copy, planOptions);
        return { stackName, awsVersion: tools.awsVersion, validate, plan, removed, standIns };
      });
      previous = result.catch(() => undefined);
      return result;
    },
    async close() {
      await previous;
      await workspace.close();
    },
  };
}

/** Plans one stack with a planner of its own (what `pnpm plan` does for one deployment). */
export async function offlinePlan(
  stackName: string,
  stackJson: Record<string, unknown>,
  tools: ReadyTools,
  options: OfflinePlanOptions = {},
): Promise<OfflinePlanResult> {
  const planner = openOfflinePlanner(tools);
  try {
    return await planner.plan(stackName, stackJson, options);
  } finally {
    await planner.close();
  }
}

export const readStackJson = (outdir: string, stackName: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(outdir, "stacks", stackName, "cdk.tf.json"), "utf8")) as Record<string, unknown>;
