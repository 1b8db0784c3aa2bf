/** The measurements. Each synthesis runs in a fresh child process; the offline plan runs in this one. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { measureInChild } from "@gpp/measure";

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

export type PlanMeasurement =
  | { readonly skipped: false; readonly stackName: string; readonly awsVersion: string; readonly samplesMs: number[]; readonly changes: number }
  | { readonly skipped: true; readonly reason: string };

/** terraform init + validate + plan of the default iac stack against the local provider mirror. */
export async function measureOfflinePlan(runs: number, onRun: (ms: number) => void): Promise<PlanMeasurement> {
  const { findOfflineTools } = await import("iac/plan-tools");
  const tools = findOfflineTools();
  if (!tools.ok) return { skipped: true, reason: tools.reason };
  const { offlinePlan } = await import("iac/plan");
  const { withSynthesizedDeployment } = await import("@gpp/synth");
  const { loadDefaultDeployment } = await import("@gpp/deployment");
  const deployment = loadDefaultDeployment();
  // offlinePlan copies the JSON into a folder of its own, so the synthesized folder can go at once.
  const { name, json } = withSynthesizedDeployment(deployment, ({ iac }) => iac);
  const samplesMs: number[] = [];
  let changes = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = await offlinePlan(name, json, tools);
    const ms = performance.now() - started;
    changes = result.plan.resource_changes.length;
    samplesMs.push(ms);
    onRun(ms);
  }
  return { skipped: false, stackName: name, awsVersion: tools.awsVersion, samplesMs, changes };
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
