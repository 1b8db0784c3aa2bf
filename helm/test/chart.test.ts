import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { contract } from "srv/contract";
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { CHART_DIR, coalesceValues } from "../src/chart-values";
import { loadDefaultDeployment, releaseValuesByNamespace, synthesize } from "./default-deployment";
import { helm, helmPath } from "./helm-binary";
import { helmTemplate } from "./helm-render";
import { validateManifest } from "./strict-kubernetes-schema";

type Manifest = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const chartMetadata = YAML.parse(readFileSync(path.join(CHART_DIR, "Chart.yaml"), "utf8")) as { version: string; kubeVersion: string };
const chartVersion = chartMetadata.version;
const chartDefaults = YAML.parse(readFileSync(path.join(CHART_DIR, "values.yaml"), "utf8")) as {
  probes: Record<"readiness" | "liveness" | "startup", Record<string, unknown>>;
  termination: { preStopSleepSeconds: number; gracePeriodSeconds: number };
};
const workDir = mkdtempSync(path.join(tmpdir(), "helm-chart-test-"));

function runHelm(args: string[], values?: Record<string, unknown>) {
  const extra: string[] = [];
  if (values) {
    const file = path.join(workDir, `values-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(values));
    extra.push("-f", file);
  }
  const result = spawnSync(helmPath, [...args, ...extra], { encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Rendered once per input in the worker (./helm-render.ts): the tenants' releases are rendered by other files too.
const render = (release: string, namespace: string, values?: Record<string, unknown>): Manifest[] => helmTemplate(release, CHART_DIR, namespace, values, ["--include-crds"]);

const byKind = (manifests: Manifest[], kind: string): Manifest[] => manifests.filter((m) => m.kind === kind);
const one = (manifests: Manifest[], kind: string): Manifest => {
  const found = byKind(manifests, kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as Manifest;
};

describe.skipIf(!helm.found)("the tech-interview chart, rendered by helm", () => {
  const deployment = loadDefaultDeployment();
  const tenantValues = releaseValuesByNamespace(synthesize(deployment));
  const rendered = new Map<string, Manifest[]>();

  beforeAll(() => {
    for (const tenant of deployment.tenants) {
      const namespace = `tenant-${tenant.id}`;
      rendered.set(tenant.id, render(tenant.id, namespace, tenantValues.get(namespace)));
    }
  });

  it("passes helm lint --strict with its defaults and with every tenant's values", () => {
    const defaults = runHelm(["lint", "--strict", CHART_DIR]);
    expect(defaults.status, defaults.stdout + defaults.stderr).toBe(0);
    for (const [namespace, values] of tenantValues) {
      const result = runHelm(["lint", "--strict", CHART_DIR, "--namespace", namespace], values);
      expect(result.status, result.stdout + result.stderr).toBe(0);
    }
  });

  it("renders one release per tenant of the default deployment, with the values the stack synthesizes", () => {
    expect([...tenantValues.keys()].sort()).toEqual(["tenant-acme", "tenant-globex", "tenant-initech"]);
    expect([...rendered.keys()].sort()).toEqual(["acme", "globex", "initech"]);
  });

  it("renders only manifests that match the Kubernetes schemas, with no unknown fields", () => {
    for (const [tenant, manifests] of rendered) {
      // The helm test hook pod is rendered too (helm template includes hooks).
      expect(manifests.map((m) => m.kind).sort(), tenant).toEqual(
        // dev deployments scale to zero off hours: KEDA's ScaledObject instead of an HPA.
        ["Deployment", "Ingress", "NetworkPolicy", "Pod", "PodDisruptionBudget", "ScaledObject", "Service", "ServiceAccount"],
      );
      for (const manifest of manifests) {
        expect(validateManifest(manifest), `${tenant} ${manifest.kind}`).toEqual([]);
      }
    }
  });

  it("probes the service's contract: readiness GET / and liveness GET /hello on the named port 8080", () => {
    for (const manifests of rendered.values()) {
      const container = one(manifests, "Deployment").spec.template.spec.containers[0];
      expect(container.ports).toEqual([{ name: contract.portName, containerPort: contract.port, protocol: "TCP" }]);
      expect(container.readinessProbe.httpGet).toEqual({ path: contract.readiness.path, port: contract.portName });
      expect(container.livenessProbe.httpGet).toEqual({ path: contract.liveness.path, port: contract.portName });
      expect(container.startupProbe.httpGet).toEqual({ path: contract.liveness.path, port: contract.portName });
      expect(container.startupProbe.failureThreshold * container.startupProbe.periodSeconds).toBeGreaterThanOrEqual(30);
      // The timings are the chart's values, and each answer has time to arrive before the next probe.
      for (const [probe, key] of [["readinessProbe", "readiness"], ["livenessProbe", "liveness"], ["startupProbe", "startup"]] as const) {
        const { path: _path, ...timings } = chartDefaults.probes[key];
        expect(container[probe], probe).toMatchObject(timings);
        expect(container[probe].timeoutSeconds, probe).toBeLessThanOrEqual(container[probe].periodSeconds);
      }
      // A restart needs a sustained failure (20 s or more), not one slow answer.
      expect(container.livenessProbe.periodSeconds * container.livenessProbe.failureThreshold).toBeGreaterThanOrEqual(20);
      expect(container.resources.requests).toBeDefined();
      expect(container.resources.limits).toBeDefined();
    }
  });

  it("runs the image latest with pull policy Always, amd64 only, and pins it when a digest is given", () => {
    const deploymentManifest = one(rendered.get("acme") ?? [], "Deployment");
    const pod = deploymentManifest.spec.template.spec;
    expect(pod.containers[0].image).toBe(`${contract.image}:latest`);
    expect(pod.containers[0].imagePullPolicy).toBe("Always");
    expect(pod.nodeSelector["kubernetes.io/arch"]).toBe(contract.platform.architecture);
    const digest = `sha256:${"a".repeat(64)}`;
    const pinned = one(render("acme", "tenant-acme", { image: { digest } }), "Deployment").spec.template.spec.containers[0];
    expect(pinned.image).toBe(`${contract.image}:latest@${digest}`);
    expect(pinned.imagePullPolicy).toBe("IfNotPresent");
  });

  it("meets the restricted Pod Security profile with a read-only root filesystem, token not mounted", () => {
    for (const manifests of rendered.values()) {
      const pods = [one(manifests, "Deployment").spec.template.spec, one(manifests, "Pod").spec];
      for (const pod of pods) {
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(pod.enableServiceLinks).toBe(false);
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
        for (const container of pod.containers) {
          expect(container.securityContext).toEqual({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
          });
        }
      }
      expect(one(manifests, "ServiceAccount").automountServiceAccountToken).toBe(false);
    }
  });

  it("rolls out without losing capacity, spreads across zones and nodes, and has a PDB", () => {
    const manifests = rendered.get("globex") ?? [];
    const deploymentManifest = one(manifests, "Deployment");
    // An autoscaler owns the replica count.
    expect(deploymentManifest.spec.replicas).toBeUndefined();
    expect(deploymentManifest.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    const selector = deploymentManifest.spec.selector.matchLabels;
    const spread = deploymentManifest.spec.template.spec.topologySpreadConstraints;
    expect(spread.map((c: Manifest) => c.topologyKey)).toEqual(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
    expect(spread.map((c: Manifest) => [c.maxSkew, c.whenUnsatisfiable])).toEqual([
      [1, "DoNotSchedule"],
      [1, "ScheduleAnyway"],
    ]);
    for (const constraint of spread) {
      expect(constraint.labelSelector.matchLabels).toEqual(selector);
      // Only pods of the same ReplicaSet count, so a rollout spreads the new pods too.
      expect(constraint.matchLabelKeys).toEqual(["pod-template-hash"]);
    }
    const pdb = one(manifests, "PodDisruptionBudget");
    expect(pdb.spec.selector.matchLabels).toEqual(selector);
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.unhealthyPodEvictionPolicy).toBe("AlwaysAllow");
  });

  it("keeps serving while Traefik stops routing to a deleted pod: a native preStop sleep, shorter than the grace period", () => {
    const { preStopSleepSeconds, gracePeriodSeconds } = chartDefaults.termination;
    expect(preStopSleepSeconds).toBeLessThan(gracePeriodSeconds);
    for (const manifests of rendered.values()) {
      const pod = one(manifests, "Deployment").spec.template.spec;
      expect(pod.terminationGracePeriodSeconds).toBe(gracePeriodSeconds);
      // The sleep action, not exec: the image has no shell or sleep binary.
      expect(pod.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: preStopSleepSeconds } } });
    }
    const custom = one(render("acme", "tenant-acme", { termination: { preStopSleepSeconds: 20, gracePeriodSeconds: 45 } }), "Deployment").spec.template.spec;
    expect([custom.containers[0].lifecycle.preStop.sleep.seconds, custom.terminationGracePeriodSeconds]).toEqual([20, 45]);
    // lifecycle.preStop.sleep is on by default from Kubernetes 1.30 (KEP-3960: alpha 1.29, beta 1.30, GA
    // 1.34): the chart installs on nothing older, and the descriptor's default cluster is newer.
    expect(chartMetadata.kubeVersion).toBe(">= 1.30.0-0");
    expect(Number(deployment.cluster.kubernetes_version.split(".")[1])).toBeGreaterThanOrEqual(30);
  });

  it("scales a dev tenant to zero off hours with a KEDA ScaledObject (cron + cpu) and no HPA of its own", () => {
    const offHours = deployment.scaling.off_hours;
    expect(offHours).toBeDefined();
    for (const [tenant, manifests] of rendered) {
      const deploymentManifest = one(manifests, "Deployment");
      const scaledObject = one(manifests, "ScaledObject");
      expect(scaledObject.apiVersion).toBe("keda.sh/v1alpha1");
      expect(scaledObject.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: deploymentManifest.metadata.name });
      expect(scaledObject.spec.minReplicaCount).toBe(0);
      expect(scaledObject.spec.maxReplicaCount).toBe(10);
      expect(scaledObject.spec.triggers).toEqual([
        {
          type: "cron",
          metadata: { timezone: offHours?.timezone, start: offHours?.scale_up, end: offHours?.scale_down, desiredReplicas: "3" },
        },
        { type: "cpu", metricType: "Utilization", metadata: { value: "70" } },
      ]);
      // Takes over an HPA of chart 0.2.0 by name, and restores the replicas when deleted (day2.test.ts).
      expect(scaledObject.metadata.annotations).toEqual({ "scaledobject.keda.sh/transfer-hpa-ownership": "true" });
      expect(scaledObject.spec.advanced).toEqual({
        horizontalPodAutoscalerConfig: { name: deploymentManifest.metadata.name },
        restoreToOriginalReplicaCount: true,
      });
      // KEDA creates and owns the HPA; a second one on the same Deployment would fight it.
      expect(byKind(manifests, "HorizontalPodAutoscaler"), tenant).toEqual([]);
      expect(deploymentManifest.spec.replicas, tenant).toBeUndefined();
    }
  });

  it("keeps node drains possible at zero or one replica: the PDB never uses minAvailable", () => {
    for (const values of [undefined, { autoscaling: { minReplicas: 1 } }]) {
      const manifests = render("acme", "tenant-acme", coalesceValues(tenantValues.get("tenant-acme") ?? {}, values ?? {}));
      const pdb = one(manifests, "PodDisruptionBudget");
      expect(pdb.spec.minAvailable).toBeUndefined();
      expect(pdb.spec.maxUnavailable).toBeGreaterThanOrEqual(1);
    }
  });

  it("has an autoscaling/v2 HPA instead when autoscaling is on without KEDA (prod)", () => {
    const manifests = render("globex", "tenant-globex", { autoscaling: { enabled: true } });
    const deploymentManifest = one(manifests, "Deployment");
    expect(deploymentManifest.spec.replicas).toBeUndefined();
    expect(byKind(manifests, "ScaledObject")).toEqual([]);
    const hpa = one(manifests, "HorizontalPodAutoscaler");
    expect(hpa.apiVersion).toBe("autoscaling/v2");
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: deploymentManifest.metadata.name });
    expect(hpa.spec.minReplicas).toBe(3);
    // Not the full name, which a ScaledObject's HPA takes; and open to a ScaledObject (day2.test.ts).
    expect(hpa.metadata.name).toBe(`${deploymentManifest.metadata.name}-hpa`);
    expect(hpa.metadata.annotations).toEqual({ "validations.keda.sh/hpa-ownership": "false" });
    for (const manifest of manifests) expect(validateManifest(manifest), manifest.kind).toEqual([]);
  });

  it("defaults to 3 replicas and no HPA when autoscaling is off", () => {
    const manifests = render("plain", "default");
    expect(one(manifests, "Deployment").spec.replicas).toBe(3);
    expect(byKind(manifests, "HorizontalPodAutoscaler")).toEqual([]);
    expect(byKind(manifests, "ScaledObject")).toEqual([]);
    expect(byKind(manifests, "Ingress")).toEqual([]);
  });

  it("admits traffic only from the ingress controller's pods (and its own helm test) to port 8080", () => {
    const manifests = rendered.get("acme") ?? [];
    const policy = one(manifests, "NetworkPolicy");
    expect(policy.spec.podSelector.matchLabels).toEqual(one(manifests, "Deployment").spec.selector.matchLabels);
    // The service calls nothing: every egress is denied (kubelet probes and replies are not egress).
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy.spec.egress ?? []).toEqual([]);
    expect(policy.spec.ingress).toHaveLength(1);
    const [rule] = policy.spec.ingress;
    expect(rule.ports).toEqual([{ port: contract.port, protocol: "TCP" }]);
    expect(rule.from[0]).toEqual({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "traefik" } },
      podSelector: { matchLabels: { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-traefik" } },
    });
    expect(rule.from[1]).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/instance": "acme", "app.kubernetes.io/component": "helm-test" } },
    });
    // The test pod must not be selected as a replica by the Service.
    const testPod = one(manifests, "Pod");
    expect(testPod.metadata.labels["app.kubernetes.io/name"]).toBeUndefined();
  });

  it("routes the tenant's host through the shared IngressClass to the Service on port 80", () => {
    for (const tenant of deployment.tenants) {
      const manifests = rendered.get(tenant.id) ?? [];
      const ingress = one(manifests, "Ingress");
      const service = one(manifests, "Service");
      expect(ingress.spec.ingressClassName).toBe("traefik");
      expect(ingress.spec.rules).toEqual([
        {
          host: tenant.host,
          http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: service.metadata.name, port: { name: "http" } } } }] },
        },
      ]);
      expect(service.spec.type).toBe("ClusterIP");
      expect(service.spec.ports).toEqual([{ name: "http", port: 80, targetPort: contract.portName, protocol: "TCP" }]);
    }
  });

  it("labels every object with the standard app.kubernetes.io and helm.sh/chart labels", () => {
    for (const [tenant, manifests] of rendered) {
      for (const manifest of manifests.filter((m) => m.kind !== "Pod")) {
        expect(manifest.metadata.labels, `${tenant} ${manifest.kind}`).toMatchObject({
          "app.kubernetes.io/name": "tech-interview",
          "app.kubernetes.io/instance": tenant,
          "app.kubernetes.io/managed-by": "Helm",
          "app.kubernetes.io/part-of": "tech-interview",
          "app.kubernetes.io/version": "latest",
          "helm.sh/chart": `tech-interview-${chartVersion}`,
        });
      }
    }
  });

  it("has a helm test hook that checks both endpoints' bodies through the Service, with a pinned image", () => {
    const pod = one(rendered.get("acme") ?? [], "Pod");
    expect(pod.metadata.annotations["helm.sh/hook"]).toBe("test");
    // A failed test pod stays for its logs; the next run replaces it.
    expect(pod.metadata.annotations["helm.sh/hook-delete-policy"]).toBe("before-hook-creation,hook-succeeded");
    expect(pod.spec.restartPolicy).toBe("Never");
    const container = pod.spec.containers[0];
    expect(container.image).toMatch(/^busybox:1\.37\.0@sha256:[a-f0-9]{64}$/);
    const env = Object.fromEntries(container.env.map((e: Manifest) => [e.name, e.value]));
    expect(env).toEqual({
      BASE_URL: "http://acme-tech-interview:80",
      READINESS_PATH: contract.readiness.path,
      // The contract's accepted forms (the real image's and the documented bodies); test-connection.test.ts runs the script.
      READINESS_BODIES: contract.readiness.accepted.join(" "),
      LIVENESS_PATH: contract.liveness.path,
      LIVENESS_BODIES: contract.liveness.accepted.join(" "),
    });
    // The sizes the tenant quota counts for this pod (helm/src/stack.ts reads the same values).
    expect(container.resources).toEqual({ requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } });
  });

  it.each([
    ["an unknown key", { replicas: 3 }, "additional properties 'replicas' not allowed"],
    ["a wrong type", { replicaCount: "three" }, "/replicaCount"],
    ["a probe path without a leading slash", { probes: { liveness: { path: "hello" } } }, "/probes/liveness/path"],
    ["an unknown nested key", { image: { pullPolicy: "Always", registry: "docker.io" } }, "'registry' not allowed"],
    ["a bad digest", { image: { digest: "sha256:abc" } }, "/image/digest"],
    ["an ingress without a host", { ingress: { enabled: true } }, "/ingress/host"],
    ["KEDA without autoscaling", { keda: { enabled: true, offHours: { scaleUp: "0 7 * * *", scaleDown: "0 19 * * *" } } }, "/autoscaling/enabled"],
    ["KEDA without a schedule", { autoscaling: { enabled: true }, keda: { enabled: true } }, "/keda/offHours/scaleUp"],
    ["a block deleted with null", { probes: null }, "missing property 'probes'"],
    ["a quantity Kubernetes would not parse", { resources: { limits: { cpu: "1.2.3" } } }, "/resources/limits/cpu"],
    ["an unknown key in the helm test's resources", { helmTest: { resources: { limits: { gpu: "1" } } } }, "'gpu' not allowed"],
    ["a preStop sleep as long as the grace period", { termination: { preStopSleepSeconds: 30, gracePeriodSeconds: 30 } }, "/termination/preStopSleepSeconds"],
    ["a grace period that leaves less than 5 s after the longest sleep", { termination: { gracePeriodSeconds: 29 } }, "/termination/gracePeriodSeconds"],
    ["a helm test body not in the rule's normal form (upper case)", { helmTest: { expect: { readinessBodies: ["OK"] } } }, "/helmTest/expect/readinessBodies/0"],
    ["a helm test body with a space (the pod splits the list on spaces)", { helmTest: { expect: { livenessBodies: ["world peace"] } } }, "/helmTest/expect/livenessBodies/0"],
    ["no accepted helm test body at all", { helmTest: { expect: { livenessBodies: [] } } }, "/helmTest/expect/livenessBodies"],
    ["the old single-body key", { helmTest: { expect: { readinessBody: "OK" } } }, "'readinessBody' not allowed"],
    ["a schedule that is not 5-field cron", { autoscaling: { enabled: true }, keda: { enabled: true, offHours: { scaleUp: "@daily", scaleDown: "0 19 * * *" } } }, "/keda/offHours/scaleUp"],
  ])("rejects %s", (_name, values, expected) => {
    const result = runHelm(["template", "bad", CHART_DIR], values);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(expected);
  });
});
