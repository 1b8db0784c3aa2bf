/**
 * The deployment's own Auto Mode capacity, checked against what the controllers accept:
 * - the NodePool against the `karpenter.sh/v1` NodePool CRD of aws/karpenter-provider-aws at tag
 *   v1.14.1 (`pkg/apis/crds/karpenter.sh_nodepools.yaml`): the full openAPIV3Schema, unknown fields
 *   refused, when GPP_KARPENTER_NODEPOOL_CRD names that file (it is not vendored); and always, the
 *   rules of that CRD the manifest depends on, restated below with their values;
 * - the NodeClass against the Node Class Specification of the EKS User Guide ("Create a Node Class for
 *   Amazon EKS"): AWS publishes no CRD schema for `eks.amazonaws.com/v1` NodeClass, so field names and
 *   types are checked against that documented spec.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseDeployment, DeploymentError } from "@gpp/deployment";
import { defaultTags } from "@gpp/stack";
import { Ajv } from "ajv";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { synthInProcess } from "./synth-cli";
import YAML from "yaml";
import { WORKLOADS_NODE_POOL, nodeClassTagProblems } from "../src/node-pool";
import { HelmStack } from "../src/stack";
import { CHART_DIR } from "../src/chart-values";
import { tenantQuota } from "./tenant-quota";
import { capacityLimits } from "../src/workload-pool-limits";
import { loadDefaultDeployment, releaseValuesByNamespace, synthesize } from "./default-deployment";
import { helm } from "./helm-binary";
import { helmTemplate } from "./helm-render";

type Json = Record<string, unknown>;

const deployment = loadDefaultDeployment();
const stack = synthesize(deployment);
const manifests = Object.values(stack.resource.kubernetes_manifest ?? {});
const manifestOf = (kind: string): Json => {
  const found = manifests.find((m) => (m.manifest as Json).kind === kind);
  if (!found) throw new Error(`no kubernetes_manifest of kind ${kind}`);
  return found.manifest as Json;
};
const nodePool = manifestOf("NodePool");
const nodeClass = manifestOf("NodeClass");
const poolSpec = nodePool.spec as Json;
const template = (poolSpec.template as Json).spec as Json;
const classSpec = nodeClass.spec as Json;

/** A deployment with one dedicated tenant: its pool is checked against the same CRD rules. */
const dedicatedStack = synthesize(
  parseDeployment("deployment_id: gpp0\nenv: dev\nregion: eu-west-1\ntenants:\n  - id: acme\n  - id: globex\n    isolation: dedicated\n", "deployments/gpp0.yaml"),
);
const dedicatedPool = Object.values(dedicatedStack.resource.kubernetes_manifest ?? {})
  .map((m) => m.manifest as Json)
  .find((m) => m.kind === "NodePool" && (m.metadata as Json).name === "tenant-globex");
if (!dedicatedPool) throw new Error("no dedicated NodePool tenant-globex");
const POOLS: [string, Json][] = [
  ["the shared NodePool", nodePool],
  ["a dedicated tenant's NodePool", dedicatedPool],
];

const withDescriptor = (extra: string) =>
  parseDeployment(`deployment_id: gpp0\nenv: dev\nregion: eu-west-1\n${extra}\ntenants:\n  - id: acme\n`, "deployments/gpp0.yaml");

/**
 * A CRD's structural schema as JSON Schema: the API server prunes unknown fields, which would hide a
 * misspelt one, so every object that lists its properties refuses others here.
 */
function crdToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(crdToJsonSchema);
  if (typeof node !== "object" || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key.startsWith("x-kubernetes-") || key === "default" || key === "description") continue;
    out[key] = key === "properties" ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, crdToJsonSchema(v)])) : crdToJsonSchema(value);
  }
  if (out.properties && out.additionalProperties === undefined && !(node as Json)["x-kubernetes-preserve-unknown-fields"]) {
    out.additionalProperties = false;
  }
  return out;
}

const crdFile = process.env.GPP_KARPENTER_NODEPOOL_CRD;

