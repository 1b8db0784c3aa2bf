import path from "node:path";
import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ResourceQuotaV1 } from "@cdktf/provider-kubernetes/lib/resource-quota-v1";
import { DeploymentError, parseDeployment, type Deployment } from "@gpp/deployment";
import { Testing } from "cdktf";
import type {} from "@gpp/stack/testing";
import { describe, expect, it } from "vitest";
import { synthCli } from "./synth-cli";
import { loadChartSchema } from "../src/chart-values";
import { HelmStack } from "../src/stack";
import { tenantQuota } from "./tenant-quota";
import { loadDefaultDeployment, releaseValuesByNamespace, synthesize, type SynthesizedStack } from "./default-deployment";

const deployment = loadDefaultDeployment();
const synthesized = Testing.synth(new HelmStack(Testing.app(), deployment));
// The same synth, parsed (synthesize would run it again).
const stack = JSON.parse(synthesized) as SynthesizedStack;
const releases = Object.values(stack.resource.helm_release ?? {});
const traefik = releases.find((r) => r.name === "traefik") as Record<string, unknown>;
const traefikValues = JSON.parse((traefik.values as string[])[0] ?? "{}");

const withTenants = (yamlTenants: string): Deployment =>
  parseDeployment(`deployment_id: gpp0\nenv: dev\nregion: eu-west-1\ntenants:\n${yamlTenants}`, "deployments/gpp0.yaml");

/**
 * Peak number of pods a ResourceQuota counts during a rolling update of a Deployment at `replicas`,
 * one tick per second. A model of kubernetes pkg/controller/deployment: the new ReplicaSet grows to
 * min(replicas + maxSurge - sum of all ReplicaSets' spec.replicas, replicas - its own)
 * (util/deployment_util.go NewRSNewReplicas); the old ones shrink by
 * all spec.replicas - (replicas - maxUnavailable) - the new set's unavailable pods
 * (rolling.go reconcileOldReplicaSets). A ReplicaSet replaces pods by their spec count and ignores
 * terminating ones, while the quota counts a deleted pod until it is gone or past deletionTimestamp +
 * grace (pkg/quota/v1/evaluator/core/pods.go QuotaV1Pod): `countedFor` seconds here.
 */
function rolloutPeakPods(o: { replicas: number; maxSurge: number; maxUnavailable: number; readyAfter: number; countedFor: number }): number {
  let oldSpec = o.replicas;
  let oldPods = o.replicas;
  let newSpec = 0;
  const newPods: number[] = []; // creation times
  let terminating: number[] = []; // deletion times
  let peak = 0;
  for (let t = 0; t < 10_000; t++) {
    terminating = terminating.filter((deletedAt) => t - deletedAt < o.countedFor);
    const newAvailable = newPods.filter((createdAt) => t - createdAt >= o.readyAfter).length;
    newSpec += Math.max(0, Math.min(o.replicas + o.maxSurge - (oldSpec + newSpec), o.replicas - newSpec));
    const scaleDown = Math.min(oldSpec, oldSpec + newSpec - (o.replicas - o.maxUnavailable) - (newSpec - newAvailable));
    if (scaleDown > 0) oldSpec -= scaleDown;
    while (newPods.length < newSpec) newPods.push(t);
    while (oldPods > oldSpec) {
      oldPods -= 1;
      terminating.push(t);
    }
    peak = Math.max(peak, oldPods + newPods.length + terminating.length);
    if (oldPods === 0 && newAvailable === o.replicas && terminating.length === 0) return peak;
  }
  throw new Error("the rollout did not finish");
}

