import path from "node:path";
import { parseDeployment, type Deployment } from "@gpp/deployment";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { ARGOCD_CHART, PROGRESSIVE_SYNCS_PARAM } from "../src/argocd";
import { CHART_DIR } from "../src/chart-values";
import { IN_CLUSTER, MANIFESTS_CHART_DIR, ROLLOUT_GROUP_LABEL, TENANT_NAMESPACED_KINDS, TENANT_PROJECT } from "../src/gitops";
import { argoCdRepo, argoCdValidators } from "./argocd-crds";
import { RESOURCES_FINALIZER, expandListGenerator, rollingSyncStep, type Application } from "../src/argocd-expand";
import { synthesize, type SynthesizedStack } from "./default-deployment";
import { helm } from "./helm-binary";
import { helmTemplate } from "./helm-render";

type Manifest = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REPO_ROOT = path.resolve(CHART_DIR, "../../..");
const SHA = "0578de0a1b2c3d4e5f60718293a4b5c6d7e8f901";
const REPO_URL = "https://github.com/example/gpp-platform.git";

function descriptor(tenants: string[], options: { gitops: boolean; env?: string }): Deployment {
  const lines = ["deployment_id: gpp0", `env: ${options.env ?? "dev"}`, "region: eu-west-1"];
  if (options.env === "prod") lines.push("cluster:", "  public_access_cidrs: [203.0.113.0/24]", "state:", "  backend: s3", "  bucket: gpp-state-bucket");
  if (options.gitops) lines.push("gitops:", "  engine: argocd", `  repo_url: ${REPO_URL}`, `  revision: ${SHA}`);
  lines.push("tenants:", ...tenants);
  return parseDeployment(lines.join("\n"), "/repo/deployments/gpp0.yaml");
}

const TENANTS = [
  "  - id: acme",
  "    rollout_group: canary",
  "  - id: globex",
  "    values: {autoscaling: {maxReplicas: 4}, resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 250m, memory: 96Mi}}}",
  "  - id: initech",
  "    rollout_group: wave1",
  "  - id: umbrella",
  "    rollout_group: canary",
];

const synthesized = new Map<string, SynthesizedStack>();
/**
 * The helm stack of a descriptor with these tenants, synthesized once per file (a 1000-tenant synth takes
 * half a second of CPU, and several tests read the same stacks); each caller gets its own copy to read.
 */
function stackOf(tenants: string[], options: { gitops: boolean; env?: string }): SynthesizedStack {
  const key = JSON.stringify([tenants, options.gitops, options.env ?? "dev"]);
  let stack = synthesized.get(key);
  if (!stack) synthesized.set(key, (stack = synthesize(descriptor(tenants, options))));
  return structuredClone(stack);
}

const resourceCount = (stack: SynthesizedStack): number => Object.values(stack.resource).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
const tenantIds = (n: number) => Array.from({ length: n }, (_, i) => `  - id: t${String(i).padStart(4, "0")}`);

/**
 * What is in the cluster once an install settles, in a form both modes can be compared in: helm's
 * test hook is left out (helm install does not run it, and Argo CD ignores `helm.sh/hook: test`:
 * docs/user-guide/helm.md, "Helm Hooks", v3.4.4), and so are Argo CD's own annotations (sync waves,
 * tracking), which say how an object is applied, not what it is.
 */
function normalise(objects: Manifest[]): Manifest[] {
  return objects
    .filter((o) => o.metadata?.annotations?.["helm.sh/hook"] !== "test")
    .map((o) => {
      const copy = structuredClone(o);
      const annotations = Object.fromEntries(Object.entries(copy.metadata.annotations ?? {}).filter(([k]) => !k.startsWith("argocd.argoproj.io/")));
      if (Object.keys(annotations).length > 0) copy.metadata.annotations = annotations;
      else delete copy.metadata.annotations;
      return copy;
    })
    .sort((a, b) => `${a.kind}/${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.namespace}/${b.metadata.name}`));
}

