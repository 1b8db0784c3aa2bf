/**
 * Tenant isolation tiers: a dedicated tenant's own NodeClass and NodePool (tagged, labelled, tainted),
 * its pods' toleration and node selector (through tenantChartValues, so both delivery modes get them),
 * pool limits from its quota, Spot only where the descriptor allows it, and bad input refused at synth.
 * The pools' conformance to the karpenter.sh/v1 CRD is in node-pool.test.ts (both kinds of pool).
 */
import { DeploymentError, parseDeployment } from "@gpp/deployment";
import { defaultTags } from "@gpp/stack";
import { describe, expect, it } from "vitest";
import { CHART_DIR } from "../src/chart-values";
import { tenantQuota } from "./tenant-quota";
import { capacityLimits } from "../src/workload-pool-limits";
import { dedicatedPoolLimits, TENANT_LABEL } from "../src/isolation";
import { WORKLOADS_NODE_POOL } from "../src/node-pool";
import { releaseValuesByNamespace, synthesize } from "./default-deployment";
import { helm } from "./helm-binary";
import { helmTemplate } from "./helm-render";

type Json = Record<string, unknown>;

const FILE = "deployments/gpp0.yaml";
const PROD_HEAD = "deployment_id: gpp0\nenv: prod\nregion: eu-west-1\ncluster:\n  public_access_cidrs: [203.0.113.0/24]\nstate: {backend: s3, bucket: example-gpp-terraform-state}\n";
const DEV_HEAD = "deployment_id: gpp0\nenv: dev\nregion: eu-west-1\n";
const descriptor = (text: string) => parseDeployment(text, FILE);
const TWO_TIERS = `${DEV_HEAD}tenants:\n  - id: acme\n  - id: globex\n    isolation: dedicated\n`;

