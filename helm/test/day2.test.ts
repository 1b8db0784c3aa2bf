import { DataAwsAcmCertificate } from "@cdktf/provider-aws/lib/data-aws-acm-certificate";
import { DataAwsLbHostedZoneId } from "@cdktf/provider-aws/lib/data-aws-lb-hosted-zone-id";
import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { ClusterRoleBindingV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-binding-v1";
import { ClusterRoleV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { DeploymentError, PROMETHEUS_COLLECTOR_USER, parseDeployment, type Deployment } from "@gpp/deployment";
import { Testing } from "cdktf";
import type {} from "@gpp/stack/testing";
import { describe, expect, it } from "vitest";
import { CHART_DIR } from "../src/chart-values";
import { HelmStack } from "../src/stack";
import { loadDefaultDeployment, releaseValuesByNamespace, synthesize, type SynthesizedStack } from "./default-deployment";
import { helm } from "./helm-binary";
import { helmTemplate } from "./helm-render";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const descriptor = (body: string): Deployment => parseDeployment(body, "deployments/test.yaml");
const devWith = (extra: string): Deployment =>
  descriptor(`deployment_id: gpp0\nenv: dev\nregion: eu-west-1\n${extra}tenants:\n  - id: acme\n  - id: globex\n`);
const prod = descriptor(
  "deployment_id: gpp9\nenv: prod\nregion: eu-west-1\ncluster:\n  public_access_cidrs: [203.0.113.0/24]\nstate: {backend: s3, bucket: example-gpp-terraform-state}\ntenants:\n  - id: acme\n",
);
const withZone = devWith("ingress:\n  hosted_zone: example.org\n  base_domain: apps.example.org\n");

const helmReleases = (stack: SynthesizedStack): Json[] => Object.values(stack.resource.helm_release ?? {});
const release = (stack: SynthesizedStack, name: string): Json | undefined => helmReleases(stack).find((r) => r.name === name);
const valuesOf = (r: Json | undefined): Json => JSON.parse((r?.values as string[] | undefined)?.[0] ?? "{}") as Json;
/** `${helm_release.<id>.…}` names of a resource's depends_on. */
const dependsOn = (r: Json): string[] => (r.depends_on as string[] | undefined) ?? [];
const idOf = (stack: SynthesizedStack, type: string, match: (r: Json) => boolean): string => {
  const entry = Object.entries(stack.resource[type] ?? stack.data[type] ?? {}).find(([, r]) => match(r));
  if (!entry) throw new Error(`no ${type} matched`);
  return `${type}.${entry[0]}`;
};

describe("off-hours scale-to-zero with KEDA", () => {
  const dev = loadDefaultDeployment();
  const stack = synthesize(dev);

  it("installs KEDA 2.20.2 from its repository into its own restricted namespace when the deployment has a schedule", () => {
    expect(dev.scaling.off_hours).toBeDefined();
    expect(release(stack, "keda")).toMatchObject({
      repository: "https://kedacore.github.io/charts",
      chart: "keda",
      version: "2.20.2",
      namespace: "keda",
    });
    expect(valuesOf(release(stack, "keda"))).toEqual({ crds: { install: true }, nodeSelector: { "karpenter.sh/nodepool": "workloads" } });
    expect(Testing.synth(new HelmStack(Testing.app(), dev))).toHaveResourceWithProperties(NamespaceV1, {
      metadata: { name: "keda", labels: expect.objectContaining({ "pod-security.kubernetes.io/enforce": "restricted" }) },
    });
  });

  it("passes the descriptor's schedule into every tenant's values, and installs each tenant after KEDA's CRDs", () => {
    const offHours = dev.scaling.off_hours;
    for (const values of releaseValuesByNamespace(stack).values()) {
      expect(values.keda).toEqual({
        enabled: true,
        offHours: { timezone: offHours?.timezone, scaleUp: offHours?.scale_up, scaleDown: offHours?.scale_down },
      });
    }
    const kedaRelease = `helm_release.${Object.entries(stack.resource.helm_release ?? {}).find(([, r]) => r.name === "keda")?.[0]}`;
    for (const tenant of helmReleases(stack).filter((r) => (r.namespace as string).startsWith("tenant-"))) {
      expect(dependsOn(tenant)).toContain(kedaRelease);
    }
  });

  it("uses a custom schedule and time zone from the descriptor", () => {
    const d = devWith('scaling:\n  off_hours:\n    timezone: Europe/Amsterdam\n    scale_up: "30 6 * * 1-5"\n    scale_down: "0 20 * * 1-5"\n');
    expect(releaseValuesByNamespace(synthesize(d)).get("tenant-acme")?.keda).toEqual({
      enabled: true,
      offHours: { timezone: "Europe/Amsterdam", scaleUp: "30 6 * * 1-5", scaleDown: "0 20 * * 1-5" },
    });
  });

  it("leaves prod, and a dev deployment that turns it off, without KEDA: plain HPA, never zero", () => {
    for (const d of [prod, devWith("scaling:\n  off_hours: false\n")]) {
      const s = synthesize(d);
      expect(release(s, "keda"), d.env).toBeUndefined();
      for (const values of releaseValuesByNamespace(s).values()) {
        expect(values.keda).toBeUndefined();
        expect(values.autoscaling).toEqual({ enabled: true });
      }
    }
  });

  it("sizes the tenant quota for the most replicas KEDA may run, as many terminating, and the helm test pod", () => {
    const quotas = (s: SynthesizedStack) => Object.values(s.resource.kubernetes_resource_quota_v1 ?? {}).map((q) => q.spec as Json);
    for (const quota of quotas(stack)) expect(quota.hard.pods).toBe("21");
    const d = descriptor("deployment_id: gpp0\nenv: dev\nregion: eu-west-1\ntenants:\n  - id: acme\n    values:\n      autoscaling:\n        maxReplicas: 20\n");
    expect(quotas(synthesize(d))[0]?.hard.pods).toBe("41");
  });

  it("refuses a tenant's attempt to set or turn off KEDA itself, naming the field", () => {
    const d = descriptor("deployment_id: gpp0\nenv: dev\nregion: eu-west-1\ntenants:\n  - id: acme\n    values:\n      keda:\n        enabled: false\n");
    expect(() => new HelmStack(Testing.app(), d)).toThrow(/test\.yaml: tenants\[0\]\.values\.keda: is set by the helm stack/);
  });
});

describe("TLS at the NLB and a wildcard DNS record, when the descriptor names a hosted zone", () => {
  const stack = synthesize(withZone);
  const synthesized = Testing.synth(new HelmStack(Testing.app(), withZone));
  const traefik = valuesOf(release(stack, "traefik"));

  it("finds the newest ISSUED ACM certificate for *.<base domain> that iac created", () => {
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsAcmCertificate, {
      domain: "*.apps.example.org",
      statuses: ["ISSUED"],
      most_recent: true,
    });
  });

  it("makes the NLB listen on 443 with that certificate, and only 443 as TLS, with Auto Mode-supported annotations", () => {
    const certificate = idOf(stack, "aws_acm_certificate", () => true);
    expect(traefik.service.annotations).toEqual({
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
      "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": `\${data.${certificate}.arn}`,
      "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443",
      "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": expect.stringContaining("deployment="),
    });
    const text = JSON.stringify(traefik);
    for (const unsupported of ["aws-load-balancer-type", "aws-load-balancer-internal", "load-balancer-source-ranges", "proxy-protocol"]) {
      expect(text).not.toContain(unsupported);
    }
  });

  it("forwards 443 to Traefik's websecure entry point as plain HTTP and redirects port 80 to HTTPS, without a loop", () => {
    expect(traefik.ports).toEqual({
      web: { http: { redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } } } },
      websecure: { exposedPort: 443, http: { tls: { enabled: false } } },
    });
    // The entry point behind the TLS listener must not redirect, or HTTPS requests would loop.
    expect(traefik.ports.websecure.http.redirections).toBeUndefined();
  });

  it("points *.<base domain> in the zone at the Traefik Service's NLB, read after the release", () => {
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsRoute53Zone, { name: "example.org", private_zone: false });
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsLbHostedZoneId, { load_balancer_type: "network", region: "eu-west-1" });
    const service = Object.entries(stack.data.kubernetes_service_v1 ?? {});
    expect(service).toHaveLength(1);
    const [serviceId, serviceData] = service[0] as [string, Json];
    expect(serviceData.metadata).toEqual({ name: "traefik", namespace: "traefik" });
    const traefikRelease = idOf(stack, "helm_release", (r) => r.name === "traefik");
    expect(dependsOn(serviceData)).toContain(traefikRelease);
    const zone = idOf(stack, "aws_route53_zone", () => true);
    const lbZone = idOf(stack, "aws_lb_hosted_zone_id", () => true);
    expect(synthesized).toHaveResourceWithProperties(Route53Record, {
      zone_id: `\${data.${zone}.zone_id}`,
      name: "*.apps.example.org",
      type: "A",
      alias: {
        name: `\${data.kubernetes_service_v1.${serviceId}.status[0].load_balancer[0].ingress[0].hostname}`,
        zone_id: `\${data.${lbZone}.id}`,
        evaluate_target_health: true,
      },
    });
  });

  it("reports https URLs for the tenants", () => {
    const outputs = (JSON.parse(synthesized) as Json).output;
    expect(outputs.tenant_urls.value).toEqual({ acme: "https://acme.apps.example.org/", globex: "https://globex.apps.example.org/" });
  });

  it("rejects a tenant host the wildcard does not cover, naming the file and field", () => {
    const d = descriptor(
      "deployment_id: gpp0\nenv: dev\nregion: eu-west-1\ningress:\n  hosted_zone: example.org\n  base_domain: apps.example.org\ntenants:\n  - id: acme\n  - id: globex\n    host: a.b.apps.example.org\n",
    );
    let error: unknown;
    try {
      new HelmStack(Testing.app(), d);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeploymentError);
    expect((error as DeploymentError).message).toContain("deployments/test.yaml: tenants[1].host: a.b.apps.example.org is not <label>.apps.example.org");
  });

  it("stays plain HTTP with Host-header routing without a hosted zone: no certificate, record or TLS settings", () => {
    const plain = synthesize(loadDefaultDeployment());
    const values = valuesOf(release(plain, "traefik"));
    // No 443 on the NLB: it would serve Traefik's self-signed default certificate. Nothing redirects.
    expect(values.ports).toEqual({ websecure: { expose: { default: false } } });
    expect(values.service.annotations).toEqual({
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
      "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": expect.stringContaining("deployment="),
    });
    expect(plain.data.aws_acm_certificate).toBeUndefined();
    expect(plain.data.kubernetes_service_v1).toBeUndefined();
    expect(plain.resource.aws_route53_record).toBeUndefined();
    expect((plain as unknown as Json).output.tenant_urls.value.acme).toBe("http://acme.gpp0.dev.tech-interview.internal/");
  });
});

