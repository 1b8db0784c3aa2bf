/** docs/benchmarks.md from the measurements. */
import type { Machine } from "./machine";
import type { CommandFigures } from "./command";
import type { CiMeasurement, PlanMeasurement, SynthSample, TenantModeSample, TenantSample, TestSuiteMeasurement } from "./measure";
import { formatDuration, formatMegabytes, formatRatio, linearityRatio, marginalCosts, markdownTable, median, verdict, verdictAtMost } from "./stats";

/**
 * Near-linear: the cost of one more tenant at the largest size is under twice what it is at the smallest.
 * Issue 13 ("Speed"): `pnpm synth` of the default deployment <= 1 s and <= 150 MB, `pnpm plan` <= 8 s,
 * `bash .ci/run` in a fresh clone (warm package store) <= 90 s.
 */
export const TARGETS = { iacSynthMs: 2000, iacSynthMb: 250, tenantLinearity: 2, pnpmSynthMs: 1000, pnpmSynthMb: 150, pnpmPlanMs: 8000, ciRunMs: 90_000 } as const;

export interface BenchResults {
  readonly date: Date;
  readonly machine: Machine;
  readonly synthRuns: number;
  /** `pnpm synth` end to end and the floor `node -e 0`, run for run. */
  readonly command: Readonly<Record<"synth" | "floor", readonly CommandFigures[]>>;
  readonly synth: Readonly<Record<"iac" | "helm", readonly SynthSample[]>>;
  readonly tenantRuns: number;
  readonly tenants: readonly (readonly TenantSample[])[];
  /** One synth per size and tenant-delivery mode; absent in reports made before the modes existed. */
  readonly tenantModes?: readonly TenantModeSample[];
  readonly plan: PlanMeasurement;
  readonly tests: TestSuiteMeasurement | { readonly skipped: string };
  readonly ci: CiMeasurement;
}

const range = (values: readonly number[], fmt: (n: number) => string) => `${fmt(Math.min(...values))} – ${fmt(Math.max(...values))}`;

/** One row of the targets table: figure, median, range, target, floor, median / target, verdict. */
function targetRow(figure: string, values: readonly number[], fmt: (n: number) => string, limit: number, floor?: string): string[] {
  const value = median(values);
  return [figure, fmt(value), values.length > 1 ? range(values, fmt) : "1 run", targetText(limit, fmt), floor ?? "none", formatRatio(value / limit), verdictAtMost(value, limit)];
}

/** The target as the issue states it: `<= 1 s`, `<= 150 MB`. */
const targetText = (limit: number, fmt: (n: number) => string) => `<= ${fmt === formatDuration ? `${limit / 1000} s` : fmt(limit)}`;

const notMeasured = (figure: string, target: string, why: string): string[] => [figure, `not measured: ${why}`, "", target, "", "", ""];

function targetsSection(results: BenchResults): string[] {
  const { synth, floor } = results.command;
  const rss = synth.map((s) => s.maxRssMb).filter((mb): mb is number => mb !== undefined);
  const floorRss = floor.map((s) => s.maxRssMb).filter((mb): mb is number => mb !== undefined);
  const nodeFloor = (text: string) => `${text} (\`node -e 0\`)`;
  const rows = [
    targetRow("`pnpm synth`, wall time", synth.map((s) => s.ms), formatDuration, TARGETS.pnpmSynthMs, nodeFloor(formatDuration(median(floor.map((s) => s.ms))))),
    rss.length === synth.length
      ? targetRow("`pnpm synth`, peak RSS", rss, formatMegabytes, TARGETS.pnpmSynthMb, floorRss.length ? nodeFloor(formatMegabytes(median(floorRss))) : undefined)
      : notMeasured("`pnpm synth`, peak RSS", targetText(TARGETS.pnpmSynthMb, formatMegabytes), "GNU time (/usr/bin/time) is not installed"),
    results.plan.skipped
      ? notMeasured("`pnpm plan`, wall time", targetText(TARGETS.pnpmPlanMs, formatDuration), results.plan.reason)
      : targetRow("`pnpm plan`, wall time", results.plan.samples.map((s) => s.ms), formatDuration, TARGETS.pnpmPlanMs),
    "skipped" in results.ci
      ? notMeasured("`bash .ci/run` in a fresh clone, wall time", targetText(TARGETS.ciRunMs, formatDuration), results.ci.skipped)
      : targetRow(`\`bash .ci/run\` in a fresh clone, wall time${results.ci.exitCode === 0 ? "" : ` (FAILED, exit ${results.ci.exitCode})`}`, [results.ci.ms], formatDuration, TARGETS.ciRunMs),
  ];
  return [
    "## Targets",
    "",
    "The figures issue 13 sets a target for, each timed from outside as a whole command, as a user or CI runs it.",
    `\`pnpm synth\` writes both stacks of the default deployment (\`GPP_DEPLOYMENT=gpp0\`): one warm-up run (which also rebuilds the synth`,
    `bundle if a source changed), then ${synth.length} run${synth.length === 1 ? "" : "s"}, each followed by one of the floor \`node -e 0\`, the cost of starting Node at all.`,
    "Peak RSS is that of the largest process in the command's tree (GNU time's `%M`). `pnpm plan` plans the same deployment",
    `offline (synth, \`terraform init\` and \`plan\`, which validates first, on one provider process). \`bash .ci/run\` runs in a fresh clone of the committed HEAD with \`CI=true\`,`,
    "on this machine's already-warm package store, once. Ratio: median / target (at most 1 is within target).",
    "",
    markdownTable(["figure", "median", "range", "target", "floor", "ratio", "verdict"], rows),
    "",
    ...("skipped" in results.ci ? [] : [`\`bash .ci/run\` ran at commit ${results.ci.commit.slice(0, 12)}.`, ""]),
  ];
}

