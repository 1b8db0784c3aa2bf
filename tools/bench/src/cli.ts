/**
 * `pnpm --filter @gpp/bench bench` (root: `pnpm bench`): measures this machine and writes
 * docs/benchmarks.md. Options: --runs <n> (synth and tenant runs, default 5 and 3), --plan-runs <n>
 * (default 3), --skip-tests (do not time the full `pnpm test`, which runs once and takes minutes),
 * --skip-ci (do not time `bash .ci/run` in a fresh clone, which runs the suite too), --out <file>.
 */
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { writeFileAtomically } from "@gpp/files/atomic-write";
import { describeMachine } from "./machine";
import type { CommandSample } from "./command";
import { measureCiRun, measurePnpmPlan, measureTestSuite, nodeFloorOnce, pnpmSynthOnce, repositoryRoot, synthOnce, tenantModeOnce, tenantsOnce, type SynthSample, type TenantModeSample, type TenantSample } from "./measure";
import { renderReport } from "./report";
import { formatDuration, formatMegabytes } from "./stats";

export const TENANT_SIZES = [10, 100, 500] as const;
/** Sizes of the tenant-delivery comparison (issue 10: constant Terraform work in argocd mode). */
export const DELIVERY_MODE_SIZES = [10, 100, 500, 1000] as const;

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv[0] === "--" ? argv.slice(1) : argv,
    options: {
      runs: { type: "string" },
      "plan-runs": { type: "string" },
      "skip-tests": { type: "boolean", default: false },
      "skip-ci": { type: "boolean", default: false },
      out: { type: "string", default: path.join(repositoryRoot, "docs/benchmarks.md") },
    },
    strict: true,
  });
  const count = (name: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > 50) throw new UsageError(`--${name} must be a whole number from 1 to 50, got "${text}"`);
    return n;
  };
  return {
    synthRuns: count("runs", values.runs, 5),
    tenantRuns: count("runs", values.runs, 3),
    planRuns: count("plan-runs", values["plan-runs"], 3),
    withTests: !values["skip-tests"],
    withCi: !values["skip-ci"],
    out: path.resolve(values.out ?? ""),
  };
}

class UsageError extends Error {}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const machine = describeMachine();
  log(`Benchmarking on ${machine.cpuModel} (${machine.cores} cores), ${machine.memoryGiB} GiB, Node ${machine.node}`);

  // `pnpm synth` as a user types it, each run followed by the floor, so both see the same machine.
  const command = { synth: [] as CommandSample[], floor: [] as CommandSample[] };
  pnpmSynthOnce(); // warm-up: file-system cache, and the bundle rebuilt if a source changed
  for (let i = 0; i < opts.synthRuns; i++) {
    const sample = pnpmSynthOnce();
    command.synth.push(sample);
    command.floor.push(nodeFloorOnce());
    log(`  pnpm synth ${i + 1}/${opts.synthRuns}: ${formatDuration(sample.ms)}, ${sample.maxRssMb === undefined ? "peak RSS not measured" : formatMegabytes(sample.maxRssMb)}`);
  }

  const synth = { iac: [] as SynthSample[], helm: [] as SynthSample[] };
  for (const pkg of ["iac", "helm"] as const) {
    synthOnce(pkg); // warm-up: file-system cache and tsx's transform cache
    for (let i = 0; i < opts.synthRuns; i++) {
      const sample = synthOnce(pkg);
      synth[pkg].push(sample);
      log(`  ${pkg} synth ${i + 1}/${opts.synthRuns}: ${formatDuration(sample.synthMs)}, ${formatMegabytes(sample.maxRssMb)}`);
    }
  }

  const tenants: TenantSample[][] = [];
  for (const size of TENANT_SIZES) {
    const samples: TenantSample[] = [];
    for (let i = 0; i < opts.tenantRuns; i++) {
      const sample = tenantsOnce(size);
      samples.push(sample);
      log(`  helm ${size} tenants ${i + 1}/${opts.tenantRuns}: ${formatDuration(sample.ms)}, ${formatMegabytes(sample.maxRssMb)}`);
    }
    tenants.push(samples);
  }

  // Resource counts are exact, so one run per size and mode; the time is for the curve's shape only.
  const tenantModes: TenantModeSample[] = [];
  for (const size of DELIVERY_MODE_SIZES) {
    for (const mode of ["terraform", "argocd"] as const) {
      const sample = tenantModeOnce(size, mode);
      tenantModes.push(sample);
      log(`  helm ${size} tenants, ${mode} mode: ${sample.resources} resources, ${formatDuration(sample.ms)}`);
    }
  }

  const plan = await measurePnpmPlan(opts.planRuns, (sample) => log(`  pnpm plan: ${formatDuration(sample.ms)}`));
  if (plan.skipped) log(`  pnpm plan skipped: ${plan.reason}`);

  let tests: Parameters<typeof renderReport>[0]["tests"] = {
    skipped: "`pnpm bench --skip-tests` was used.",
  };
  if (opts.withTests) {
    const logFile = path.join(tmpdir(), "gpp-bench-pnpm-test.log");
    log(`  pnpm test (output in ${logFile}) ...`);
    const measured = measureTestSuite(logFile);
    log(`  pnpm test: ${formatDuration(measured.ms)}, exit ${measured.exitCode}`);
    tests = measured;
  }

  let ci: Parameters<typeof renderReport>[0]["ci"] = { skipped: "`pnpm bench --skip-ci` was used." };
  if (opts.withCi) {
    const logFile = path.join(tmpdir(), "gpp-bench-ci-run.log");
    log(`  bash .ci/run in a fresh clone (output in ${logFile}) ...`);
    try {
      ci = measureCiRun(logFile);
    } catch (error) {
      // Cloning failed: the report keeps every other figure and says why this one is missing.
      ci = { skipped: `the fresh clone could not be made: ${(error as Error).message.split("\n")[0]}` };
    }
    log("skipped" in ci ? `  bash .ci/run: ${ci.skipped}` : `  bash .ci/run: ${formatDuration(ci.ms)}, exit ${ci.exitCode}`);
  }

  const report = renderReport({ date: new Date(), machine, synthRuns: opts.synthRuns, command, synth, tenantRuns: opts.tenantRuns, tenants, tenantModes, plan, tests, ci });
  // An interrupted run never leaves half a report.
  writeFileAtomically(opts.out, report);
  log(`Written: ${opts.out}`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    log(`pnpm bench: ${(error as Error).message}`);
    process.exit(2);
  }
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