describe("the helm stack", () => {
  it("finds the cluster by the shared name and configures both providers from it", () => {
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsEksCluster, { name: "dev-eks-gpp0" });
    const helmProvider = stack.provider.helm?.[0] as { kubernetes: Record<string, unknown> };
    expect(helmProvider.kubernetes.host).toMatch(/^\$\{data\.aws_eks_cluster\.\S+\.endpoint\}$/);
    expect(stack.provider.kubernetes?.[0]?.host).toBe(helmProvider.kubernetes.host);
  });

  it("gets a fresh API token from the AWS CLI on every call, so long applies outlive the 15-minute token", () => {
    const exec = {
      api_version: "client.authentication.k8s.io/v1beta1",
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", "dev-eks-gpp0", "--region", "eu-west-1", "--output", "json"],
    };
    const helmProvider = stack.provider.helm?.[0] as { kubernetes: Record<string, unknown> };
    expect(helmProvider.kubernetes.exec).toEqual(exec);
    expect(stack.provider.kubernetes?.[0]?.exec).toEqual([exec]);
    expect(helmProvider.kubernetes).not.toHaveProperty("token");
    expect(stack.provider.kubernetes?.[0]?.cluster_ca_certificate).toMatch(/base64decode/);
  });

  it("installs Traefik pinned to 41.3.0 from its repository, in its own restricted namespace", () => {
    expect(traefik).toMatchObject({
      repository: "https://traefik.github.io/charts",
      chart: "traefik",
      version: "41.3.0",
      namespace: "traefik",
    });
    expect(synthesized).toHaveResourceWithProperties(NamespaceV1, {
      metadata: { name: "traefik", labels: expect.objectContaining({ "pod-security.kubernetes.io/enforce": "restricted" }) },
    });
  });

  it("publishes only port 80 on the NLB without a certificate: no 443 with Traefik's self-signed default", () => {
    expect(traefikValues.ports).toEqual({ websecure: { expose: { default: false } } });
  });

  it("exposes Traefik through an internet-facing Auto Mode NLB, without the unsupported annotations", () => {
    expect(traefikValues.service.spec).toEqual({
      type: "LoadBalancer",
      loadBalancerClass: "eks.amazonaws.com/nlb",
      externalTrafficPolicy: "Local",
    });
    expect(traefikValues.service.annotations).toEqual({
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
      "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": expect.any(String),
    });
    const text = JSON.stringify(traefikValues);
    for (const unsupported of ["aws-load-balancer-type", "aws-load-balancer-internal", "load-balancer-source-ranges"]) {
      expect(text).not.toContain(unsupported);
    }
  });

  it("runs Traefik HA: autoscaled from one replica per zone, PDB, spread across zones, Prometheus metrics on", () => {
    expect(traefikValues.deployment.replicas).toBeNull();
    expect(traefikValues.autoscaling).toMatchObject({ enabled: true, minReplicas: 3, maxReplicas: 10 });
    expect(traefikValues.podDisruptionBudget).toEqual({ enabled: true, maxUnavailable: 1 });
    expect(traefikValues.topologySpreadConstraints[0]).toMatchObject({
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "DoNotSchedule",
      labelSelector: { matchLabels: { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-traefik" } },
    });
    expect(traefikValues.metrics.prometheus).toMatchObject({ entryPoint: "metrics", addEntryPointsLabels: true });
    expect(traefikValues.ingressClass).toEqual({ enabled: true, isDefaultClass: false, name: "traefik" });
  });

  it("turns on NetworkPolicy enforcement through the amazon-vpc-cni ConfigMap", () => {
    expect(synthesized).toHaveResourceWithProperties(ConfigMapV1, {
      metadata: { name: "amazon-vpc-cni", namespace: "kube-system" },
      data: { "enable-network-policy-controller": "true" },
    });
  });

  it("gives every tenant a restricted namespace, a quota, a limit range and one release of the local chart", () => {
    const tenantReleases = releases.filter((r) => (r.namespace as string).startsWith("tenant-"));
    expect(tenantReleases.map((r) => [r.name, r.namespace])).toEqual([
      ["acme", "tenant-acme"],
      ["globex", "tenant-globex"],
      ["initech", "tenant-initech"],
    ]);
    for (const tenant of deployment.tenants) {
      expect(synthesized).toHaveResourceWithProperties(NamespaceV1, {
        metadata: {
          name: `tenant-${tenant.id}`,
          labels: expect.objectContaining({
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "v1.35",
          }),
        },
      });
      expect(synthesized).toHaveResourceWithProperties(ResourceQuotaV1, {
        metadata: expect.objectContaining({ namespace: `tenant-${tenant.id}` }),
        spec: { hard: expect.objectContaining({ pods: "21", "services.loadbalancers": "0", "requests.cpu": "4" }) },
      });
    }
    expect(Object.keys(stack.resource.kubernetes_limit_range_v1 ?? {})).toHaveLength(3);
  });

  it("points every release at one chart asset, relative to the stack output", () => {
    const charts = new Set(releases.filter((r) => (r.namespace as string).startsWith("tenant-")).map((r) => r.chart as string));
    expect(charts.size).toBe(1);
    const [chart] = charts;
    expect(chart).toMatch(/^assets\/tech-interview-chart\/[A-F0-9]+$/);
    expect(path.isAbsolute(chart ?? "")).toBe(false);
  });

  it("passes each tenant its host from the descriptor and the ingress controller it must admit", () => {
    const values = releaseValuesByNamespace(stack);
    expect(values.get("tenant-acme")).toMatchObject({
      ingress: { enabled: true, className: "traefik", host: "acme.gpp0.dev.tech-interview.internal" },
      networkPolicy: { ingressControllerNamespace: "traefik" },
      image: { repository: "gradyent/tech-interview", tag: "latest", digest: "" },
    });
  });

  it("sizes a tenant's quota for the pods its values allow at its own container sizes, never below the floor", () => {
    const quotaOf = (values: Record<string, unknown>) => tenantQuota(values);
    // Defaults: 10 running + 10 terminating + the helm test pod fit inside the floor.
    expect(quotaOf({ autoscaling: { enabled: true } })).toEqual({
      pods: 21,
      requests: { cpu: "4", memory: "4Gi" },
      limits: { cpu: "16", memory: "8Gi" },
    });
    // 40 replicas: 80 x 500m + 100m of CPU limits, 80 x 50m + 10m of CPU requests, 80 x 128Mi + 32Mi of memory limits.
    expect(quotaOf({ autoscaling: { enabled: true, maxReplicas: 40 } })).toEqual({
      pods: 81,
      requests: { cpu: "4010m", memory: "4Gi" },
      limits: { cpu: "40100m", memory: "10272Mi" },
    });
    // Bigger pods: 20 x 1Gi + 32Mi of memory limits, 20 x 400m + 10m of CPU requests.
    const big = { autoscaling: { enabled: true }, resources: { requests: { cpu: "400m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } } };
    expect(quotaOf(big)).toEqual({
      pods: 21,
      requests: { cpu: "8010m", memory: "10256Mi" },
      limits: { cpu: "20100m", memory: "20512Mi" },
    });
    // Without an autoscaler: 2 x replicaCount + helm test.
    expect(quotaOf({ replicaCount: 2 }).pods).toBe(5);
    const d = withTenants("  - id: acme\n    values:\n      autoscaling:\n        maxReplicas: 40\n");
    const [quota] = Object.values(synthesize(d).resource.kubernetes_resource_quota_v1 ?? {});
    expect((quota?.spec as { hard: Record<string, string> }).hard).toMatchObject({ pods: "81", "limits.cpu": "40100m" });
  });

  // The longest a deleted pod counts: deletionTimestamp (delete + grace period) + grace period.
  const counted = 2 * (loadChartSchema().defaults.termination as { gracePeriodSeconds: number }).gracePeriodSeconds;
  it.each([
    // [maxReplicas, maxSurge, maxUnavailable, seconds until a new pod is available, seconds a deleted pod is still counted]
    [10, 1, 0, 0, counted],
    [10, 1, 0, 3, counted],
    [10, 1, 0, 12, 20],
    [10, 3, 0, 0, counted],
    [10, 1, 2, 1, counted],
    [40, 1, 0, 2, counted],
    [3, 1, 0, 0, counted],
  ])(
    "leaves room for a rollout at maxReplicas=%i (maxSurge %i, maxUnavailable %i, ready after %i s, counted %i s after delete) and the helm test pod",
    (maxReplicas, maxSurge, maxUnavailable, readyAfter, countedFor) => {
      const peak = rolloutPeakPods({ replicas: maxReplicas, maxSurge, maxUnavailable, readyAfter, countedFor });
      // Only while the old pods still count does the rollout need more than maxReplicas + maxSurge.
      if (readyAfter * maxReplicas < countedFor) expect(peak).toBe(2 * maxReplicas);
      expect(peak + 1).toBeLessThanOrEqual(tenantQuota({ autoscaling: { enabled: true, maxReplicas } }).pods);
    },
  );

  it("leaves room for a scale-down to minReplicas followed by a scale-up to maxReplicas while the old pods terminate", () => {
    const { pods } = tenantQuota({ autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 10 } });
    const running = 10;
    const terminating = 10 - 3;
    expect(running + terminating + 1).toBeLessThanOrEqual(pods);
  });
  it("merges a tenant's own values over the stack's", () => {
    const d = withTenants("  - id: acme\n    values:\n      autoscaling:\n        maxReplicas: 20\n      replicaCount: 4\n");
    const values = releaseValuesByNamespace(synthesize(d)).get("tenant-acme");
    expect(values).toMatchObject({ autoscaling: { enabled: true, maxReplicas: 20 }, replicaCount: 4 });
    expect(synthesize(d).resource.kubernetes_resource_quota_v1).toBeDefined();
  });
});

describe("bad tenant input", () => {
  const errorOf = (d: Deployment): DeploymentError => {
    try {
      new HelmStack(Testing.app(), d);
    } catch (error) {
      if (error instanceof DeploymentError) return error;
      throw error;
    }
    throw new Error("expected a DeploymentError");
  };

  it("names the deployment file and every tenants[i].values field the chart schema rejects", () => {
    const error = errorOf(
      withTenants("  - id: acme\n  - id: globex\n    values:\n      replicas: 3\n      probes:\n        liveness:\n          path: hello\n"),
    );
    expect(error.message).toContain("gpp0.yaml: tenants[1].values.replicas");
    expect(error.problems.map((p) => p.field)).toEqual(["tenants[1].values.replicas", "tenants[1].values.probes.liveness.path"]);
  });

  it("refuses container sizes the tenant namespace's LimitRange would not admit", () => {
    const error = errorOf(
      withTenants(
        "  - id: acme\n    values:\n      resources:\n        requests: {cpu: 50m, memory: 256Mi}\n        limits: {cpu: '4', memory: 128Mi}\n",
      ),
    );
    expect(error.problems.map((p) => p.field)).toEqual(["tenants[0].values.resources.limits.cpu", "tenants[0].values.resources.requests.memory"]);
    expect(error.message).toContain("gpp0.yaml: tenants[0].values.resources.limits.cpu: 4 is above the tenant namespace's per-container maximum of 2");
  });

  it("refuses values that would override the host or the network policy", () => {
    const error = errorOf(withTenants("  - id: acme\n    values:\n      ingress:\n        host: evil.example.org\n      networkPolicy:\n        enabled: false\n"));
    expect(error.problems.map((p) => p.field)).toEqual(["tenants[0].values.ingress.host", "tenants[0].values.networkPolicy"]);
  });

  it("refuses a preStop sleep that would not end before the grace period, naming the field", () => {
    const error = errorOf(withTenants("  - id: acme\n    values:\n      termination:\n        preStopSleepSeconds: 30\n        gracePeriodSeconds: 20\n"));
    expect(error.problems.map((p) => p.field)).toEqual([
      "tenants[0].values.termination.preStopSleepSeconds",
      "tenants[0].values.termination.gracePeriodSeconds",
    ]);
    expect(error.message).toContain("gpp0.yaml: tenants[0].values.termination.preStopSleepSeconds: must be <= 25");
  });

  it("exits non-zero naming the field, and writes nothing", () => {
    const result = synthCli("deployment_id: gpp0\nenv: dev\nregion: eu-west-1\ntenants:\n  - id: acme\n    values:\n      replicaCount: many\n");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${result.file}: tenants[0].values.replicaCount: must be integer`);
    expect(result.written).toEqual([]);
  });

  it("inherits the descriptor's checks: tenant ids that are not DNS labels, duplicates, colliding hosts", () => {
    expect(() => withTenants("  - id: Acme_1\n")).toThrow(/tenants\[0\]\.id: must be a DNS label/);
    expect(() => withTenants("  - id: acme\n  - id: acme\n")).toThrow(/tenants\[1\]\.id: duplicate tenant "acme"/);
    expect(() => withTenants("  - id: acme\n  - id: globex\n    host: acme.gpp0.dev.tech-interview.internal\n")).toThrow(
      /tenants\[1\]\.host: host acme\.gpp0\.dev\.tech-interview\.internal is already used by tenants\[0\]/,
    );
  });
});