const synthRow = (pkg: "iac" | "helm", samples: readonly SynthSample[]): string[] => {
  const ms = median(samples.map((s) => s.synthMs));
  const mb = median(samples.map((s) => s.maxRssMb));
  const target = pkg === "iac" ? `< ${formatDuration(TARGETS.iacSynthMs)}: ${verdict(ms, TARGETS.iacSynthMs)}; < ${TARGETS.iacSynthMb} MB: ${verdict(mb, TARGETS.iacSynthMb)}` : "none";
  return [
    `\`${pkg}\``,
    formatDuration(ms),
    range(samples.map((s) => s.synthMs), formatDuration),
    formatMegabytes(mb),
    formatDuration(median(samples.map((s) => s.processMs))),
    target,
  ];
};

/** Terraform resources of the helm stack per tenant-delivery mode: 4N + c against a constant. */
function deliveryModeSection(samples: readonly TenantModeSample[]): string[] {
  if (samples.length === 0) return [];
  const argocd = samples.filter((s) => s.mode === "argocd").map((s) => s.resources);
  const constant = argocd.length > 0 && argocd.every((r) => r === argocd[0]);
  return [
    "## helm: Terraform resources by tenant-delivery mode",
    "",
    "The same script with `--mode terraform` (one `helm_release`, namespace, quota and limit range per tenant) and `--mode argocd`",
    "(Argo CD and one ApplicationSet for every tenant; docs/scaling.md), one run per size and mode: the resource counts are exact,",
    "the times only show the shape.",
    "",
    markdownTable(
      ["tenants", "mode", "Terraform resources", "synth", "ApplicationSet"],
      samples.map((s) => [
        String(s.tenants),
        s.mode,
        String(s.resources),
        formatDuration(s.ms),
        s.applicationSetBytes === undefined ? "" : `${(s.applicationSetBytes / 1024).toFixed(0)} KiB`,
      ]),
    ),
    "",
    constant
      ? `Verdict: argocd mode holds ${argocd[0]} Terraform resources at every size; terraform mode grows by 4 per tenant.`
      : "Verdict: argocd mode's Terraform resource count is NOT constant in the number of tenants.",
    "",
  ];
}