describe("Prometheus scraping", () => {
  const synthesized = Testing.synth(new HelmStack(Testing.app(), loadDefaultDeployment()));
  const traefik = valuesOf(release(synthesize(loadDefaultDeployment()), "traefik"));

  it("grants the managed collector's user AWS's read-only aps-collector-role", () => {
    expect(synthesized).toHaveResourceWithProperties(ClusterRoleV1, {
      metadata: expect.objectContaining({ name: "aps-collector-role" }),
      rule: [
        {
          api_groups: [""],
          resources: ["nodes", "nodes/proxy", "nodes/metrics", "services", "endpoints", "pods", "configmaps"],
          verbs: ["get", "list", "watch"],
        },
        { api_groups: ["networking.k8s.io"], resources: ["ingresses", "ingresses/status"], verbs: ["get", "list", "watch"] },
        { non_resource_urls: ["/metrics"], verbs: ["get"] },
      ],
    });
    expect(synthesized).toHaveResourceWithProperties(ClusterRoleBindingV1, {
      role_ref: { api_group: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "aps-collector-role" },
      subject: [{ api_group: "rbac.authorization.k8s.io", kind: "User", name: PROMETHEUS_COLLECTOR_USER }],
    });
  });

  it("keeps Traefik's prometheus.io pod annotations, which chart 41.3.0 adds while metrics.prometheus is on without a ServiceMonitor", () => {
    expect(traefik.metrics.prometheus.entryPoint).toBe("metrics");
    expect(traefik.metrics.prometheus.serviceMonitor?.enabled ?? false).toBe(false);
    // Nothing of ours may override the chart's own annotations.
    expect(JSON.stringify(traefik.deployment ?? {})).not.toContain("prometheus.io");
  });
});