/** terraform mode: the kubernetes_* resources as the objects they create, and each release rendered. */
function terraformModeObjects(stack: SynthesizedStack): Manifest[] {
  const objects: Manifest[] = [];
  for (const ns of Object.values(stack.resource.kubernetes_namespace_v1 ?? {}) as Manifest[]) {
    const { name, labels } = ns.metadata[0] ?? ns.metadata;
    if (name.startsWith("tenant-")) objects.push({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
  }
  for (const q of Object.values(stack.resource.kubernetes_resource_quota_v1 ?? {}) as Manifest[]) {
    objects.push({ apiVersion: "v1", kind: "ResourceQuota", metadata: q.metadata, spec: { hard: q.spec.hard } });
  }
  for (const l of Object.values(stack.resource.kubernetes_limit_range_v1 ?? {}) as Manifest[]) {
    const limits = (l.spec.limit as Manifest[]).map((item) => ({ type: item.type, defaultRequest: item.default_request, default: item.default, max: item.max }));
    objects.push({ apiVersion: "v1", kind: "LimitRange", metadata: l.metadata, spec: { limits } });
  }
  for (const release of Object.values(stack.resource.helm_release ?? {}) as Manifest[]) {
    if (!String(release.namespace).startsWith("tenant-")) continue;
    objects.push(...helmTemplate(release.name, CHART_DIR, release.namespace, JSON.parse(release.values[0])));
  }
  return objects;
}

function deliveryRelease(stack: SynthesizedStack): Manifest {
  const release = Object.values(stack.resource.helm_release ?? {}).find((r) => r.name === "tenant-delivery");
  if (!release) throw new Error("no tenant-delivery release");
  return release as Manifest;
}

/** argocd mode: the delivery release rendered, its ApplicationSet expanded, each Application's sources rendered. */
function argoCdDelivery(stack: SynthesizedStack) {
  const release = deliveryRelease(stack);
  const rendered = helmTemplate(release.name, MANIFESTS_CHART_DIR, release.namespace, JSON.parse(release.values[0]));
  const applicationSet = rendered.find((o) => o.kind === "ApplicationSet") as Manifest;
  const project = rendered.find((o) => o.kind === "AppProject") as Manifest;
  const applications = expandListGenerator(applicationSet);
  return { rendered, applicationSet, project, applications };
}

function applicationObjects(app: Application): Manifest[] {
  const namespace = app.spec.destination.namespace as string;
  const objects: Manifest[] = [{ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels: app.spec.syncPolicy.managedNamespaceMetadata.labels } }];
  for (const source of app.spec.sources as Manifest[]) {
    const objectsOfSource = helmTemplate(source.helm.releaseName, path.join(REPO_ROOT, source.path), namespace, YAML.parse(source.helm.values));
    // Argo CD puts namespaced objects without a namespace into the destination namespace.
    objects.push(...objectsOfSource.map((o) => ({ ...o, metadata: { namespace, ...o.metadata } })));
  }
  return objects;
}

describe("Terraform's work per tenant", () => {
  it("is 4 resources per tenant in terraform mode (N = 1, 10, 101) and constant in N in argocd mode (N = 10, 100, 500, 1000)", () => {
    // 101, just past a round 100, is enough to catch a resource added per 100 tenants (every 100th, or per
    // started hundred) or only above 100; a 500-tenant terraform synth costs 4x as much and catches no more of those.
    const sizes = [1, 10, 101];
    const terraform = sizes.map((n) => resourceCount(stackOf(tenantIds(n), { gitops: false })));
    const base = (terraform[0] as number) - 4 * (sizes[0] as number);
    expect(terraform).toEqual(sizes.map((n) => 4 * n + base));
    const argocd = [10, 100, 500, 1000].map((n) => resourceCount(stackOf(tenantIds(n), { gitops: true })));
    expect(new Set(argocd).size).toBe(1);
    // The cluster-wide part plus Argo CD's namespace and release and the delivery release.
    expect(argocd[0]).toBe(base + 3);
  });

  it("adding tenant 501 changes only the delivery release (and the NodePool's limits when the new quota moves them)", () => {
    const before = stackOf(tenantIds(500), { gitops: true });
    const after = stackOf(tenantIds(501), { gitops: true });
    const changed: string[] = [];
    for (const [type, byName] of Object.entries(after.resource)) {
      for (const [name, body] of Object.entries(byName)) {
        if (JSON.stringify(before.resource[type]?.[name]) !== JSON.stringify(body)) changed.push(`${type}.${name}`);
      }
    }
    expect(changed.filter((c) => !c.startsWith("kubernetes_manifest.capacity_"))).toEqual([expect.stringMatching(/^helm_release\.tenant-delivery_release/)]);
  });

  it("keeps the ApplicationSet of 1000 tenants under the 1.5 MiB etcd request limit", () => {
    const { applicationSet } = { applicationSet: JSON.parse(deliveryRelease(stackOf(tenantIds(1000), { gitops: true })).values[0]).objects[1] };
    expect(Buffer.byteLength(JSON.stringify(applicationSet))).toBeLessThan(1.5 * 1024 * 1024);
  });
});

describe.skipIf(!helm.found)("both modes create the same objects", () => {
  const terraformStack = stackOf(TENANTS, { gitops: false });
  const argocdStack = stackOf(TENANTS, { gitops: true });

  it("for every tenant: the namespace and its labels, quota, limit range and every object of the chart", () => {
    const viaTerraform = normalise(terraformModeObjects(terraformStack));
    const viaArgoCd = normalise(argoCdDelivery(argocdStack).applications.flatMap(applicationObjects));
    expect(viaTerraform.length).toBeGreaterThan(4 * 5);
    expect(viaArgoCd.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`)).toEqual(
      viaTerraform.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`),
    );
    expect(viaArgoCd).toEqual(viaTerraform);
  });

  it("argocd mode creates no tenant namespace, quota or release through Terraform", () => {
    const namespaces = Object.values(argocdStack.resource.kubernetes_namespace_v1 ?? {}).map((n) => (n as Manifest).metadata.name);
    expect(namespaces.filter((n: string) => n.startsWith("tenant-"))).toEqual([]);
    expect(argocdStack.resource.kubernetes_resource_quota_v1).toBeUndefined();
  });
});

