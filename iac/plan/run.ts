import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { VPC_MODULE, VPC_MODULE_VARIABLE_TYPES } from "../src/vpc-module";
import { offlineCopy, replaceAwsDataSources, stripUnknownArguments, type ProviderSchema, type Removed, type StandIn } from "./prepare";
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

export interface OfflinePlanResult {
  readonly stackName: string;
  readonly awsVersion: string;
  readonly validate: { valid: boolean; error_count: number; diagnostics: { severity: string; summary: string; detail?: string }[] };
  readonly plan: PlanJson;
  readonly removed: readonly Removed[];
  /** Data-source attributes that need AWS to read, planned with stand-in values instead. */
  readonly standIns: readonly StandIn[];
}

type ReadyTools = Extract<OfflineTools, { ok: true }>;

/**
 * Copies a synthesized stack into a temporary folder, swaps the registry VPC module for its
 * interface-generated stand-in and data sources that need AWS for stand-in values, points the provider
 * at the local mirror, then runs terraform
 * init, validate and plan (no refresh, fake credentials) and returns `terraform show -json`.
 */
export interface OfflinePlanOptions {
  /** A Terraform state (format version 4) to plan against, e.g. a resource as an older apply left it. */
  readonly state?: Record<string, unknown>;
}

export async function offlinePlan(
  stackName: string,
  stackJson: Record<string, unknown>,
  tools: ReadyTools,
  options: OfflinePlanOptions = {},
): Promise<OfflinePlanResult> {
  const dir = mkdtempSync(path.join(tmpdir(), `offline-plan-${stackName}-`));
  try {
    const cliConfig = path.join(dir, "offline.tfrc");
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
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? dir,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      AWS_EC2_METADATA_DISABLED: "true",
    };
    const terraform = async (...args: string[]) =>
      (await run(tools.terraform, args, { cwd: dir, env, maxBuffer: 256 * 1024 * 1024 })).stdout;

    const stubDir = path.join(dir, "modules/vpc");
    mkdirSync(stubDir, { recursive: true });
    const variableTypes = VPC_MODULE_VARIABLE_TYPES[VPC_MODULE.version];
    if (!variableTypes) throw new Error(`no declared variable types kept for VPC module ${VPC_MODULE.version}`);
    for (const [file, content] of Object.entries(vpcModuleStub(VPC_MODULE, variableTypes))) {
      writeFileSync(path.join(stubDir, file), typeof content === "string" ? content : JSON.stringify(content, null, 2));
    }
    const copy = offlineCopy(stackJson, { awsVersion: tools.awsVersion, moduleSources: { vpc: "./modules/vpc" } });
    const standIns = replaceAwsDataSources(copy);
    if (options.state) writeFileSync(path.join(dir, "terraform.tfstate"), JSON.stringify(options.state));
    const main = path.join(dir, "main.tf.json");
    writeFileSync(main, JSON.stringify(copy, null, 2));

    await terraform("init", "-input=false", "-no-color");
    const schemas = JSON.parse(await terraform("providers", "schema", "-json")) as {
      provider_schemas: Record<string, ProviderSchema>;
    };
    const awsSchema = schemas.provider_schemas["registry.terraform.io/hashicorp/aws"];
    if (!awsSchema) throw new Error("terraform providers schema did not list hashicorp/aws");
    const removed = stripUnknownArguments(copy, awsSchema);
    writeFileSync(main, JSON.stringify(copy, null, 2));

    // validate exits 1 on errors but still prints its JSON verdict, which is what callers assert on.
    const validateOut = await terraform("validate", "-json", "-no-color").catch((error: { stdout?: string }) => {
      if (error.stdout) return error.stdout;
      throw error;
    });
    const validate = JSON.parse(validateOut) as OfflinePlanResult["validate"];
    if (!validate.valid) {
      const problems = validate.diagnostics.map((d) => `${d.severity}: ${d.summary}${d.detail ? ` (${d.detail})` : ""}`);
      throw new Error(`terraform validate failed for ${stackName}:\n${problems.join("\n")}`);
    }
    await terraform("plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=tfplan");
    const plan = JSON.parse(await terraform("show", "-json", "tfplan")) as PlanJson;
    return { stackName, awsVersion: tools.awsVersion, validate, plan, removed, standIns };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const readStackJson = (outdir: string, stackName: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(outdir, "stacks", stackName, "cdk.tf.json"), "utf8")) as Record<string, unknown>;
