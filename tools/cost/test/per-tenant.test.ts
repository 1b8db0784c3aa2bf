import { parseDeployment } from "@gpp/deployment";
import { describe, expect, it } from "vitest";
import { estimateBaseline } from "../src/estimate";
import { onScheduleHoursPerMonth } from "../src/off-hours";
import { formatTenantCosts, perTenantCosts, splitCents, tenantRequests } from "../src/per-tenant";
import { HOURS_PER_MONTH, PRICES } from "../src/prices";
import { synthesizeDeployment } from "../src/synth";

const HEAD = "deployment_id: gpp0\nenv: dev\nregion: eu-west-1\n";
const priced = (text: string) => {
  const deployment = parseDeployment(text, "gpp0.yaml");
  const { iac, helm } = synthesizeDeployment(deployment);
  const estimate = estimateBaseline(deployment, iac, helm);
  return { deployment, helm, estimate, view: perTenantCosts(deployment, estimate, helm) };
};
const cents = (usd: number) => Math.round(usd * 100);
const p = PRICES["eu-west-1"]!;

// One synth each: a mixed deployment (a big shared tenant, a small one, a dedicated one) and the same
// without the off-hours schedule.
const mixedText = `${HEAD}tenants:\n  - id: small\n  - id: big\n    values:\n      resources:\n        requests: {cpu: 200m, memory: 128Mi}\n        limits: {cpu: 500m, memory: 256Mi}\n  - id: solo\n    isolation: dedicated\n`;
const mixed = priced(mixedText);
const alwaysOn = priced(mixedText.replace(HEAD, `${HEAD}scaling: {off_hours: false}\n`));
const row = (view: typeof mixed.view, tenant: string) => view.tenants.find((t) => t.tenant === tenant)!;

describe("the per-tenant view", () => {
  it("adds up to the deployment's total, to the cent", () => {
    for (const { view, estimate } of [mixed, alwaysOn]) {
      expect(view.tenants.reduce((a, t) => a + cents(t.totalUsd), 0)).toBe(cents(estimate.totalUsd));
      expect(view.unallocatedUsd).toBe(0);
      for (const t of view.tenants) expect(cents(t.sharedPoolUsd) + cents(t.dedicatedPoolUsd) + cents(t.platformUsd) + cents(t.availabilityUsd)).toBe(cents(t.totalUsd));
    }
  });

  it("charges a dedicated pool in full to its tenant and nothing of the shared pool", () => {
    const solo = row(mixed.view, "solo");
    const poolLines = mixed.estimate.lines.filter((l) => l.allocation.kind === "dedicated");
    expect(poolLines.map((l) => l.item)).toEqual(["Dedicated pool solo: nodes (EC2)", "Dedicated pool solo: Auto Mode fee", "Dedicated pool solo: volumes (EBS gp3)"]);
    expect(cents(solo.dedicatedPoolUsd)).toBe(poolLines.reduce((a, l) => a + cents(l.monthlyUsd), 0));
    expect(solo.sharedPoolUsd).toBe(0);
    expect(row(mixed.view, "small").dedicatedPoolUsd).toBe(0);
  });

  it("splits the shared pool by requested CPU and memory, the entry point's part into the platform share", () => {
    const small = row(mixed.view, "small");
    const big = row(mixed.view, "big");
    // small: 3 x (50m, 32Mi); big: 3 x (200m, 128Mi): four times as much of both.
    expect(small.requests).toEqual({ cpu: 0.15000000000000002, memory: 3 * 32 * 1024 ** 2 });
    expect(big.sharedPoolUsd / small.sharedPoolUsd).toBeCloseTo(4, 1);
    const pool = mixed.estimate.lines.filter((l) => l.allocation.kind === "shared pool").reduce((a, l) => a + cents(l.monthlyUsd), 0);
    // Traefik's 3 x (100m, 128Mi) keeps the rest of the pool.
    expect(cents(small.sharedPoolUsd) + cents(big.sharedPoolUsd)).toBeLessThan(pool);
    expect(cents(small.sharedPoolUsd) + cents(big.sharedPoolUsd)).toBeGreaterThan(pool / 2);
  });

  it("splits the platform share evenly", () => {
    const shares = mixed.view.tenants.map((t) => cents(t.platformUsd));
    expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
  });

  it("prints a row per tenant and the total", () => {
    const text = formatTenantCosts(mixed.view);
    for (const t of ["small", "big", "solo"]) expect(text).toMatch(new RegExp(`\\n  ${t} `));
    expect(text).toContain(`$${mixed.estimate.totalUsd.toFixed(2)}`);
  });

  it("leaves everything to no tenant when there is none", () => {
    const empty = priced(HEAD);
    expect(empty.view.tenants).toEqual([]);
    expect(empty.view.unallocatedUsd).toBe(empty.estimate.totalUsd);
  });
});