/*
 * Switching `scaling.off_hours` on a live tenant swaps the chart's HPA for a KEDA ScaledObject (or back)
 * in one atomic `helm upgrade`. The tests render both revisions with `helm template` and replay the
 * upgrade against small models of what the controllers do, each citing the source it follows.
 */
type Obj = Json;
const key = (o: Obj): string => `${o.kind}/${o.metadata.name}`;
const annotationsOf = (o: Obj): Record<string, string> => (o.metadata.annotations as Record<string, string> | undefined) ?? {};
const ownersOf = (o: Obj): Json[] => (o.metadata.ownerReferences as Json[] | undefined) ?? [];
const targets = (a: Obj, b: Obj): boolean =>
  a.spec.scaleTargetRef.apiVersion === b.spec.scaleTargetRef.apiVersion &&
  a.spec.scaleTargetRef.kind === b.spec.scaleTargetRef.kind &&
  a.spec.scaleTargetRef.name === b.spec.scaleTargetRef.name;

/**
 * KEDA's admission rule for a ScaledObject: kedacore/keda v2.20.2, apis/keda/v1alpha1/scaledobject_webhook.go,
 * verifyHpas. Every HPA in the ScaledObject's namespace that targets the same workload, is not owned by
 * it and does not carry `validations.keda.sh/hpa-ownership: "false"` refuses it, unless the ScaledObject
 * carries `scaledobject.keda.sh/transfer-hpa-ownership: "true"` and names exactly that HPA in
 * spec.advanced.horizontalPodAutoscalerConfig.name. Returns the webhook's message, or undefined.
 */