export function renderReport(results: BenchResults): string {
  const { machine } = results;
  const tenantPoints = results.tenants.map((samples) => ({
    size: samples[0]?.tenants ?? 0,
    ms: median(samples.map((s) => s.ms)),
    mb: median(samples.map((s) => s.maxRssMb)),
  }));
  const marginal = marginalCosts(tenantPoints);
  const linearity = linearityRatio(tenantPoints);
  const largest = tenantPoints.at(-1);

  const plan = results.plan.skipped
    ? `Skipped: ${results.plan.reason}.`
    : [
        `\`pnpm plan\` with \`GPP_DEPLOYMENT=gpp0\`, end to end: synthesis of \`${results.plan.stackName}\`, then \`terraform init\` and \`plan\` (which validates first) on one provider process`,
        `against the local hashicorp/aws ${results.plan.awsVersion} mirror, median of ${results.plan.samples.length} runs:`,
        `**${formatDuration(median(results.plan.samples.map((s) => s.ms)))}** (runs: ${results.plan.samples.map((s) => formatDuration(s.ms)).join(", ")}).`,
      ].join("\n");

  const tests =
    "skipped" in results.tests
      ? `Not measured in this run: ${results.tests.skipped}`
      : [
          `\`pnpm test\` at the repository root (one vitest run over every package as projects, four workers; \`vitest.config.mts\`),`,
          `1 run, because it is long and its parts are measured above:`,
          `**${formatDuration(results.tests.ms)}**, ${results.tests.exitCode === 0 ? "all passing" : `exit code ${results.tests.exitCode} (some tests failed; the time is still the suite's)`}.`,
        ].join("\n");

  return [
    "# Benchmarks",
    "",
    "<!-- Written by `pnpm bench` (tools/bench). Re-run it to refresh; the numbers are this machine's, not a test. -->",
    "",
    `Measured on ${results.date.toISOString().slice(0, 10)} by \`pnpm bench\` (\`pnpm --filter @gpp/bench bench\`). These are measurements, not`,
    "tests: machines differ, so nothing fails on a slow run; compare numbers from the same machine.",
    "",
    "## Machine",
    "",
    markdownTable(
      ["", ""],
      [
        ["CPU", `${machine.cpuModel}, ${machine.cores} cores`],
        ["memory", `${machine.memoryGiB} GiB`],
        ["OS", machine.os],
        ["Node", machine.node],
      ],
    ),
    "",
    ...targetsSection(results),
    "## Synthesis of the default deployment per package (`deployments/gpp0.yaml`)",
    "",
    `Each run is a fresh Node process that imports the package's stack code and synthesizes one stack into a temporary`,
    `folder; peak memory is that process's \`process.resourceUsage().maxRSS\`. One warm-up run per package is discarded,`,
    `then the median of ${results.synthRuns} runs. "load + synth" is timed inside the process (from before the stack modules are imported`,
    `to the end of \`app.synth()\`); "whole process" adds Node and tsx start-up. Targets: iac synth < 2 s and < 250 MB.`,
    "",
    markdownTable(
      ["package", "load + synth (median)", "range", "peak RSS (median)", "whole process (median)", "target"],
      [synthRow("iac", results.synth.iac), synthRow("helm", results.synth.helm)],
    ),
    "",
    "## helm: tenant scaling",
    "",
    `\`helm/scripts/bench-tenants.ts\` (its \`--child <n>\` mode) synthesizes the helm stack of a generated deployment with n tenants`,
    `in a fresh process; median of ${results.tenantRuns} runs per size. Target: near-linear in tenants. Time per tenant falls`,
    "with size because start-up is a fixed cost, so the test is the cost of each *added* tenant between sizes: it should stay",
    `roughly flat (target: the last interval under ${TARGETS.tenantLinearity}x the first).`,
    "",
    markdownTable(
      ["tenants", "synth (median)", "per tenant", "per added tenant since previous size", "peak RSS (median)"],
      tenantPoints.map((p, i) => [
        String(p.size),
        formatDuration(p.ms),
        `${(p.ms / p.size).toFixed(2)} ms`,
        i === 0 ? "" : `${(marginal[i - 1] ?? 0).toFixed(2)} ms`,
        formatMegabytes(p.mb),
      ]),
    ),
    "",
    largest && linearity !== undefined
      ? `Verdict: ${linearity < TARGETS.tenantLinearity ? "near-linear" : "NOT near-linear"} (an added tenant costs ${linearity.toFixed(2)}x as much at the last interval as at the first; ${largest.size} tenants take ${formatDuration(largest.ms)}).`
      : "Too few tenant sizes were measured for a verdict.",
    "",
    ...deliveryModeSection(results.tenantModes ?? []),
    "## Offline plan",
    "",
    plan,
    "",
    "## Full test suite",
    "",
    tests,
    "",
    "## Reproduce",
    "",
    "```sh",
    "pnpm bench                                   # everything, a few minutes on 2 cores",
    "pnpm bench --skip-tests --skip-ci           # without the full test suite and the fresh-clone CI run",
    "pnpm --filter @gpp/bench bench --runs 9 --plan-runs 5",
    "```",
    "",
  ].join("\n");
}
