/** The measurements, each in processes of its own: stack code in a fresh Node child, whole commands as a user runs them. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_DEPLOYMENT_ID, loadDefaultDeployment, stackName } from "@gpp/deployment";
import { measureInChild } from "@gpp/measure";
import { runCommand, type CommandFigures, type CommandSample } from "./command";

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const synthChild = fileURLToPath(new URL("./synth-child.ts", import.meta.url));
/** helm's own tenant-scaling script; its `--child <n>` mode synthesizes n tenants and prints JSON. */
export const tenantBenchScript = path.join(repositoryRoot, "helm/scripts/bench-tenants.ts");

export interface SynthSample {
  /** Module loading plus synthesis, measured inside the child. */
  readonly synthMs: number;
  readonly maxRssMb: number;
  /** The whole child process, Node and tsx start-up included. */
  readonly processMs: number;
}

export function synthOnce(pkg: "iac" | "helm"): SynthSample {
  const outdir = mkdtempSync(path.join(tmpdir(), `bench-${pkg}-`));
  try {
    const { result, processMs } = measureInChild<Omit<SynthSample, "processMs">>([synthChild, pkg, outdir], { what: `${pkg} synth`, cwd: repositoryRoot });
    return { ...result, processMs };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export interface TenantSample {
  readonly tenants: number;
  readonly ms: number;
  readonly maxRssMb: number;
}

/** One synth of the helm stack in a tenant-delivery mode: its Terraform resource count and time. */
export interface TenantModeSample {
  readonly tenants: number;
  readonly mode: "terraform" | "argocd";
  readonly ms: number;
  readonly resources: number;
  /** argocd mode: the ApplicationSet's size as JSON. */
  readonly applicationSetBytes?: number;
}

export function tenantModeOnce(tenants: number, mode: TenantModeSample["mode"]): TenantModeSample {
  return measureInChild<TenantModeSample>([tenantBenchScript, "--child", String(tenants), "--mode", mode], { what: `helm synth of ${tenants} tenants, ${mode} mode`, cwd: repositoryRoot }).result;
}

export function tenantsOnce(tenants: number): TenantSample {
  return measureInChild<TenantSample>([tenantBenchScript, "--child", String(tenants)], { what: `helm synth of ${tenants} tenants`, cwd: repositoryRoot }).result;
}

/** The environment of a command measured on the built-in default deployment: gpp0 from the repository's deployments/. */
export function defaultDeploymentEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, CHECKPOINT_DISABLE: "1", GPP_DEPLOYMENT: DEFAULT_DEPLOYMENT_ID };
  delete env.GPP_DEPLOYMENTS_DIR;
  delete env.GPP_GITOPS_REVISION;
  return env;
}

/** One `pnpm synth` at the repository root, as a user types it, and the floor it is compared with: `node -e 0`. */
export function pnpmSynthOnce(): CommandSample {
  const sample = runCommand(["pnpm", "synth"], { cwd: repositoryRoot, env: defaultDeploymentEnvironment() });
  if (sample.exitCode !== 0) throw new Error(`pnpm synth failed (exit ${sample.exitCode}):\n${sample.stderr}`);
  return sample;
}

export function nodeFloorOnce(): CommandSample {
  return runCommand(["node", "-e", "0"], { cwd: repositoryRoot });
}

export type PlanMeasurement =
  | { readonly skipped: false; readonly stackName: string; readonly awsVersion: string; readonly samples: readonly CommandFigures[] }
  | { readonly skipped: true; readonly reason: string };

/** `pnpm plan` of the default deployment end to end (synth, terraform init and plan, which validates first, against the local mirror through one provider process). */
export async function measurePnpmPlan(runs: number, onRun: (sample: CommandSample) => void): Promise<PlanMeasurement> {
  const { findOfflineTools } = await import("iac/plan-tools");
  const tools = findOfflineTools();
  if (!tools.ok) return { skipped: true, reason: tools.reason };
  const samples: CommandSample[] = [];
  for (let i = 0; i < runs; i++) {
    const sample = runCommand(["pnpm", "plan"], { cwd: repositoryRoot, env: defaultDeploymentEnvironment() });
    if (sample.exitCode !== 0) throw new Error(`pnpm plan failed (exit ${sample.exitCode}):\n${sample.stderr}`);
    samples.push(sample);
    onRun(sample);
  }
  return { skipped: false, stackName: stackName(loadDefaultDeployment(), "iac"), awsVersion: tools.awsVersion, samples };
}

export type CiMeasurement = { readonly ms: number; readonly exitCode: number; readonly commit: string } | { readonly skipped: string };

const git = (args: readonly string[], cwd: string): string => {
  const run = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${run.stderr || run.error?.message}`);
  return run.stdout.trim();
};

/**
 * `bash .ci/run` in a fresh clone of the committed HEAD (uncommitted changes are not in it), as CI runs it:
 * CI=true, no standard input; the package store is whatever this machine already has (warm after any install).
 * Its `npm install --global pnpm` goes to a prefix inside the temporary folder, first on PATH, so the
 * machine's own pnpm, which others may be running, is not replaced meanwhile. Its output goes to
 * `logFile`; the temporary folder is removed afterwards.
 */
export function measureCiRun(logFile: string): CiMeasurement {
  const commit = git(["rev-parse", "HEAD"], repositoryRoot);
  const scratch = mkdtempSync(path.join(tmpdir(), "gpp-bench-ci-"));
  const clone = path.join(scratch, "clone");
  const prefix = path.join(scratch, "npm-global");
  try {
    git(["clone", "--quiet", "--no-checkout", repositoryRoot, clone], repositoryRoot);
    git(["checkout", "--quiet", "--detach", commit], clone);
    const env: NodeJS.ProcessEnv = { ...process.env, CI: "true" };
    for (const name of Object.keys(env)) if (name.startsWith("GPP_") || name.startsWith("npm_") || name === "INIT_CWD") delete env[name];
    env.npm_config_prefix = prefix;
    env.PATH = [path.join(prefix, "bin"), env.PATH].join(path.delimiter);
    const sample = runCommand(["bash", ".ci/run"], { cwd: clone, env, timeTool: null });
    writeFileSync(logFile, `${sample.stdout}\n${sample.stderr}`);
    return { ms: sample.ms, exitCode: sample.exitCode, commit };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface TestSuiteMeasurement {
  readonly ms: number;
  readonly exitCode: number;
}

/** `pnpm test` at the repository root, once. Its output goes to a log file, not into the report. */
export function measureTestSuite(logFile: string): TestSuiteMeasurement {
  const started = performance.now();
  const child = spawnSync("pnpm", ["test"], {
    cwd: repositoryRoot,
    env: { ...process.env, CI: "1", CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  if (child.error) throw new Error(`cannot run pnpm test: ${child.error.message}`);
  writeFileSync(logFile, `${child.stdout}\n${child.stderr}`);
  return { ms, exitCode: child.status ?? 1 };
}