function kedaWebhookRefusal(scaledObject: Obj, hpas: Obj[]): string | undefined {
  for (const hpa of hpas) {
    if (hpa.metadata.namespace !== scaledObject.metadata.namespace) continue;
    if (annotationsOf(hpa)["validations.keda.sh/hpa-ownership"] === "false") continue;
    if (!targets(hpa, scaledObject)) continue;
    if (ownersOf(hpa).some((o) => o.kind === "ScaledObject" && o.name === scaledObject.metadata.name)) continue;
    if (annotationsOf(scaledObject)["scaledobject.keda.sh/transfer-hpa-ownership"] === "true") {
      if (scaledObject.spec.advanced?.horizontalPodAutoscalerConfig?.name === hpa.metadata.name) continue;
      return `the existing hpa '${hpa.metadata.name}' for workload '${scaledObject.spec.scaleTargetRef.name}' must be specified by name in advanced settings to enable ownership transfer`;
    }
    return `the workload '${scaledObject.spec.scaleTargetRef.name}' is already managed by the hpa '${hpa.metadata.name}'`;
  }
  return undefined;
}

interface Cluster {
  objects: Map<string, Obj>;
  /** The Deployment's spec.replicas, which only the autoscalers set (the chart renders none). */
  replicas: number;
  /** KEDA's status.originalReplicaCount of each ScaledObject. */
  originalReplicas: Map<string, number>;
  /** KEDA's status.hpaName of each ScaledObject. */
  hpaNames: Map<string, string>;
}

const HELM_RELEASE_ANNOTATIONS = (release: string, namespace: string) => ({
  "meta.helm.sh/release-name": release,
  "meta.helm.sh/release-namespace": namespace,
});

/**
 * KEDA's reconcile of every ScaledObject (kedacore/keda v2.20.2 controllers/keda): the first one stores
 * the target's replicas as status.originalReplicaCount (scaledobject_controller.go
 * checkTargetResourceIsScalable); then the HPA named spec.advanced.horizontalPodAutoscalerConfig.name
 * (default keda-hpa-<name>) is created, or, when one of that name exists, overwritten with KEDA's own
 * object: the ScaledObject as its controller, its labels and its annotations copied from the
 * ScaledObject (ensureHPAForScaledObjectExists, hpa.go newHPAForScaledObject and updateHPAIfNeeded).
 * An HPA of another name in status.hpaName is deleted first (isHpaRenamed, renameHPA).
 */
