// The per-tenant view, and the tenant availability alarm: what it costs per tenant and that its tenant label
// matches the chart. One file, so one worker: each test file gets a worker of its own, which loads cdktf,
// the provider bindings and the stacks' sources again.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseDeployment } from "@gpp/deployment";
import { CHART_DIR } from "helm/chart-values";
import { resolveHelm } from "helm/tools";
import { tenantServiceLabel, traefikIngressServiceLabel } from "iac/tenant-availability";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { availabilityUsage } from "../src/availability";
import { estimateBaseline, formatEstimate } from "../src/estimate";
import { onScheduleHoursPerMonth } from "../src/off-hours";
import { formatTenantCosts, perTenantCosts, splitCents, tenantReleaseValues, tenantRequests } from "../src/per-tenant";
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

// The tenant availability alarm.
const withTenants = (n: number) => {
  const ids = Array.from({ length: n }, (_, i) => `t${i}`);
  const deployment = parseDeployment(`deployment_id: av01\nenv: dev\nregion: eu-west-1\ntenants:\n${ids.map((id) => `  - id: ${id}\n`).join("")}`, "av01.yaml");
  const stacks = synthesizeDeployment(deployment);
  const estimate = estimateBaseline(deployment, stacks.iac, stacks.helm);
  return { deployment, stacks, estimate, view: perTenantCosts(deployment, estimate, stacks.helm) };
};
const one = withTenants(1);
const fifty = withTenants(50);
const alarmLines = (e: typeof one.estimate) => e.lines.filter((l) => l.allocation.kind === "tenants");

describe("the tenant availability alarm's cost", () => {
  it("is two usage lines that grow with the tenant count while the resources stay the same", () => {
    const [a, b] = [availabilityUsage(one.stacks.iac, one.stacks.helm)!, availabilityUsage(fifty.stacks.iac, fifty.stacks.helm)!];
    expect([a.tenants, b.tenants]).toEqual([1, 50]);
    expect(b.querySamples / a.querySamples).toBeCloseTo(50, 6);
    expect(b.recordedSamples / a.recordedSamples).toBeCloseTo(50, 6);
    expect(alarmLines(fifty.estimate).map((l) => l.item)).toEqual(["Availability rules: samples read", "Availability rules: samples written"]);
    const count = (iac: Record<string, unknown>, type: string) => Object.keys(((iac.resource as Record<string, object>)[type] ?? {}) as object).length;
    for (const type of ["aws_prometheus_rule_group_namespace", "aws_prometheus_alert_manager_definition"]) {
      expect([count(one.stacks.iac, type), count(fifty.stacks.iac, type)]).toEqual([1, 1]);
    }
  });

  it("reads its counts from the stacks: the rule group's interval, the scrape interval and Traefik's replicas", () => {
    const usage = availabilityUsage(one.stacks.iac, one.stacks.helm)!;
    expect(usage.evaluationsPerMonth).toBe(HOURS_PER_MONTH * 60);
    expect(usage.traefikPods).toBe(3);
    // No rule group, no line.
    expect(availabilityUsage({ resource: {} }, one.stacks.helm)).toBeUndefined();
  });

  it("gives each tenant an equal share of it in the per-tenant view, adding up to the lines", () => {
    const total = alarmLines(fifty.estimate).reduce((a, l) => a + cents(l.monthlyUsd), 0);
    const shares = fifty.view.tenants.map((t) => cents(t.availabilityUsd));
    expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
    expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    expect(fifty.view.tenants.reduce((a, t) => a + cents(t.totalUsd), 0)).toBe(cents(fifty.estimate.totalUsd));
    expect(formatTenantCosts(fifty.view)).toMatch(/ alarm +total/);
  });

  it("says what a Synthetics canary per tenant host would cost instead, per tenant and in all", () => {
    const p = PRICES["eu-west-1"]!;
    const perTenant = ((HOURS_PER_MONTH * 60) / 5) * p.syntheticsCanaryRun;
    const text = formatEstimate(fifty.estimate);
    expect(text).toContain(`$${(perTenant * 50).toFixed(2)} a month ($${perTenant.toFixed(2)} per tenant)`);
    // The rules cost a small fraction of one canary for all fifty tenants together.
    expect(alarmLines(fifty.estimate).reduce((a, l) => a + l.monthlyUsd, 0)).toBeLessThan(perTenant);
  });

  it("assumes the tenant releases the iac rule's tenant label reads: release <id> in namespace tenant-<id>, chart names not overridden", () => {
    const byType = fifty.stacks.helm.resource as Record<string, Record<string, { name: string; namespace: string }>>;
    const releases = Object.values(byType.helm_release ?? {}).filter((r) => r.namespace.startsWith("tenant-"));
    expect(releases).toHaveLength(50);
    for (const release of releases) expect(release.namespace).toBe(`tenant-${release.name}`);
    for (const values of tenantReleaseValues(fifty.stacks.helm).values()) {
      expect(values).not.toHaveProperty("nameOverride");
      expect(values).not.toHaveProperty("fullnameOverride");
    }
  });
});