describe.skipIf(!helm.found)("the ApplicationSet, expanded the way Argo CD does", () => {
  const { applicationSet, project, applications, rendered } = argoCdDelivery(stackOf(TENANTS, { gitops: true }));

  it("renders exactly one AppProject and one ApplicationSet", () => {
    expect(rendered.map((o) => o.kind).sort()).toEqual(["AppProject", "ApplicationSet"]);
  });

  it("makes one Application per tenant, named after its namespace, in project tenants, from repo_url at revision", () => {
    expect(applications.map((a) => a.metadata.name)).toEqual(["tenant-acme", "tenant-globex", "tenant-initech", "tenant-umbrella"]);
    for (const app of applications) {
      expect(app.spec.project).toBe(TENANT_PROJECT);
      expect(app.metadata.finalizers).toEqual([RESOURCES_FINALIZER]);
      expect(app.spec.destination).toEqual({ server: IN_CLUSTER, namespace: app.metadata.name });
      for (const source of app.spec.sources) expect([source.repoURL, source.targetRevision]).toEqual([REPO_URL, SHA]);
      expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(app.spec.syncPolicy.syncOptions).toContain("CreateNamespace=true");
      expect(app.spec.syncPolicy.retry.backoff).toEqual({ duration: "30s", factor: 2, maxDuration: "10m" });
      expect(app.spec.syncPolicy.managedNamespaceMetadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    }
  });

  it("rolls out canary first, named groups as first written, the default group last, each tenant in exactly one step", () => {
    const steps = applicationSet.spec.strategy.rollingSync.steps.map((s: Manifest) => s.matchExpressions[0].values[0]);
    expect(applicationSet.spec.strategy.type).toBe("RollingSync");
    expect(steps).toEqual(["canary", "wave1", "default"]);
    const stepOf = Object.fromEntries(applications.map((a) => [a.metadata.name, rollingSyncStep(applicationSet, a)]));
    expect(stepOf).toEqual({ "tenant-acme": 0, "tenant-umbrella": 0, "tenant-initech": 1, "tenant-globex": 2 });
    expect(applications.map((a) => a.metadata.labels[ROLLOUT_GROUP_LABEL])).toEqual(["canary", "default", "wave1", "canary"]);
  });

  it("keeps every Application inside the AppProject: its namespace, its repository, whitelisted kinds only", () => {
    const destinations = project.spec.destinations.map((d: Manifest) => `${d.server} ${d.namespace}`);
    expect(JSON.stringify(project.spec)).not.toContain("*");
    expect(project.spec.sourceRepos).toEqual([REPO_URL]);
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: "", kind: "Namespace" }]);
    const allowed = new Set(TENANT_NAMESPACED_KINDS.map((k) => `${k.group}/${k.kind}`));
    for (const app of applications) {
      expect(destinations).toContain(`${app.spec.destination.server} ${app.spec.destination.namespace}`);
      for (const o of normalise(applicationObjects(app))) {
        if (o.kind === "Namespace") continue;
        const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
        expect(allowed, `${o.kind} of ${app.metadata.name}`).toContain(`${group}/${o.kind}`);
        expect(o.metadata.namespace).toBe(app.spec.destination.namespace);
      }
    }
  });
});