describe.each(POOLS)("%s against the karpenter.sh/v1 CRD (aws/karpenter-provider-aws v1.14.1)", (_name, nodePool) => {
  const poolSpec = nodePool.spec as Json;
  const template = (poolSpec.template as Json).spec as Json;
  it.skipIf(!crdFile || !existsSync(crdFile))("passes the CRD's full openAPIV3Schema, with unknown fields refused", () => {
    const crd = YAML.parse(readFileSync(crdFile as string, "utf8")) as { spec: { versions: { name: string; schema: { openAPIV3Schema: unknown } }[] } };
    const v1 = crd.spec.versions.find((v) => v.name === "v1");
    expect(v1, "the CRD serves v1").toBeDefined();
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(crdToJsonSchema(v1?.schema.openAPIV3Schema) as object);
    const valid = validate(nodePool);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
    // The same check refuses a misspelt field, so it is not vacuous.
    const misspelt = structuredClone(nodePool);
    (misspelt.spec as Json).disruptions = (misspelt.spec as Json).disruption;
    expect(validate(misspelt)).toBe(false);
  });

  if (!crdFile) {
    console.info(
      "skipped the full NodePool CRD check: set GPP_KARPENTER_NODEPOOL_CRD to karpenter.sh_nodepools.yaml of aws/karpenter-provider-aws at v1.14.1",
    );
  }

  // Rules of the CRD at v1.14.1 (patterns, enums, bounds and CEL rules of spec.*), as facts.
  const DURATION = /^(([0-9]+(s|m|h))+|Never)$/;
  const BUDGET_NODES = /^((100|[0-9]{1,2})%|[0-9]+)$/;
  const TERMINATION_GRACE = /^([0-9]+(s|m|h))+$/;
  const OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte"];
  const QUANTITY = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

  // Node labels and taints of spec.template (labels: value pattern, maxLength 63, restricted domains;
  // taints: key and value patterns, effect enum).
  const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
  const TAINT_TEXT = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(\/))?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

  it("meets the CRD's patterns and bounds for weight, limits, disruption and node lifetime", () => {
    if (poolSpec.weight !== undefined) {
      expect(poolSpec.weight).toBeGreaterThanOrEqual(1);
      expect(poolSpec.weight).toBeLessThanOrEqual(100);
    }
    for (const value of Object.values(poolSpec.limits as Json)) expect(String(value)).toMatch(QUANTITY);
    const disruption = poolSpec.disruption as Json;
    expect(["WhenEmpty", "WhenEmptyOrUnderutilized"]).toContain(disruption.consolidationPolicy);
    expect(disruption.consolidateAfter).toMatch(DURATION);
    for (const budget of disruption.budgets as Json[]) {
      expect(budget.nodes).toMatch(BUDGET_NODES);
      // CEL: schedule and duration come together.
      expect("schedule" in budget).toBe("duration" in budget);
    }
    expect(template.expireAfter).toMatch(DURATION);
    expect(template.terminationGracePeriod).toMatch(TERMINATION_GRACE);
  });

  it("meets the CRD's rules for requirements and the node class reference", () => {
    for (const r of template.requirements as { key: string; operator: string; values: string[] }[]) {
      expect(OPERATORS).toContain(r.operator);
      // CEL: the karpenter.sh domain is restricted except capacity-type; karpenter.sh/nodepool and
      // kubernetes.io/hostname are restricted.
      expect(r.key === "karpenter.sh/capacity-type" || !r.key.split("/")[0]?.endsWith("karpenter.sh")).toBe(true);
      expect(r.key).not.toBe("kubernetes.io/hostname");
      if (r.operator === "In") expect(r.values.length).toBeGreaterThan(0);
      if (["Gt", "Lt", "Gte", "Lte"].includes(r.operator)) {
        expect(r.values).toHaveLength(1);
        expect(Number.parseInt(r.values[0] as string, 10)).toBeGreaterThanOrEqual(0);
      }
      for (const value of r.values) expect(value).toMatch(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/);
    }
    expect(template.nodeClassRef).toEqual({ group: "eks.amazonaws.com", kind: "NodeClass", name: (nodePool.metadata as Json).name });
  });

  it("meets the CRD's rules for node labels and taints", () => {
    const labels = (((poolSpec.template as Json).metadata as Json | undefined)?.labels ?? {}) as Record<string, string>;
    for (const [key, value] of Object.entries(labels)) {
      expect(value).toMatch(LABEL_VALUE);
      expect(value.length).toBeLessThanOrEqual(63);
      const domain = /^([^/]+)/.exec(key)?.[1] ?? "";
      expect(["karpenter.sh/capacity-type", "karpenter.sh/nodepool"].includes(key) || !domain.endsWith("karpenter.sh")).toBe(true);
      expect(key).not.toBe("karpenter.sh/nodepool");
      expect(key).not.toBe("kubernetes.io/hostname");
      expect(domain.endsWith("karpenter.k8s.aws")).toBe(false);
    }
    for (const taint of (template.taints ?? []) as { key: string; value: string; effect: string }[]) {
      expect(["NoSchedule", "PreferNoSchedule", "NoExecute"]).toContain(taint.effect);
      expect(taint.key).toMatch(TAINT_TEXT);
      expect(taint.value).toMatch(TAINT_TEXT);
    }
  });
});