function kedaReconcile(cluster: Cluster): void {
  for (const so of [...cluster.objects.values()].filter((o) => o.kind === "ScaledObject")) {
    if (!cluster.originalReplicas.has(so.metadata.name)) cluster.originalReplicas.set(so.metadata.name, cluster.replicas);
    const name = so.spec.advanced?.horizontalPodAutoscalerConfig?.name || `keda-hpa-${so.metadata.name}`;
    const previous = cluster.hpaNames.get(so.metadata.name);
    if (previous && previous !== name) cluster.objects.delete(`HorizontalPodAutoscaler/${previous}`);
    cluster.hpaNames.set(so.metadata.name, name);
    cluster.objects.set(`HorizontalPodAutoscaler/${name}`, {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: {
        name,
        namespace: so.metadata.namespace,
        labels: { "app.kubernetes.io/managed-by": "keda-operator", ...so.metadata.labels },
        annotations: { ...annotationsOf(so) },
        ownerReferences: [{ kind: "ScaledObject", name: so.metadata.name, controller: true }],
      },
      spec: { scaleTargetRef: so.spec.scaleTargetRef, minReplicas: 1, maxReplicas: so.spec.maxReplicaCount },
    });
  }
}

/**
 * Deleting an object: a ScaledObject first runs KEDA's finalizer, which with
 * spec.advanced.restoreToOriginalReplicaCount sets the target back to status.originalReplicaCount
 * (kedacore/keda v2.20.2 controllers/keda/scaledobject_finalizer.go finalizeScaledObject); then the
 * garbage collector deletes what the object controlled (its ownerReferences).
 */
function deleteObject(cluster: Cluster, object: Obj): void {
  cluster.objects.delete(key(object));
  if (object.kind === "ScaledObject" && object.spec.advanced?.restoreToOriginalReplicaCount) {
    cluster.replicas = cluster.originalReplicas.get(object.metadata.name) ?? cluster.replicas;
  }
  for (const dependent of [...cluster.objects.values()]) {
    if (ownersOf(dependent).some((o) => o.kind === object.kind && o.name === object.metadata.name)) deleteObject(cluster, dependent);
  }
}

/**
 * The HPA controller (kubernetes pkg/controller/podautoscaler/horizontal.go, reconcileAutoscaler): a
 * target at 0 replicas with minReplicas > 0 is left alone ("scaling is disabled since the replica count
 * of the target is zero"); otherwise the count is held inside [minReplicas, maxReplicas] (the metrics do
 * the rest). A Deployment at zero with only an HPA therefore stays at zero.
 */
function hpaControllerSync(cluster: Cluster): void {
  for (const hpa of [...cluster.objects.values()].filter((o) => o.kind === "HorizontalPodAutoscaler")) {
    const min = hpa.spec.minReplicas ?? 1;
    if (cluster.replicas === 0 && min !== 0) continue;
    cluster.replicas = Math.min(Math.max(cluster.replicas, min), hpa.spec.maxReplicas);
  }
}

/**
 * One `helm upgrade` from the `current` revision's manifests to `target`'s, as helm v4.1.4 performs it.
 * pkg/action/upgrade.go performUpgrade + validate.go existingResourceConflict: an object the new
 * revision adds that already exists is adopted only if it carries this release's ownership metadata,
 * else the upgrade fails. pkg/kube/client.go `update`: every target is created (admission decides) or
 * patched first, in the rendered order; objects the new revision dropped are deleted last. A patch is a
 * server-side apply: fields helm never set, such as another controller's ownerReferences, stay.
 * Returns the error that makes the atomic upgrade roll back, or undefined.
 */
