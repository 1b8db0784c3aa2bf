import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { Release } from "@cdktf/provider-helm/lib/release";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import type { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { platformNamespaceLabels } from "./pod-security";
import { RELEASE_POLICY } from "./release-policy";

/** The Traefik chart this stack installs; see helm/README.md for why Traefik. */
export const TRAEFIK_CHART = {
  repository: "https://traefik.github.io/charts",
  chart: "traefik",
  version: "41.3.0",
} as const;

/** EKS Auto Mode turns a LoadBalancer Service of this class into an NLB. */
export const AUTO_MODE_NLB_CLASS = "eks.amazonaws.com/nlb";

export interface TraefikIngressProps {
  readonly helmProvider: HelmProvider;
  readonly kubernetesProvider: KubernetesProvider;
  /** The cluster's Kubernetes minor version, e.g. "1.35" (pins the Pod Security labels). */
  readonly kubernetesVersion: string;
  readonly namespace: string;
  readonly ingressClassName: string;
  /** Replicas the HPA keeps at least: one per availability zone, so a zone outage leaves two serving. */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCpuUtilization: number;
  /**
   * With a certificate, the NLB terminates TLS on 443 and Traefik redirects port 80 to HTTPS; without
   * one, tenants are served over plain HTTP with Host-header routing.
   */
  readonly tls?: { readonly certificateArn: string };
  /**
   * AWS tags for the NLB and its target groups (the deployment's default tags, so the budget sees the
   * NLB); checked with `resourceTagProblems` first.
   */
  readonly loadBalancerTags: Readonly<Record<string, string>>;
  /** Where the Prometheus collector scrapes from (the subnets its ENIs are in): the only source admitted to the metrics port. */
  readonly metricsScrapeCidrs: readonly string[];
  /** Added to Traefik's nodeSelector, e.g. the deployment's own NodePool. */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Tags every AWS resource Auto Mode creates for the Service: the NLB and its target groups ("Use Service
 * Annotations to configure Network Load Balancers", EKS User Guide: "Additional AWS tags to apply to
 * the load balancer and related resources", example `Environment=prod,Team=platform`). Applying them
 * needs tagging permissions on the cluster role (same guide, Considerations), which iac grants.
 */
export const NLB_RESOURCE_TAGS_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags";

/**
 * The annotation's format is `k=v,k=v` with no escaping, and the parser trims spaces around each key
 * and value: a tag whose key or value holds `,` or `=`, or starts or ends with a space, would arrive
 * split or changed. Such tags are refused (as the descriptor field `tags.<key>`), not re-encoded.
 */
export function resourceTagProblems(tags: Readonly<Record<string, string>>): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  for (const [key, value] of Object.entries(tags)) {
    for (const [what, text] of [["key", key], ["value", value]] as const) {
      if (/[,=]/.test(text) || text !== text.trim()) {
        problems.push({
          field: `tags.${key}`,
          message: `tag ${what} "${text}" cannot be written into the NLB's ${NLB_RESOURCE_TAGS_ANNOTATION} annotation (k=v,k=v: no "," or "=", no leading or trailing spaces)`,
        });
      }
    }
  }
  return problems;
}

/** `k=v,k=v` for the NLB annotation; refuses what `resourceTagProblems` reports. */
export function resourceTagsAnnotation(tags: Readonly<Record<string, string>>): string {
  const [problem] = resourceTagProblems(tags);
  if (problem) throw new Error(`${problem.field}: ${problem.message}`);
  return Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}

/**
 * Container ports of the chart's entry points (traefik/values.yaml at chart v41.3.0: `ports.web.port`
 * 8000, `ports.websecure.port` 8443, `ports.metrics.port` 9100; `ports.traefik.port` 8080 serves only
 * /ping once the API is off, and the kubelet's probes from the node are always admitted).
 */
export const TRAEFIK_CONTAINER_PORTS = { web: 8000, websecure: 8443, metrics: 9100, traefik: 8080 } as const;

/** NLB service annotations that Auto Mode supports for TLS termination (AWS: auto-configure-nlb). */
export const NLB_SSL_CERT_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert";
export const NLB_SSL_PORTS_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-ssl-ports";
/** The Service port of Traefik's `websecure` entry point (the chart's default), the NLB's TLS listener. */
const WEBSECURE_EXPOSED_PORT = 443;

const TRAEFIK_RELEASE_NAME = "traefik";

/** Labels of Traefik's pods: the chart's selector labels, name and instance = <release>-<namespace>. */
export const traefikPodLabels = (namespace: string): Readonly<Record<string, string>> => ({
  "app.kubernetes.io/name": "traefik",
  "app.kubernetes.io/instance": `${TRAEFIK_RELEASE_NAME}-${namespace}`,
});

/**
 * The shared, internet-facing entry point: Traefik behind an Auto Mode NLB, autoscaled, spread across
 * zones and nodes, protected by a PodDisruptionBudget, with Prometheus metrics.
 */
export class TraefikIngress extends Construct {
  readonly namespace: NamespaceV1;
  readonly release: Release;
  /** Admits only the published entry points from anywhere and the metrics port from the collector. */
  readonly networkPolicy: NetworkPolicyV1;
  readonly ingressClassName: string;
  readonly namespaceName: string;
  /** Labels of Traefik's pods (the chart's selector labels), for the tenants' NetworkPolicies. */
  readonly podLabels: Readonly<Record<string, string>>;
  readonly values: Record<string, unknown>;
  /** The chart's LoadBalancer Service (the chart's full name: the release name, as it contains "traefik"). */
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: TraefikIngressProps) {
    super(scope, id);
    if (props.minReplicas < 2) throw new Error(`Traefik needs at least 2 replicas for HA, got ${props.minReplicas}`);
    if (props.maxReplicas < props.minReplicas) {
      throw new Error(`Traefik maxReplicas (${props.maxReplicas}) is below minReplicas (${props.minReplicas})`);
    }
    const releaseName = TRAEFIK_RELEASE_NAME;
    this.serviceName = releaseName;
    this.namespaceName = props.namespace;
    this.ingressClassName = props.ingressClassName;
    this.podLabels = traefikPodLabels(props.namespace);
    this.namespace = new NamespaceV1(this, "namespace", {
      provider: props.kubernetesProvider,
      metadata: {
        name: props.namespace,
        labels: platformNamespaceLabels(props.kubernetesVersion, "ingress"),
      },
    });
    this.values = traefikValues(props, this.podLabels);
    const entryPorts = [TRAEFIK_CONTAINER_PORTS.web, ...(props.tls ? [TRAEFIK_CONTAINER_PORTS.websecure] : [])];
    // Before the release, so no Traefik pod is ever reachable on its other ports.
    this.networkPolicy = new NetworkPolicyV1(this, "network-policy", {
      provider: props.kubernetesProvider,
      metadata: { name: "traefik-entry-points", namespace: props.namespace },
      spec: {
        // Every pod of the namespace (only Traefik runs there).
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [
          // Clients through the NLB (IP targets: from the NLB's private addresses, or the client's own
          // with client-IP preservation) and the NLB's health checks, on the published entry points only.
          { ports: entryPorts.map((port) => ({ port: String(port), protocol: "TCP" })) },
          {
            from: props.metricsScrapeCidrs.map((cidr) => ({ ipBlock: { cidr } })),
            ports: [{ port: String(TRAEFIK_CONTAINER_PORTS.metrics), protocol: "TCP" }],
          },
        ],
      },
      dependsOn: [this.namespace],
    });
    this.release = new Release(this, "release", {
      provider: props.helmProvider,
      name: releaseName,
      namespace: props.namespace,
      repository: TRAEFIK_CHART.repository,
      chart: TRAEFIK_CHART.chart,
      version: TRAEFIK_CHART.version,
      values: [JSON.stringify(this.values)],
      // The chart's crds/ holds 25 CRDs (10 traefik.io, 15 hub.traefik.io at v41.3.0) for the
      // kubernetesCRD provider and Traefik Hub, both off here; no template renders an object of them
      // with these values (the dashboard IngressRoute, TLSOption and TLSStore are off or empty).
      skipCrds: true,
      ...RELEASE_POLICY,
      timeout: 900,
      dependsOn: [this.namespace, this.networkPolicy, ...(props.dependsOn ?? [])],
    });
  }
}

function traefikValues(props: TraefikIngressProps, podLabels: Readonly<Record<string, string>>): Record<string, unknown> {
  const spread = (topologyKey: string, whenUnsatisfiable: string) => ({
    topologyKey,
    maxSkew: 1,
    whenUnsatisfiable,
    labelSelector: { matchLabels: podLabels },
    matchLabelKeys: ["pod-template-hash"],
  });
  return {
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    // No API and no dashboard: `/api/rawdata` would list every tenant's routers to any pod that can
    // reach port 8080. The chart passes `api.*` as --api.* flags whenever `api` is set (any --api flag,
    // even --api.dashboard=false, turns the API on), so `null` deletes the chart's default
    // `api.dashboard: true` and no --api flag is rendered (templates/_podtemplate.tpl at v41.3.0). The
    // dashboard IngressRoute (`ingressRoute.dashboard.enabled`) is off by default.
    api: null,
    // The HPA owns the replica count; spec.replicas is left out so upgrades do not reset it.
    deployment: { replicas: null },
    autoscaling: {
      enabled: true,
      minReplicas: props.minReplicas,
      maxReplicas: props.maxReplicas,
      metrics: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: props.targetCpuUtilization } } },
      ],
    },
    podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
    topologySpreadConstraints: [
      spread("topology.kubernetes.io/zone", "DoNotSchedule"),
      spread("kubernetes.io/hostname", "ScheduleAnyway"),
    ],
    // Requests make CPU utilization meaningful to the HPA; the memory limit bounds a leak.
    resources: {
      requests: { cpu: "100m", memory: "128Mi" },
      limits: { memory: "512Mi" },
    },
    nodeSelector: { "kubernetes.io/os": "linux", ...props.nodeSelector },
    ingressClass: { enabled: true, isDefaultClass: false, name: props.ingressClassName },
    providers: {
      kubernetesIngress: { enabled: true, publishedService: { enabled: true } },
      // Tenants get plain Ingress objects only: no Traefik CRDs, Gateway API or ingress-nginx emulation.
      kubernetesCRD: { enabled: false },
      kubernetesGateway: { enabled: false },
      kubernetesIngressNGINX: { enabled: false },
    },
    // Chart 41.3.0 annotates the pods prometheus.io/scrape, /path (/metrics) and /port (the metrics
    // entry point's port) by itself while metrics.prometheus is set and its serviceMonitor is off: that
    // is what the Amazon Managed Prometheus collector (iac) discovers.
    metrics: {
      prometheus: {
        entryPoint: "metrics",
        addEntryPointsLabels: true,
        addRoutersLabels: true,
        addServicesLabels: true,
        service: { enabled: true },
      },
    },
    ports: props.tls ? tlsAtTheLoadBalancerPorts() : plainHttpPorts(),
    service: {
      annotations: {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
        [NLB_RESOURCE_TAGS_ANNOTATION]: resourceTagsAnnotation(props.loadBalancerTags),
        ...(props.tls
          ? {
              [NLB_SSL_CERT_ANNOTATION]: props.tls.certificateArn,
              // Only 443 is a TLS listener; without this every port (80 too) would be.
              [NLB_SSL_PORTS_ANNOTATION]: String(WEBSECURE_EXPOSED_PORT),
            }
          : {}),
      },
      spec: {
        type: "LoadBalancer",
        loadBalancerClass: AUTO_MODE_NLB_CLASS,
        // Auto Mode's NLB uses IP targets by default: it sends to the Traefik pods' IPs and
        // health-checks them on the traffic port, so kube-proxy is not on the path and this setting
        // changes nothing there. It matters only if the target type is switched to `instance`: then
        // only nodes running a Traefik pod receive traffic (no extra hop, no SNAT of the client).
        externalTrafficPolicy: "Local",
      },
    },
  };
}

/**
 * Without a certificate there is no TLS listener: the chart's `websecure` entry point (443) would
 * otherwise be published on the NLB, serving Traefik's self-signed default certificate. It stays a
 * container port inside the cluster, unpublished.
 */
function plainHttpPorts(): Record<string, unknown> {
  return { websecure: { expose: { default: false } } };
}

/**
 * TLS ends at the NLB's 443 listener, which forwards the decrypted stream to Traefik's `websecure`
 * entry point: that entry point therefore serves plain HTTP (no TLS of its own, so no second
 * handshake and no certificate in the cluster). `web` (port 80) answers every request with a
 * permanent redirect to https on 443. No loop: the redirect lives only on `web`, and the 443
 * listener never forwards to `web`.
 */
function tlsAtTheLoadBalancerPorts(): Record<string, unknown> {
  return {
    web: { http: { redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } } } },
    websecure: { exposedPort: WEBSECURE_EXPOSED_PORT, http: { tls: { enabled: false } } },
  };
}
