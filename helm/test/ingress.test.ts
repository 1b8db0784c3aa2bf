/**
 * Traefik as the shared entry point: the NLB carries the deployment's tags, the API is off, only the
 * entry points are reachable. Checked against Traefik chart 41.3.0 (traefik/traefik-helm-chart at tag
 * v41.3.0): always against the chart facts restated here (container ports in values.yaml, the --api
 * flags in templates/_podtemplate.tpl), and, when GPP_TRAEFIK_CHART_DIR names that chart's folder
 * (it is not vendored and cannot be fetched offline), by rendering it with the stack's exact values.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defaultTags } from "@gpp/stack";
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { NLB_RESOURCE_TAGS_ANNOTATION, TRAEFIK_CONTAINER_PORTS, resourceTagProblems, resourceTagsAnnotation } from "../src/ingress";
import { loadDefaultDeployment, synthesize } from "./default-deployment";
import { helm, helmPath } from "./helm-binary";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const deployment = loadDefaultDeployment();
const stack = synthesize(deployment);
const traefik = Object.values(stack.resource.helm_release ?? {}).find((r) => r.name === "traefik") as Json;
const values = JSON.parse((traefik.values as string[])[0] ?? "{}") as Json;
const policies = Object.values(stack.resource.kubernetes_network_policy_v1 ?? {}) as Json[];
const traefikPolicy = policies.find((p) => p.metadata.namespace === "traefik") as Json;

/** How the annotation is read: pairs split on ",", key and value on "=", each trimmed. */
const parseAnnotation = (text: string): Record<string, string> =>
  Object.fromEntries(
    text.split(",").map((pair) => {
      const [key = "", value = "", ...rest] = pair.split("=");
      if (rest.length > 0) throw new Error(`pair "${pair}" has more than one "="`);
      return [key.trim(), value.trim()];
    }),
  );

describe("the NLB's tags", () => {
  it("are the provider's default tags, deployment among them, in the annotation Auto Mode honours", () => {
    const annotation = values.service.annotations[NLB_RESOURCE_TAGS_ANNOTATION] as string;
    expect(parseAnnotation(annotation)).toEqual(defaultTags(deployment, "helm"));
    expect(parseAnnotation(annotation).deployment).toBe("gpp0");
  });

  it("refuses tags the k=v,k=v format cannot carry instead of writing them split", () => {
    expect(resourceTagProblems({ a: "x=y" })).toHaveLength(1);
    expect(resourceTagProblems({ "a,b": "x" })).toHaveLength(1);
    expect(resourceTagProblems({ a: " padded" })).toHaveLength(1);
    expect(resourceTagProblems({ a: "with spaces inside", "b:c/d": "e.f@g" })).toEqual([]);
    expect(() => resourceTagsAnnotation({ a: "x=y" })).toThrow(/tags\.a/);
  });
});

describe("Traefik's API and CRDs", () => {
  it("renders no --api flag: api is deleted, so the chart's default api.dashboard: true is gone", () => {
    expect(values).toHaveProperty("api", null);
    expect(values.ingressRoute).toBeUndefined();
  });

  it("skips the chart's CRDs, as the kubernetesCRD provider (and Traefik Hub) are off", () => {
    expect(traefik.skip_crds).toBe(true);
    expect(values.providers.kubernetesCRD).toEqual({ enabled: false });
    expect(values.hub).toBeUndefined();
  });
});