describe("the NodePool's capacity", () => {
  const requirement = (key: string) => (template.requirements as { key: string; operator: string; values: string[] }[]).find((r) => r.key === key);

  it("launches only linux/amd64 nodes of current general, compute and memory families, Spot first outside prod", () => {
    expect(requirement("kubernetes.io/arch")).toEqual({ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] });
    // gpp0 is dev: capacity.spot defaults on, with on-demand as the fallback.
    expect(requirement("karpenter.sh/capacity-type")?.values).toEqual(["spot", "on-demand"]);
    expect(requirement("eks.amazonaws.com/instance-category")?.values).toEqual(["c", "m", "r"]);
    // Auto Mode does not support kubernetes.io/os as a requirement ("Create a Node Pool for EKS Auto Mode").
    expect(requirement("kubernetes.io/os")).toBeUndefined();
  });

  it("is bounded by twice what the tenants' quotas and the platform request, and grows with the tenants", () => {
    const values = [...releaseValuesByNamespace(stack).values()];
    const limits = capacityLimits(values.map((v) => tenantQuota(v)), 3);
    expect(poolSpec.limits).toEqual({ cpu: String(limits.cpu), memory: `${limits.memoryGi}Gi` });
    // 3 tenants at the 4 CPU request floor, plus 2 CPU for Traefik and KEDA, doubled; memory at 8 GiB per CPU.
    expect(limits).toEqual({ cpu: 28, memoryGi: 224 });
    const more = capacityLimits([...values, ...values].map((v) => tenantQuota(v)), 3);
    expect(more.cpu).toBeGreaterThan(limits.cpu);
  });

  it("always has room for one node per zone, which Traefik's hard zone spread needs", () => {
    expect(capacityLimits([], 3)).toEqual({ cpu: 12, memoryGi: 96 });
  });

  it("drains one node at a time and replaces nodes well inside Auto Mode's 21-day limit", () => {
    expect((poolSpec.disruption as Json).budgets).toEqual([{ nodes: "1" }]);
    const hours = (d: string) => Number.parseInt(d, 10);
    expect(hours(template.expireAfter as string) + hours(template.terminationGracePeriod as string)).toBeLessThan(21 * 24);
  });

  it("is what Traefik, KEDA and every tenant select, and is preferred by pods that select none", () => {
    const releases = Object.values(stack.resource.helm_release ?? {});
    const valuesOf = (name: string) => JSON.parse((releases.find((r) => r.name === name)?.values as string[])[0] ?? "{}") as Json;
    expect((valuesOf("traefik").nodeSelector as Json)["karpenter.sh/nodepool"]).toBe(WORKLOADS_NODE_POOL);
    expect((valuesOf("keda").nodeSelector as Json)["karpenter.sh/nodepool"]).toBe(WORKLOADS_NODE_POOL);
    for (const values of releaseValuesByNamespace(stack).values()) {
      expect((values.nodeSelector as Json)["karpenter.sh/nodepool"]).toBe(WORKLOADS_NODE_POOL);
    }
    // Built-in pools carry no weight, so any weight puts this pool first.
    expect(poolSpec.weight).toBeGreaterThan(0);
    for (const release of releases) {
      expect(release.depends_on as string[]).toEqual(expect.arrayContaining([expect.stringMatching(/^kubernetes_manifest\.capacity_node-pool/)]));
    }
  });
});

