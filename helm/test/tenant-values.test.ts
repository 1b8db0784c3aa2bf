/**
 * resolveTenant: a tenant's values are merged with the chart's defaults once, and everything the stack
 * reads of a tenant (release values, problems, quota, pod requests, image repositories) comes from it.
 */
import { parseDeployment, type Deployment } from "@gpp/deployment";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as chartValues from "../src/chart-values";
import { INGRESS_CLASS, INGRESS_NAMESPACE } from "../src/stack";
import { traefikPodLabels } from "../src/ingress";
import { TENANT_LIMITS } from "../src/tenant-sizing";
import { resolveTenant } from "../src/tenant-values";
import { releaseValuesByNamespace, synthesize } from "./default-deployment";
import { tenantQuota } from "./tenant-quota";

// Every module of the stack imports the merge from chart-values: wrap it so each call is counted. (A
// merge inside chart-values itself would not go through the wrapper; that module only defines it.)
vi.mock("../src/chart-values", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../src/chart-values")>();
  return { ...actual, coalesceValues: vi.fn(actual.coalesceValues), withChartDefaults: vi.fn(actual.withChartDefaults) };
});

const FILE = "deployments/gpp0.yaml";
const GITOPS = "gitops:\n  engine: argocd\n  repo_url: https://github.com/example/gpp-platform.git\n  revision: 0578de0a1b2c3d4e5f60718293a4b5c6d7e8f901\n";
const TENANTS =
  "tenants:\n  - id: acme\n  - id: globex\n    isolation: dedicated\n    values: {autoscaling: {maxReplicas: 40}}\n  - id: initech\n    values: {helmTest: {image: {repository: example.org/busybox}}}\n";
const descriptor = (extra = ""): Deployment => parseDeployment(`deployment_id: gpp0\nenv: dev\nregion: eu-west-1\n${extra}${TENANTS}`, FILE);
const target = { className: INGRESS_CLASS, namespace: INGRESS_NAMESPACE, podLabels: traefikPodLabels(INGRESS_NAMESPACE) };

/** Merges with the chart's defaults as the base, whichever function did them. */
function chartDefaultMerges(values: typeof chartValues): number {
  const defaults = values.loadChartSchema().defaults;
  const direct = vi.mocked(values.coalesceValues).mock.calls.filter(([base]) => base === defaults).length;
  return direct + vi.mocked(values.withChartDefaults).mock.calls.length;
}

describe("a tenant's values", () => {
  beforeEach(() => {
    vi.mocked(chartValues.coalesceValues).mockClear();
    vi.mocked(chartValues.withChartDefaults).mockClear();
  });

  it.each([
    ["terraform", ""],
    ["argocd", GITOPS],
  ])("are merged with the chart's defaults once per tenant in %s mode", async (_mode, extra) => {
    // The helm project shares a worker's loaded modules between files (isolate: false), so another file may
    // have loaded the stack before this file's mock existed: load the stack, its imports and cdktf afresh,
    // through the mock.
    vi.resetModules();
    const values = await import("../src/chart-values");
    const { HelmStack: HelmStack } = await import("../src/stack");
    const { Testing: Testing } = await import("cdktf");
    const deployment = descriptor(extra);
    new HelmStack(Testing.app(), deployment);
    expect(chartDefaultMerges(values)).toBe(deployment.tenants.length);
  });

  it("reach the release unchanged: what resolveTenant returns is what helm_release carries", () => {
    const deployment = descriptor();
    const released = releaseValuesByNamespace(synthesize(deployment));
    deployment.tenants.forEach((tenant, i) => {
      const resolved = resolveTenant(deployment, tenant, i, target);
      expect(JSON.stringify(resolved.releaseValues)).toBe(JSON.stringify(released.get(`tenant-${tenant.id}`)));
      expect(resolved.releaseValues).toEqual(chartValues.tenantChartValues(deployment, tenant, target));
    });
  });

  it("size the tenant from the merge: quota, LimitRange, pod requests and both image repositories", () => {
    const deployment = descriptor();
    const [acme, globex, initech] = deployment.tenants.map((tenant, i) => resolveTenant(deployment, tenant, i, target));
    expect(globex?.sizing?.quota).toEqual(tenantQuota({ autoscaling: { enabled: true, maxReplicas: 40 } }));
    expect(globex?.sizing?.quota.pods).toBe(81);
    expect(acme?.sizing?.limits).toBe(TENANT_LIMITS);
    // The chart's default requests, which the release's values do not name.
    expect(acme?.sizing?.podRequests).toEqual({ cpu: "50m", memory: "32Mi" });
    expect(acme?.sizing?.chartValues.replicaCount).toBe(3);
    expect(initech?.sizing?.imageRepositories).toEqual(["gradyent/tech-interview", "example.org/busybox"]);
    expect(acme?.sizing?.imageRepositories).toEqual(["gradyent/tech-interview", "busybox"]);
  });

  it("that the chart's schema refuses are not sized, and their problems name tenants[i]", () => {
    const deployment = parseDeployment(`deployment_id: gpp0\nenv: dev\nregion: eu-west-1\ntenants:\n  - id: acme\n    values: {replicaCount: many}\n`, FILE);
    const resolved = resolveTenant(deployment, deployment.tenants[0] as Deployment["tenants"][number], 0, target);
    expect(resolved.sizing).toBeUndefined();
    expect(resolved.problems.map((p) => p.field)).toEqual(["tenants[0].values.replicaCount"]);
  });

  it("that the LimitRange would refuse are sized but carry the problem", () => {
    const deployment = parseDeployment(
      `deployment_id: gpp0\nenv: dev\nregion: eu-west-1\ntenants:\n  - id: acme\n  - id: globex\n    values: {resources: {limits: {cpu: "3"}}}\n`,
      FILE,
    );
    const resolved = resolveTenant(deployment, deployment.tenants[1] as Deployment["tenants"][number], 1, target);
    expect(resolved.problems.map((p) => p.field)).toEqual(["tenants[1].values.resources.limits.cpu"]);
  });
});
