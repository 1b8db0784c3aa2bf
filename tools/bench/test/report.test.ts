import { describe, expect, it } from "vitest";
import type { BenchResults } from "../src/report";
import { renderReport } from "../src/report";

const sample = (synthMs: number, maxRssMb: number) => ({ synthMs, maxRssMb, processMs: synthMs + 400 });

const run = (ms: number, maxRssMb: number | undefined) => ({ ms, maxRssMb });
const floor = [run(90, 40), run(95, 40), run(85, 40)];

const results = (overrides: Partial<BenchResults> = {}): BenchResults => ({
  date: new Date("2026-02-03T04:05:06Z"),
  machine: { cores: 2, cpuModel: "Test CPU", memoryGiB: 7.8, node: "v20.20.2", os: "Debian GNU/Linux 12 (bookworm)" },
  synthRuns: 3,
  command: { synth: [run(900, 118), run(800, 120), run(1000, 119)], floor },
  synth: { iac: [sample(1500, 200), sample(1300, 180), sample(1900, 240)], helm: [sample(900, 150), sample(800, 140), sample(1000, 160)] },
  tenantRuns: 1,
  tenants: [[{ tenants: 10, ms: 300, maxRssMb: 160 }], [{ tenants: 100, ms: 2000, maxRssMb: 170 }], [{ tenants: 500, ms: 9000, maxRssMb: 210 }]],
  plan: { skipped: true, reason: "terraform is not on PATH" },
  tests: { ms: 95_000, exitCode: 0 },
  ci: { skipped: "`pnpm bench --skip-ci` was used." },
  ...overrides,
});

describe("renderReport", () => {
  it("states the machine, the date and the run counts", () => {
    const text = renderReport(results());
    expect(text).toContain("Test CPU, 2 cores");
    expect(text).toContain("7.8 GiB");
    expect(text).toContain("v20.20.2");
    expect(text).toContain("Debian GNU/Linux 12");
    expect(text).toContain("Measured on 2026-02-03");
    expect(text).toContain("median of 3 runs");
  });

  it("reports medians against the iac targets", () => {
    const text = renderReport(results());
    expect(text).toContain("| `iac` | 1500 ms | 1300 ms – 1900 ms | 200 MB | 1900 ms | < 2000 ms: within target; < 250 MB: within target |");
    const over = renderReport(results({ synth: { iac: [sample(2500, 300)], helm: [sample(900, 150)] } }));
    expect(over).toContain("< 2000 ms: OVER TARGET; < 250 MB: OVER TARGET");
  });

  it("calls the tenant curve near-linear only while an added tenant costs about the same", () => {
    expect(renderReport(results())).toContain("Verdict: near-linear");
    const quadratic = results({
      tenants: [10, 100, 500].map((tenants) => [{ tenants, ms: tenants * tenants, maxRssMb: 1 }]),
    });
    expect(renderReport(quadratic)).toContain("Verdict: NOT near-linear");
  });

  it("gives the reason a skipped plan was skipped, and a failing suite's exit code", () => {
    const text = renderReport(results({ tests: { ms: 60_000, exitCode: 1 } }));
    expect(text).toContain("Skipped: terraform is not on PATH.");
    expect(text).toContain("exit code 1");
  });
});

describe("the targets of issue 13", () => {
  const row = (text: string, figure: string) => text.split("\n").find((line) => line.startsWith(`| ${figure} |`));

  it("gives pnpm synth's median, range, target, the node floor and the ratio to the target", () => {
    const text = renderReport(results());
    expect(row(text, "`pnpm synth`, wall time")).toBe("| `pnpm synth`, wall time | 900 ms | 800 ms – 1000 ms | <= 1 s | 90 ms (`node -e 0`) | 0.90x | within target |");
    expect(row(text, "`pnpm synth`, peak RSS")).toBe("| `pnpm synth`, peak RSS | 119 MB | 118 MB – 120 MB | <= 150 MB | 40 MB (`node -e 0`) | 0.79x | within target |");
  });

  it("counts a figure at its target as within it, and one past it as over, in time and in memory", () => {
    const at = renderReport(results({ command: { synth: [run(1000, 150)], floor } }));
    expect(row(at, "`pnpm synth`, wall time")).toContain("| 1.00x | within target |");
    expect(row(at, "`pnpm synth`, peak RSS")).toContain("| 1.00x | within target |");
    const over = renderReport(results({ command: { synth: [run(1200, 160)], floor } }));
    expect(row(over, "`pnpm synth`, wall time")).toContain("| 1.20x | OVER TARGET |");
    expect(row(over, "`pnpm synth`, peak RSS")).toContain("| 1.07x | OVER TARGET |");
  });

  it("says why a figure was not measured instead of giving a number", () => {
    const text = renderReport(results({ command: { synth: [run(900, undefined)], floor: [run(90, undefined)] } }));
    expect(row(text, "`pnpm synth`, peak RSS")).toContain("not measured: GNU time (/usr/bin/time) is not installed");
    expect(row(text, "`pnpm plan`, wall time")).toContain("not measured: terraform is not on PATH");
    expect(row(text, "`bash .ci/run` in a fresh clone, wall time")).toContain("not measured: `pnpm bench --skip-ci` was used.");
  });

  it("rates pnpm plan and the fresh-clone CI run against 8 s and 90 s, and marks a failed CI run", () => {
    const text = renderReport(
      results({
        plan: { skipped: false, stackName: "dev-iac-gpp0", awsVersion: "5.100.0", samples: [run(19_800, 300), run(20_800, 300), run(19_600, 300)] },
        ci: { ms: 300_000, exitCode: 0, commit: "0123456789abcdef" },
      }),
    );
    expect(row(text, "`pnpm plan`, wall time")).toBe("| `pnpm plan`, wall time | 19.8 s | 19.6 s – 20.8 s | <= 8 s | none | 2.48x | OVER TARGET |");
    expect(row(text, "`bash .ci/run` in a fresh clone, wall time")).toBe("| `bash .ci/run` in a fresh clone, wall time | 300.0 s | 1 run | <= 90 s | none | 3.33x | OVER TARGET |");
    expect(text).toContain("ran at commit 0123456789ab.");
    const failed = renderReport(results({ ci: { ms: 60_000, exitCode: 1, commit: "0123456789abcdef" } }));
    expect(failed).toContain("| `bash .ci/run` in a fresh clone, wall time (FAILED, exit 1) | 60.0 s |");
  });
});

describe("the tenant-delivery section", () => {
  const modes = (argocd: (n: number) => number) =>
    [10, 1000].flatMap((tenants) => [
      { tenants, mode: "terraform" as const, ms: tenants, resources: 4 * tenants + 10 },
      { tenants, mode: "argocd" as const, ms: 5, resources: argocd(tenants), applicationSetBytes: tenants * 800 },
    ]);
  it("calls argocd mode constant only when its resource count is the same at every size", () => {
    expect(renderReport(results({ tenantModes: modes(() => 13) }))).toContain("Verdict: argocd mode holds 13 Terraform resources at every size");
    expect(renderReport(results({ tenantModes: modes((n) => (n > 100 ? 14 : 13)) }))).toContain("is NOT constant");
  });
  it("leaves the section out of results without delivery modes", () => {
    expect(renderReport(results())).not.toContain("tenant-delivery mode");
  });
});