describe("the fixed costs the baseline now counts", () => {
  it("prices the Prometheus collector for every hour it runs", () => {
    expect(mixed.estimate.lines.find((l) => l.item === "Prometheus collector (AMP scraper)")).toMatchObject({
      quantity: 1,
      hours: HOURS_PER_MONTH,
      monthlyUsd: Math.round(p.ampCollectorHour * HOURS_PER_MONTH * 100) / 100,
    });
  });

  it("prices a dedicated pool's nodes for the schedule's hours only, and all month without one", () => {
    const nodes = (e: typeof mixed.estimate) => e.lines.find((l) => l.item === "Dedicated pool solo: nodes (EC2)")!;
    expect(nodes(mixed.estimate)).toMatchObject({ quantity: 3, hours: 260.71 });
    expect(nodes(alwaysOn.estimate)).toMatchObject({ quantity: 3, hours: HOURS_PER_MONTH });
    expect(mixed.estimate.totalUsd).toBeLessThan(alwaysOn.estimate.totalUsd);
  });
});

describe("hours tenants run under an off-hours schedule", () => {
  it("is 12 hours on 5 days a week for the default schedule: 60/168 of a month", () => {
    expect(onScheduleHoursPerMonth({ timezone: "UTC", scale_up: "0 7 * * 1-5", scale_down: "0 19 * * 1-5" })).toBe(Math.round(((60 * 730) / 168) * 100) / 100);
  });

  it("follows the schedule, in its time zone, and a window that opens while tenants are up", () => {
    expect(onScheduleHoursPerMonth({ timezone: "Europe/Amsterdam", scale_up: "30 6 * * 1-5", scale_down: "0 20 * * 1-5" })).toBe(Math.round(((67.5 * 730) / 168) * 100) / 100);
    // Up Sunday 22:00 to Friday 18:00: 116 hours a week, the window opening (Monday 00:00) while up.
    expect(onScheduleHoursPerMonth({ timezone: "UTC", scale_up: "0 22 * * 0", scale_down: "0 18 * * 5" })).toBe(Math.round(((116 * 730) / 168) * 100) / 100);
  });
});

describe("splitting cents", () => {
  it("adds up exactly and follows the weights", () => {
    expect(splitCents(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(splitCents(1001, [3, 1])).toEqual([751, 250]);
    expect(splitCents(5, [0, 0])).toEqual([3, 2]);
  });
});

describe("the per-tenant view in both tenant-delivery modes", () => {
  it("costs argocd-mode tenants from the values their Applications carry, the same as terraform mode's releases", () => {
    const gitops = `gitops:\n  engine: argocd\n  repo_url: https://github.com/example/gpp-platform.git\n  revision: v1.0.0\n`;
    const argo = priced(mixedText.replace(HEAD, `${HEAD}${gitops}`));
    // The stacks priced() synthesized: a synth again would only repeat them.
    expect(tenantRequests(argo.helm)).toEqual(tenantRequests(mixed.helm));
    for (const tenant of ["small", "big"]) {
      expect(row(argo.view, tenant).requests.cpu).toBeGreaterThan(0);
      expect(row(argo.view, tenant).sharedPoolUsd).toBeGreaterThan(0);
    }
    expect(row(argo.view, "big").sharedPoolUsd).toBeGreaterThan(row(argo.view, "small").sharedPoolUsd);
  });
});
