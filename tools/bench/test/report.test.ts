import { describe, expect, it } from "vitest";
import type { BenchResults } from "../src/report";
import { renderReport } from "../src/report";

const sample = (synthMs: number, maxRssMb: number) => ({ synthMs, maxRssMb, processMs: synthMs + 400 });

const results = (overrides: Partial<BenchResults> = {}): BenchResults => ({
  date: new Date("2026-02-03T04:05:06Z"),
  machine: { cores: 2, cpuModel: "Test CPU", memoryGiB: 7.8, node: "v20.20.2", os: "Debian GNU/Linux 12 (bookworm)" },
  synthRuns: 3,
  synth: { iac: [sample(1500, 200), sample(1300, 180), sample(1900, 240)], helm: [sample(900, 150), sample(800, 140), sample(1000, 160)] },
  tenantRuns: 1,
  tenants: [[{ tenants: 10, ms: 300, maxRssMb: 160 }], [{ tenants: 100, ms: 2000, maxRssMb: 170 }], [{ tenants: 500, ms: 9000, maxRssMb: 210 }]],
  plan: { skipped: true, reason: "terraform is not on PATH" },
  tests: { ms: 95_000, exitCode: 0 },
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
