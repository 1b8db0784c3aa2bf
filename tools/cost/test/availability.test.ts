// The availability alarm: what it costs, and (below) that its tenant label matches the chart. One file, so
// one worker: each test file gets a worker of its own, which loads cdktf and the stacks' sources again.
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
import { formatTenantCosts, perTenantCosts, tenantReleaseValues } from "../src/per-tenant";
import { HOURS_PER_MONTH, PRICES } from "../src/prices";
import { synthesizeDeployment } from "../src/synth";

const withTenants = (n: number) => {
  const ids = Array.from({ length: n }, (_, i) => `t${i}`);
  const deployment = parseDeployment(`deployment_id: av01\nenv: dev\nregion: eu-west-1\ntenants:\n${ids.map((id) => `  - id: ${id}\n`).join("")}`, "av01.yaml");
  const stacks = synthesizeDeployment(deployment);
  const estimate = estimateBaseline(deployment, stacks.iac, stacks.helm);
  return { deployment, stacks, estimate, view: perTenantCosts(deployment, estimate, stacks.helm) };
};
const cents = (usd: number) => Math.round(usd * 100);
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