describe("the NodeClass (EKS User Guide, Create a Node Class for Amazon EKS: Node Class Specification)", () => {
  const DOCUMENTED_SPEC_FIELDS = ["role", "subnetSelectorTerms", "securityGroupSelectorTerms", "snatPolicy", "networkPolicy", "networkPolicyEventLogs", "ephemeralStorage", "tags"];

  it("uses only documented fields with their documented types", () => {
    expect(nodeClass.apiVersion).toBe("eks.amazonaws.com/v1");
    for (const key of Object.keys(classSpec)) expect(DOCUMENTED_SPEC_FIELDS).toContain(key);
    expect(typeof classSpec.role).toBe("string");
    // Range 1-59000Gi, documented.
    const size = (classSpec.ephemeralStorage as Json).size as string;
    expect(size).toMatch(/^\d+Gi$/);
    expect(Number.parseInt(size, 10)).toBeGreaterThanOrEqual(1);
    expect(Number.parseInt(size, 10)).toBeLessThanOrEqual(59000);
    for (const value of Object.values(classSpec.tags as Json)) expect(typeof value).toBe("string");
  });

  it("runs nodes as the cluster's node role, in the cluster's own subnets with its cluster security group", () => {
    // compute_config's node role: EKS made its EC2 access entry with the cluster, so none is added.
    expect(classSpec.role).toBe("dev-eks-node-gpp0");
    expect(classSpec.securityGroupSelectorTerms).toEqual([{ id: expect.stringMatching(/^\$\{data\.aws_eks_cluster\.\S+\.vpc_config\[0\]\.cluster_security_group_id\}$/) }]);
    // One `id` term per subnet of the cluster (the documented `- id: subnet-...` form).
    expect(classSpec.subnetSelectorTerms).toMatch(/^\$\{\[ for key, val in .*data\.aws_eks_cluster\.\S+\.vpc_config\[0\]\.subnet_ids.*: \{ id = val \}\]\}$/);
  });

  it("tags nodes and their volumes with exactly the provider's default tags, deployment among them", () => {
    expect(classSpec.tags).toEqual(defaultTags(deployment, "helm"));
    expect((classSpec.tags as Json).deployment).toBe("gpp0");
  });
});

describe("tags that cannot reach what Auto Mode launches", () => {
  const attempt = (tags: string) => {
    try {
      Testing.synth(new HelmStack(Testing.app(), withDescriptor(`tags:\n${tags}`)));
      return undefined;
    } catch (error) {
      return error;
    }
  };

  it("refuses NodeClass-reserved tag keys at synth, naming the file and tags.<key>", () => {
    const error = attempt('  "kubernetes.io/cluster/x": owned\n  eks:eks-cluster-name: other');
    expect(error).toBeInstanceOf(DeploymentError);
    const text = (error as Error).message;
    expect(text).toContain("deployments/gpp0.yaml");
    expect(text).toContain("tags.kubernetes.io/cluster/x");
    expect(text).toContain("tags.eks:eks-cluster-name");
  });

  it("refuses a tag the NLB annotation's k=v,k=v format would split", () => {
    const error = attempt("  cost-centre: a=b");
    expect(error).toBeInstanceOf(DeploymentError);
    expect((error as Error).message).toMatch(/tags\.cost-centre: tag value "a=b" cannot be written/);
  });

  it("exits 1 from synth with one line naming the file and tags.<key>, a clean error and no file written", async () => {
    const result = await synthInProcess("deployment_id: gpp0\nenv: dev\nregion: eu-west-1\ntags:\n  cost-centre: a=b\n");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${result.file}: tags.cost-centre: tag value "a=b"`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.written).toEqual([]);
  });

  it("accepts ordinary tags", () => {
    expect(attempt("  team: platform")).toBeUndefined();
    expect(nodeClassTagProblems({ "karpenter.sh/capacity-type": "x", eksx: "y" })).toEqual([]);
  });
});

describe("tenants on the workloads NodePool", () => {
  const tenantProblems = (values: string) => {
    try {
      const d = parseDeployment(`deployment_id: gpp0\nenv: dev\nregion: eu-west-1\ntenants:\n  - id: acme\n    values: ${values}\n`, "deployments/gpp0.yaml");
      Testing.synth(new HelmStack(Testing.app(), d));
      return "";
    } catch (error) {
      return (error as Error).message;
    }
  };

  it("refuses a tenant's values that would move it off the pool, or delete its node selector", () => {
    expect(tenantProblems('{nodeSelector: {"karpenter.sh/nodepool": system}}')).toContain("tenants[0].values.nodeSelector.karpenter.sh/nodepool");
    expect(tenantProblems("{nodeSelector: null}")).toContain("tenants[0].values.nodeSelector.karpenter.sh/nodepool");
    expect(tenantProblems("{nodeSelector: {team: a}}")).toBe("");
  });
});

describe.skipIf(!helm.found)("a tenant's pods, rendered by helm", () => {
  it("select the workloads NodePool besides the chart's linux/amd64", () => {
    const values = releaseValuesByNamespace(stack).get("tenant-acme");
    const deploymentManifest = helmTemplate("acme", CHART_DIR, "tenant-acme", values).find((m) => m.kind === "Deployment") as { spec: { template: { spec: { nodeSelector: unknown } } } };
    expect(deploymentManifest.spec.template.spec.nodeSelector).toEqual({
      "kubernetes.io/os": "linux",
      "kubernetes.io/arch": "amd64",
      "karpenter.sh/nodepool": WORKLOADS_NODE_POOL,
    });
  });
});