const deployment = descriptor(TWO_TIERS);
const stack = synthesize(deployment);
const manifests = Object.entries(stack.resource.kubernetes_manifest ?? {}).map(([address, m]) => ({ address, manifest: m.manifest as Json }));
const manifest = (kind: string, name: string): Json => {
  const found = manifests.find((m) => m.manifest.kind === kind && (m.manifest.metadata as Json).name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found.manifest;
};
const poolSpec = (name: string) => manifest("NodePool", name).spec as Json;
const templateOf = (name: string) => (poolSpec(name).template as Json).spec as Json;
const requirement = (name: string, key: string) => (templateOf(name).requirements as { key: string; values: string[] }[]).find((r) => r.key === key)?.values;
const values = releaseValuesByNamespace(stack);

const synthError = (text: string): string => {
  try {
    synthesize(descriptor(text));
    return "";
  } catch (error) {
    expect(error).toBeInstanceOf(DeploymentError);
    return (error as Error).message;
  }
};

describe("a dedicated tenant's capacity", () => {
  it("is a NodeClass of its own with the shared one's spec and tags plus the tenant tag", () => {
    const shared = manifest("NodeClass", WORKLOADS_NODE_POOL).spec as Json;
    const dedicated = manifest("NodeClass", "tenant-globex").spec as Json;
    expect(dedicated.tags).toEqual({ ...defaultTags(deployment, "helm"), tenant: "globex" });
    expect({ ...dedicated, tags: undefined }).toEqual({ ...shared, tags: undefined });
  });

  it("is a NodePool on that NodeClass whose nodes are labelled and tainted for the tenant alone", () => {
    const template = poolSpec("tenant-globex").template as Json;
    expect((template.metadata as Json).labels).toEqual({ [TENANT_LABEL]: "globex" });
    expect(templateOf("tenant-globex").taints).toEqual([{ key: TENANT_LABEL, value: "globex", effect: "NoSchedule" }]);
    expect((templateOf("tenant-globex").nodeClassRef as Json).name).toBe("tenant-globex");
    // The shared pool takes no taint, and only the tenant's pods select the dedicated one: no weight.
    expect(templateOf(WORKLOADS_NODE_POOL).taints).toBeUndefined();
    expect(poolSpec("tenant-globex").weight).toBeUndefined();
  });

  it("has the shared pool's disruption budget, consolidation and node lifetime", () => {
    expect(poolSpec("tenant-globex").disruption).toEqual(poolSpec(WORKLOADS_NODE_POOL).disruption);
    expect(templateOf("tenant-globex").expireAfter).toBe(templateOf(WORKLOADS_NODE_POOL).expireAfter);
    expect(templateOf("tenant-globex").terminationGracePeriod).toBe(templateOf(WORKLOADS_NODE_POOL).terminationGracePeriod);
  });

  it("takes its limits from the tenant's quota, and the shared pool counts only shared tenants", () => {
    const globex = values.get("tenant-globex") as Json;
    const acme = values.get("tenant-acme") as Json;
    const limits = dedicatedPoolLimits(tenantQuota(globex), 3);
    expect(poolSpec("tenant-globex").limits).toEqual({ cpu: String(limits.cpu), memory: `${limits.memoryGi}Gi` });
    // The quota floor of 4 requested CPUs, doubled; memory at 8 GiB per CPU.
    expect(limits).toEqual({ cpu: 8, memoryGi: 64 });
    const shared = capacityLimits([tenantQuota(acme)], 3);
    expect(poolSpec(WORKLOADS_NODE_POOL).limits).toEqual({ cpu: String(shared.cpu), memory: `${shared.memoryGi}Gi` });
    // A bigger quota gives a bigger pool.
    const bigger = descriptor(`${DEV_HEAD}tenants:\n  - id: globex\n    isolation: dedicated\n    values:\n      autoscaling:\n        maxReplicas: 40\n`);
    const biggerPool = Object.values(synthesize(bigger).resource.kubernetes_manifest ?? {})
      .map((m) => m.manifest as Json)
      .find((m) => m.kind === "NodePool" && (m.metadata as Json).name === "tenant-globex");
    expect(Number(((biggerPool?.spec as Json).limits as Json).cpu)).toBeGreaterThan(limits.cpu);
  });

  it("takes the descriptor's dedicated_pool limits when given", () => {
    const d = descriptor(`${DEV_HEAD}tenants:\n  - id: globex\n    isolation: dedicated\n    dedicated_pool: {cpu: 24, memory_gi: 96}\n`);
    const pool = Object.values(synthesize(d).resource.kubernetes_manifest ?? {})
      .map((m) => m.manifest as Json)
      .find((m) => m.kind === "NodePool" && (m.metadata as Json).name === "tenant-globex");
    expect((pool?.spec as Json).limits).toEqual({ cpu: "24", memory: "96Gi" });
  });

  it("exists before the tenant's release", () => {
    const release = Object.values(stack.resource.helm_release ?? {}).find((r) => r.name === "globex");
    const pool = manifests.find((m) => (m.manifest.metadata as Json).name === "tenant-globex" && m.manifest.kind === "NodePool");
    expect(release?.depends_on).toContain(`kubernetes_manifest.${pool?.address}`);
  });
});

describe("a tenant's pods, through tenantChartValues", () => {
  it("of a dedicated tenant select its pool and tolerate exactly its taint", () => {
    const globex = values.get("tenant-globex") as Json;
    expect(globex.nodeSelector).toEqual({ "karpenter.sh/nodepool": "tenant-globex", [TENANT_LABEL]: "globex" });
    expect(globex.tolerations).toEqual([{ key: TENANT_LABEL, operator: "Equal", value: "globex", effect: "NoSchedule" }]);
  });

  it("of a shared tenant select the shared pool and tolerate nothing", () => {
    const acme = values.get("tenant-acme") as Json;
    expect(acme.nodeSelector).toEqual({ "karpenter.sh/nodepool": WORKLOADS_NODE_POOL });
    expect(acme.tolerations).toEqual([]);
  });

  it.skipIf(!helm.found)("carry the toleration and selector in the Deployment helm renders", () => {
    const rendered = helmTemplate("globex", CHART_DIR, "tenant-globex", values.get("tenant-globex")).find((m) => m.kind === "Deployment") as { spec: { template: { spec: Json } } };
    expect(rendered.spec.template.spec.tolerations).toEqual([{ key: TENANT_LABEL, operator: "Equal", value: "globex", effect: "NoSchedule" }]);
    expect(rendered.spec.template.spec.nodeSelector).toMatchObject({ "karpenter.sh/nodepool": "tenant-globex", [TENANT_LABEL]: "globex" });
  });
});

describe("Spot capacity", () => {
  it("is on by default outside prod, on every pool, with on-demand as fallback", () => {
    expect(deployment.capacity.spot).toBe(true);
    for (const name of [WORKLOADS_NODE_POOL, "tenant-globex"]) expect(requirement(name, "karpenter.sh/capacity-type")).toEqual(["spot", "on-demand"]);
  });

  it("is off in prod unless capacity.spot says otherwise, and can be turned off outside prod", () => {
    const prodPool = (extra: string) => {
      const pools = Object.values(synthesize(descriptor(`${PROD_HEAD}${extra}tenants:\n  - id: acme\n`)).resource.kubernetes_manifest ?? {}).map((m) => m.manifest as Json);
      const pool = pools.find((m) => m.kind === "NodePool") as Json;
      return ((((pool.spec as Json).template as Json).spec as Json).requirements as { key: string; values: string[] }[]).find((r) => r.key === "karpenter.sh/capacity-type")?.values;
    };
    expect(prodPool("")).toEqual(["on-demand"]);
    expect(prodPool("capacity: {spot: true}\n")).toEqual(["spot", "on-demand"]);
    expect(descriptor(`${DEV_HEAD}capacity: {spot: false}\n`).capacity.spot).toBe(false);
  });
});

describe("bad isolation input, refused naming the file and the field", () => {
  const parseError = (text: string) => {
    try {
      descriptor(text);
      return "";
    } catch (error) {
      expect(error).toBeInstanceOf(DeploymentError);
      return (error as Error).message;
    }
  };

  it("defaults to shared", () => {
    expect(descriptor(`${DEV_HEAD}tenants:\n  - id: acme\n`).tenants[0]?.isolation).toBe("shared");
  });

  it("refuses an unknown tier", () => {
    const message = parseError(`${DEV_HEAD}tenants:\n  - id: acme\n    isolation: private\n`);
    expect(message).toContain(FILE);
    expect(message).toContain("tenants[0].isolation");
  });

  it("refuses dedicated_pool on a shared tenant", () => {
    expect(parseError(`${DEV_HEAD}tenants:\n  - id: acme\n    dedicated_pool: {cpu: 8, memory_gi: 64}\n`)).toMatch(/tenants\[0\]\.dedicated_pool: is only for a tenant with isolation: dedicated/);
  });

  it("refuses pool limits below the tenant's quota", () => {
    const message = synthError(`${DEV_HEAD}tenants:\n  - id: globex\n    isolation: dedicated\n    dedicated_pool: {cpu: 3, memory_gi: 2}\n`);
    expect(message).toContain(FILE);
    expect(message).toMatch(/tenants\[0\]\.dedicated_pool\.cpu: 3 CPUs is below the tenant's quota of 4 requested CPU/);
    expect(message).toMatch(/tenants\[0\]\.dedicated_pool\.memory_gi: 2 GiB is below the tenant's quota of 4Gi requested memory/);
  });

  it("refuses limits that cannot hold a node in every zone", () => {
    expect(synthError(`${DEV_HEAD}tenants:\n  - id: globex\n    isolation: dedicated\n    dedicated_pool: {cpu: 5, memory_gi: 64}\n`)).toMatch(
      /tenants\[0\]\.dedicated_pool\.cpu: 5 CPUs cannot hold one 2-vCPU node in each of the 3 zones/,
    );
  });

  it("refuses a pod whose requests fit no node the limits allow per zone", () => {
    // 2 CPUs per zone: a 2-CPU pod does not fit a 2-vCPU node once the node's own reserve is taken.
    const text = `${DEV_HEAD}tenants:\n  - id: globex\n    isolation: dedicated\n    dedicated_pool: {cpu: 6, memory_gi: 48}\n    values:\n      autoscaling: {minReplicas: 1, maxReplicas: 1}\n      resources:\n        requests: {cpu: "2", memory: 256Mi}\n        limits: {cpu: "2", memory: 256Mi}\n`;
    expect(synthError(text)).toMatch(/tenants\[0\]\.values\.resources\.requests: a pod requesting 2 CPU and 256Mi fits no node/);
    // The same pod on a pool of 3 CPUs per zone fits.
    expect(synthError(text.replace("cpu: 6,", "cpu: 9,"))).toBe("");
  });

  it("refuses a tenant's values that set their own tolerations or tenant node selector", () => {
    expect(synthError(`${DEV_HEAD}tenants:\n  - id: acme\n    values:\n      tolerations: [{key: gpp.tenant, operator: Exists}]\n`)).toContain("tenants[0].values.tolerations");
    expect(synthError(`${DEV_HEAD}tenants:\n  - id: acme\n    values:\n      nodeSelector: {gpp.tenant: globex}\n`)).toContain("tenants[0].values.nodeSelector.gpp.tenant");
  });
});
