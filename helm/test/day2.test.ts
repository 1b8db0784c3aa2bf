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
import { HelmStack } from "../src/stack";
import { loadDefaultDeployment, releaseValuesByNamespace, synthesize, type SynthesizedStack } from "./default-deployment";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const descriptor = (body: string): Deployment => parseDeployment(body, "deployments/test.yaml");
const devWith = (extra: string): Deployment =>
  descriptor(`deployment_id: gpp0\nenv: dev\nregion: eu-west-1\n${extra}tenants:\n  - id: acme\n  - id: globex\n`);
const prod = descriptor(
  "deployment_id: gpp9\nenv: prod\nregion: eu-west-1\ncluster:\n  public_access_cidrs: [203.0.113.0/24]\ntenants:\n  - id: acme\n",
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

  it("keeps the tenant quota at the most replicas KEDA may run, plus a surge pod and the helm test pod", () => {
    const quotas = (s: SynthesizedStack) => Object.values(s.resource.kubernetes_resource_quota_v1 ?? {}).map((q) => q.spec as Json);
    for (const quota of quotas(stack)) expect(quota.hard.pods).toBe("12");
    const d = descriptor("deployment_id: gpp0\nenv: dev\nregion: eu-west-1\ntenants:\n  - id: acme\n    values:\n      autoscaling:\n        maxReplicas: 20\n");
    expect(quotas(synthesize(d))[0]?.hard.pods).toBe("22");
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