function helmUpgrade(cluster: Cluster, current: Obj[], target: Obj[], releaseName: string): string | undefined {
  const currentKeys = new Set(current.map(key));
  for (const object of target) {
    const live = cluster.objects.get(key(object));
    if (live && !currentKeys.has(key(object))) {
      const annotations = annotationsOf(live);
      const owned =
        live.metadata.labels?.["app.kubernetes.io/managed-by"] === "Helm" &&
        annotations["meta.helm.sh/release-name"] === releaseName &&
        annotations["meta.helm.sh/release-namespace"] === live.metadata.namespace;
      if (!owned) return `${key(object)} exists and cannot be imported into the current release: invalid ownership metadata`;
    }
  }
  for (const object of target) {
    const withMetadata = {
      ...object,
      metadata: {
        ...object.metadata,
        annotations: { ...annotationsOf(object), ...HELM_RELEASE_ANNOTATIONS(releaseName, object.metadata.namespace) },
      },
    };
    const live = cluster.objects.get(key(object));
    // KEDA's webhook validates creates and updates alike (scaledobject_webhook.go ValidateCreate, ValidateUpdate).
    if (object.kind === "ScaledObject") {
      const hpas = [...cluster.objects.values()].filter((o) => o.kind === "HorizontalPodAutoscaler");
      const refusal = kedaWebhookRefusal(object, hpas);
      if (refusal) return `admission webhook "vscaledobject.kb.io" denied the request: ${refusal}`;
    }
    if (!live) {
      cluster.objects.set(key(object), withMetadata);
    } else {
      const ownerReferences = live.metadata.ownerReferences;
      cluster.objects.set(key(object), { ...withMetadata, metadata: { ...withMetadata.metadata, ...(ownerReferences ? { ownerReferences } : {}) } });
    }
  }
  // KEDA works while helm still runs: reconcile before the deletes, and again after them.
  kedaReconcile(cluster);
  const targetKeys = new Set(target.map(key));
  for (const object of current) {
    const live = cluster.objects.get(key(object));
    if (!targetKeys.has(key(object)) && live) deleteObject(cluster, live);
  }
  kedaReconcile(cluster);
  hpaControllerSync(cluster);
  return undefined;
}

function installed(manifests: Obj[], releaseName: string, replicas: number): Cluster {
  const cluster: Cluster = { objects: new Map(), replicas, originalReplicas: new Map(), hpaNames: new Map() };
  for (const o of manifests) {
    cluster.objects.set(key(o), { ...o, metadata: { ...o.metadata, annotations: { ...annotationsOf(o), ...HELM_RELEASE_ANNOTATIONS(releaseName, o.metadata.namespace) } } });
  }
  kedaReconcile(cluster);
  return cluster;
}

/** Renders the chart as the tenant's release would be: `helm template` with exactly the synthesized values. */
function renderTenant(d: Deployment, tenant: string): Obj[] {
  const namespace = `tenant-${tenant}`;
  const values = releaseValuesByNamespace(synthesize(d)).get(namespace) ?? {};
  return (helmTemplate(tenant, CHART_DIR, namespace, values) as Obj[]).filter((m) => !annotationsOf(m)["helm.sh/hook"]);
}

/**
 * The HPA revision as chart 0.2.0 rendered it (this repository before the off_hours transitions were
 * handled): the same HPA, named after the full name, without annotations.
 */
function asChart020(manifests: Obj[]): Obj[] {
  return manifests.map((o) => {
    if (o.kind !== "HorizontalPodAutoscaler") return o;
    const { annotations: _dropped, ...metadata } = o.metadata as Json;
    return { ...o, metadata: { ...metadata, name: o.spec.scaleTargetRef.name } };
  });
}

/** The ScaledObject as chart 0.2.0 rendered it: no annotations, no `advanced` block. */
function scaledObjectAsChart020(manifests: Obj[]): Obj[] {
  return manifests.map((o) => {
    if (o.kind !== "ScaledObject") return o;
    const { annotations: _annotations, ...metadata } = o.metadata as Json;
    const { advanced: _advanced, ...spec } = o.spec as Json;
    return { ...o, metadata, spec };
  });
}

const hpasOf = (cluster: Cluster): Obj[] => [...cluster.objects.values()].filter((o) => o.kind === "HorizontalPodAutoscaler");