/**
 * The iac rule labels a tenant's alerts by reading the tenant id back out of Traefik's service label, which
 * iac models (`tenantServiceLabel`) from the chart's names. This renders the chart as the helm stack
 * releases it (`helm template` with each release's own values) and builds the label from the rendered
 * Ingress the way Traefik does, so a chart change that renames the Service or its port fails here.
 */
const helm = resolveHelm();
if (!helm.found) console.warn(`SKIPPED rendering the tenant chart: ${helm.reason}`);

type Manifest = { kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown> };
interface Backend {
  service: { name: string; port: { name?: string; number?: number } };
}

describe.runIf(helm.found)("the tenant label of the availability rule matches the chart as the helm stack releases it", () => {
  // Plain, dashed, containing the chart's name (the release name is then the full name), and the longest id.
  const ids = ["acme", "a-b", "my-tech-interview", "x".repeat(40)];
  const deployment = parseDeployment(`deployment_id: av03\nenv: dev\nregion: eu-west-1\ntenants:\n${ids.map((id) => `  - id: ${id}\n`).join("")}`, "av03.yaml");
  const stack = synthesizeDeployment(deployment).helm;
  const releases = Object.values((stack.resource as Record<string, Record<string, { name: string; namespace: string; values: string[] }>>).helm_release ?? {});
  const workDir = mkdtempSync(path.join(tmpdir(), "availability-names-"));

  it.each(ids)("%s: the rendered Ingress's backend gives the service label iac reads the id from", (id) => {
    const release = releases.find((r) => r.namespace === `tenant-${id}`)!;
    expect(release.name).toBe(id);
    const valuesFile = path.join(workDir, `${id}.json`);
    writeFileSync(valuesFile, release.values[0] ?? "{}");
    const run = spawnSync((helm as { path: string }).path, ["template", release.name, CHART_DIR, "--namespace", release.namespace, "-f", valuesFile], { encoding: "utf8", timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const manifests = parseAllDocuments(run.stdout).map((d) => d.toJS() as Manifest | null).filter((m): m is Manifest => m !== null);
    const ingress = manifests.find((m) => m.kind === "Ingress")!;
    const rules = (ingress.spec as { rules: { http: { paths: { backend: Backend }[] } }[] }).rules;
    const backends = rules.flatMap((rule) => rule.http.paths.map((p) => p.backend.service));
    expect(backends).toHaveLength(1);
    const [backend] = backends;
    // The backend is the chart's Service.
    expect(manifests.some((m) => m.kind === "Service" && m.metadata.name === backend!.name)).toBe(true);
    const port = backend!.port.name ?? String(backend!.port.number);
    expect(traefikIngressServiceLabel(release.namespace, backend!.name, port)).toBe(tenantServiceLabel(id));
  });
});