describe("the traefik namespace's NetworkPolicy", () => {
  const rules = traefikPolicy.spec.ingress as Json[];
  const ports = (rule: Json) => (rule.ports as Json[]).map((p) => Number(p.port));

  it("covers every pod of the namespace for ingress only", () => {
    expect(traefikPolicy.spec.pod_selector).toEqual({});
    expect(traefikPolicy.spec.policy_types).toEqual(["Ingress"]);
  });

  it("admits the published entry point from anywhere and the metrics port only from the collector's subnets", () => {
    const open = rules.filter((r) => !r.from);
    expect(open.flatMap(ports)).toEqual([TRAEFIK_CONTAINER_PORTS.web]);
    const metrics = rules.filter((r) => r.from);
    expect(metrics.flatMap(ports)).toEqual([TRAEFIK_CONTAINER_PORTS.metrics]);
    expect(metrics.flatMap((r) => (r.from as Json[]).map((f) => f.ip_block.cidr))).toEqual([...deployment.network.private_subnets]);
    // Never the traefik entry point (8080) from other pods.
    expect(rules.flatMap(ports)).not.toContain(TRAEFIK_CONTAINER_PORTS.traefik);
  });

  it("opens websecure too when TLS ends at the NLB", () => {
    const withZone = synthesize({ ...deployment, tenants: [], ingress: { base_domain: "example.com", hosted_zone: "example.com" } });
    const policy = Object.values(withZone.resource.kubernetes_network_policy_v1 ?? {}).find((p) => (p as Json).metadata.namespace === "traefik") as Json;
    const open = (policy.spec.ingress as Json[]).filter((r) => !r.from);
    expect(open.flatMap(ports)).toEqual([TRAEFIK_CONTAINER_PORTS.web, TRAEFIK_CONTAINER_PORTS.websecure]);
  });

  it("exists before the release, so no Traefik pod runs unprotected", () => {
    expect(traefik.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^kubernetes_network_policy_v1\.ingress_network-policy/)]));
  });
});

const chartDir = process.env.GPP_TRAEFIK_CHART_DIR;
if (!chartDir) console.info("skipped rendering Traefik 41.3.0: set GPP_TRAEFIK_CHART_DIR to the chart folder (traefik/ of traefik/traefik-helm-chart at v41.3.0)");

describe.skipIf(!helm.found || !chartDir || !existsSync(chartDir ?? ""))("Traefik 41.3.0 rendered with the stack's values", () => {
  const render = (releaseValues: Json): Json[] => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "traefik-values-")), "values.json");
    writeFileSync(file, JSON.stringify(releaseValues));
    // No --include-crds: the release skips them.
    const result = spawnSync(helmPath, ["template", "traefik", chartDir as string, "--namespace", "traefik", "-f", file], { encoding: "utf8", timeout: 60_000 });
    if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
    return YAML.parseAllDocuments(result.stdout)
      .map((d) => d.toJS() as Json | null)
      .filter((m): m is Json => m !== null);
  };
  let manifests: Json[] = [];
  let container: Json = {};
  beforeAll(() => {
    manifests = render(values);
    container = manifests.find((m) => m.kind === "Deployment")?.spec.template.spec.containers[0] as Json;
  });

  it("passes the chart's values.schema.json and starts Traefik without any --api flag", () => {
    const args = container.args as string[];
    expect(args.filter((a) => a.startsWith("--api"))).toEqual([]);
    // The chart's default (api.dashboard: true) does render one: the check can fail.
    const withDefaults = render({ ...values, api: undefined });
    const defaultArgs = withDefaults.find((m) => m.kind === "Deployment")?.spec.template.spec.containers[0].args as string[];
    expect(defaultArgs).toContain("--api.dashboard=true");
  });

  it("listens on exactly the container ports the NetworkPolicy names", () => {
    const ports = Object.fromEntries((container.ports as Json[]).map((p) => [p.name, p.containerPort]));
    expect(ports).toEqual({ ...TRAEFIK_CONTAINER_PORTS });
  });

  it("renders no object of a Traefik CRD, so skipping them breaks nothing", () => {
    expect(manifests.filter((m) => /traefik\.io\//.test(String(m.apiVersion)))).toEqual([]);
  });

  it("puts the tags annotation and the node selector where Auto Mode and the scheduler read them", () => {
    const service = manifests.find((m) => m.kind === "Service" && m.spec.type === "LoadBalancer") as Json;
    expect(service.metadata.annotations[NLB_RESOURCE_TAGS_ANNOTATION]).toBe(values.service.annotations[NLB_RESOURCE_TAGS_ANNOTATION]);
    const pod = manifests.find((m) => m.kind === "Deployment")?.spec.template.spec as Json;
    expect(pod.nodeSelector).toEqual({ "kubernetes.io/os": "linux", "karpenter.sh/nodepool": "workloads" });
  });
});