describe.skipIf(!helm.found)("switching scaling.off_hours on a live tenant (helm upgrade between the two renderings)", () => {
  const withSchedule = devWith("");
  const withoutSchedule = devWith("scaling:\n  off_hours: false\n");
  const keda = renderTenant(withSchedule, "acme");
  const hpa = renderTenant(withoutSchedule, "acme");
  const deploymentName = (keda.find((o) => o.kind === "Deployment") as Obj).metadata.name as string;

  it("renders a ScaledObject with a schedule and the chart's HPA without one, never both", () => {
    expect(keda.map((o) => o.kind)).toContain("ScaledObject");
    expect(keda.map((o) => o.kind)).not.toContain("HorizontalPodAutoscaler");
    expect(hpa.map((o) => o.kind)).toContain("HorizontalPodAutoscaler");
    expect(hpa.map((o) => o.kind)).not.toContain("ScaledObject");
  });

  it.each([
    ["a release whose current revision is this chart", () => hpa],
    ["a release whose current revision is chart 0.2.0 (HPA without the opt-out annotation)", () => asChart020(hpa)],
  ])("off to a schedule passes KEDA's webhook for %s, and leaves exactly KEDA's HPA", (_name, current) => {
    const cluster = installed(current(), "acme", 4);
    expect(helmUpgrade(cluster, current(), keda, "acme")).toBeUndefined();
    const remaining = hpasOf(cluster);
    expect(remaining.map((h) => h.metadata.name)).toEqual([deploymentName]);
    expect(ownersOf(remaining[0] as Obj)).toEqual([{ kind: "ScaledObject", name: deploymentName, controller: true }]);
    expect(cluster.replicas).toBe(4);
  });

  it.each([
    ["outside office hours, at zero", 0, 1],
    ["during office hours, under load", 6, 1],
    ["after an earlier switch from the HPA at 5 replicas", 0, 5],
  ])("a schedule to off %s brings the release back under the chart's HPA alone", (_name, replicasNow, original) => {
    const cluster = installed(keda, "acme", original);
    cluster.replicas = replicasNow;
    expect(helmUpgrade(cluster, keda, hpa, "acme")).toBeUndefined();
    const remaining = hpasOf(cluster);
    expect(remaining).toHaveLength(1);
    expect(remaining[0]?.metadata.name).not.toBe(deploymentName);
    expect(ownersOf(remaining[0] as Obj)).toEqual([]);
    expect(cluster.replicas).toBeGreaterThanOrEqual(remaining[0]?.spec.minReplicas as number);
  });

  it("upgrades a release with a schedule from chart 0.2.0: the update passes the webhook and KEDA renames its HPA", () => {
    const legacy = scaledObjectAsChart020(keda);
    const cluster = installed(legacy, "acme", 1);
    expect(hpasOf(cluster).map((h) => h.metadata.name)).toEqual([`keda-hpa-${deploymentName}`]);
    cluster.replicas = 0;
    expect(helmUpgrade(cluster, legacy, keda, "acme")).toBeUndefined();
    expect(hpasOf(cluster).map((h) => h.metadata.name)).toEqual([deploymentName]);
    // ...and can then be switched off at zero: the original count was recorded at the first install.
    expect(helmUpgrade(cluster, keda, hpa, "acme")).toBeUndefined();
    expect(hpasOf(cluster).map((h) => h.metadata.name)).toEqual([`${deploymentName}-hpa`]);
    expect(cluster.replicas).toBe(3);
  });

  it("survives a round trip: off, a schedule, off, a schedule", () => {
    const cluster = installed(asChart020(hpa), "acme", 3);
    const revisions = [asChart020(hpa), keda, hpa, keda, hpa];
    for (let i = 1; i < revisions.length; i++) {
      expect(helmUpgrade(cluster, revisions[i - 1] as Obj[], revisions[i] as Obj[], "acme"), `upgrade ${i}`).toBeUndefined();
      expect(hpasOf(cluster), `upgrade ${i}`).toHaveLength(1);
      expect(cluster.replicas, `upgrade ${i}`).toBeGreaterThanOrEqual(3);
    }
  });

  it("the webhook model refuses what KEDA refuses: a second, unmarked HPA on the same Deployment", () => {
    const so = keda.find((o) => o.kind === "ScaledObject") as Obj;
    const stranger = { ...(asChart020(hpa).find((o) => o.kind === "HorizontalPodAutoscaler") as Obj) };
    stranger.metadata = { ...stranger.metadata, name: "someone-elses" };
    expect(kedaWebhookRefusal(so, [stranger])).toMatch(/must be specified by name in advanced settings/);
    const noTransfer = { ...so, metadata: { ...so.metadata, annotations: {} } };
    expect(kedaWebhookRefusal(noTransfer, [stranger])).toMatch(/already managed by the hpa 'someone-elses'/);
    expect(kedaWebhookRefusal(noTransfer, [{ ...stranger, metadata: { ...stranger.metadata, annotations: { "validations.keda.sh/hpa-ownership": "false" } } }])).toBeUndefined();
  });

  it("renders only ScaledObject fields that KEDA 2.20.2's CRD declares, with its types", () => {
    const so = keda.find((o) => o.kind === "ScaledObject") as Obj;
    expect(scaledObjectCrdProblems(so.spec as Json)).toEqual([]);
    expect(scaledObjectCrdProblems({ ...so.spec, advanced: { ...so.spec.advanced, restoreToOriginalReplicaCount: "yes" } })).toEqual([
      "spec.advanced.restoreToOriginalReplicaCount: boolean expected",
    ]);
    expect(scaledObjectCrdProblems({ ...so.spec, advanced: { horizontalPodAutoscalerConfig: { hpaName: "x" } } })).toEqual([
      "spec.advanced.horizontalPodAutoscalerConfig.hpaName: not in the CRD",
    ]);
  });
});