const repo = argoCdRepo();
if (!repo.found) console.warn(`[Argo CD CRD schema tests skipped] ${repo.reason}`);

describe.skipIf(!repo.found || !helm.found)("the rendered objects against Argo CD's CRD schemas", () => {
  const { applicationSet, project, applications } = argoCdDelivery(stackOf(TENANTS, { gitops: true }));
  // The version the pinned chart installs, and the newest v3.5 patch.
  it.each([ARGOCD_CHART.appVersion, "v3.5.1"])("validate at %s (manifests/crds of argoproj/argo-cd)", (ref) => {
    const validators = argoCdValidators((repo as { gitDir: string }).gitDir, ref);
    for (const [kind, object] of [["ApplicationSet", applicationSet], ["AppProject", project], ...applications.map((a) => ["Application", { apiVersion: "argoproj.io/v1alpha1", kind: "Application", ...a }])] as [string, Manifest][]) {
      const validate = validators.get(kind);
      if (!validate) throw new Error(`no CRD for ${kind}`);
      expect(validate(object) ? [] : validate.errors, `${kind} ${object.metadata?.name}`).toEqual([]);
    }
  });

  it("refuses a misspelt field (the check is not vacuous)", () => {
    const validate = argoCdValidators((repo as { gitDir: string }).gitDir, ARGOCD_CHART.appVersion).get("ApplicationSet");
    const broken = structuredClone(applicationSet);
    broken.spec.strategy.rollingSync.stepz = broken.spec.strategy.rollingSync.steps;
    expect(validate?.(broken)).toBe(false);
  });
});

describe("Argo CD's values", () => {
  const values = (env: string) => {
    const release = Object.values(stackOf(TENANTS, { gitops: true, env }).resource.helm_release ?? {}).find((r) => r.name === "argocd") as Manifest;
    expect(release.version).toBe(ARGOCD_CHART.version);
    return JSON.parse(release.values[0]);
  };
  it("turn progressive syncs on and publish no UI", () => {
    const v = values("dev");
    expect(v.configs.params[PROGRESSIVE_SYNCS_PARAM]).toBe(true);
    expect(v.server.service.type).toBe("ClusterIP");
    expect(v.server.ingress.enabled).toBe(false);
  });
  it("run two replicas of each stateless part and Redis HA in prod, one and plain Redis elsewhere", () => {
    const prod = values("prod");
    const dev = values("dev");
    expect([prod.server.replicas, prod.repoServer.replicas, prod.applicationSet.replicas, prod["redis-ha"].enabled, prod.redis.enabled]).toEqual([2, 2, 2, true, false]);
    expect([dev.server.replicas, dev.repoServer.replicas, dev.applicationSet.replicas, dev["redis-ha"].enabled, dev.redis.enabled]).toEqual([1, 1, 1, false, true]);
  });
});