/**
 * The ScaledObject spec fields the chart renders, with the types that kedacore/keda v2.20.2
 * config/crd/bases/keda.sh_scaledobjects.yaml declares for them (version v1alpha1): integer bounds are
 * the CRD's `minimum`. `[]` is an array item, `*` a map value. @kubernetes-models/keda 0.4.2 (KEDA
 * 2.10.1 CRDs) validates the whole object in chart.test.ts; this pins the fields to 2.20.2.
 */
const SCALED_OBJECT_CRD_V2_20_2: Record<string, { type: "string" | "integer" | "boolean"; minimum?: number }> = {
  "spec.scaleTargetRef.apiVersion": { type: "string" },
  "spec.scaleTargetRef.kind": { type: "string" },
  "spec.scaleTargetRef.name": { type: "string" },
  "spec.minReplicaCount": { type: "integer", minimum: 0 },
  "spec.maxReplicaCount": { type: "integer", minimum: 1 },
  "spec.cooldownPeriod": { type: "integer", minimum: 0 },
  "spec.triggers[].type": { type: "string" },
  "spec.triggers[].metricType": { type: "string" },
  "spec.triggers[].metadata.*": { type: "string" },
  "spec.advanced.horizontalPodAutoscalerConfig.name": { type: "string" },
  "spec.advanced.restoreToOriginalReplicaCount": { type: "boolean" },
};

function scaledObjectCrdProblems(spec: Json): string[] {
  const problems: string[] = [];
  const known = Object.keys(SCALED_OBJECT_CRD_V2_20_2);
  const walk = (value: unknown, pathSoFar: string): void => {
    if (Array.isArray(value)) return value.forEach((item) => walk(item, `${pathSoFar}[]`));
    if (typeof value === "object" && value !== null) {
      const isMap = known.some((k) => k === `${pathSoFar}.*`);
      for (const [k, child] of Object.entries(value)) walk(child, isMap ? `${pathSoFar}.*` : `${pathSoFar}.${k}`);
      return;
    }
    const rule = SCALED_OBJECT_CRD_V2_20_2[pathSoFar];
    if (!rule) return void problems.push(`${pathSoFar}: not in the CRD`);
    const ok = rule.type === "integer" ? Number.isInteger(value) && (value as number) >= (rule.minimum ?? -Infinity) : typeof value === rule.type;
    if (!ok) problems.push(`${pathSoFar}: ${rule.type} expected`);
  };
  walk(spec, "spec");
  return problems;
}
