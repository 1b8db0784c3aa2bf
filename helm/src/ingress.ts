import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { Release } from "@cdktf/provider-helm/lib/release";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import type { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { restrictedPodSecurityLabels } from "./pod-security";

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
  readonly dependsOn?: ITerraformDependable[];
}

/** NLB service annotations that Auto Mode supports for TLS termination (AWS: auto-configure-nlb). */
export const NLB_SSL_CERT_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert";
export const NLB_SSL_PORTS_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-ssl-ports";
/** The Service port of Traefik's `websecure` entry point (the chart's default), the NLB's TLS listener. */
const WEBSECURE_EXPOSED_PORT = 443;

/**
 * The shared, internet-facing entry point: Traefik behind an Auto Mode NLB, autoscaled, spread across
 * zones and nodes, protected by a PodDisruptionBudget, with Prometheus metrics.
 */
export class TraefikIngress extends Construct {
  readonly namespace: NamespaceV1;
  readonly release: Release;
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
    const releaseName = "traefik";
    this.serviceName = releaseName;
    this.namespaceName = props.namespace;
    this.ingressClassName = props.ingressClassName;
    // The chart's selector labels: name, and instance = <release>-<namespace>.
    this.podLabels = {
      "app.kubernetes.io/name": "traefik",
      "app.kubernetes.io/instance": `${releaseName}-${props.namespace}`,
    };
    this.namespace = new NamespaceV1(this, "namespace", {
      provider: props.kubernetesProvider,
      metadata: {
        name: props.namespace,
        labels: { ...restrictedPodSecurityLabels(props.kubernetesVersion), "app.kubernetes.io/part-of": "ingress" },
      },
    });
    this.values = traefikValues(props, this.podLabels);
    this.release = new Release(this, "release", {
      provider: props.helmProvider,
      name: releaseName,
      namespace: props.namespace,
      repository: TRAEFIK_CHART.repository,
      chart: TRAEFIK_CHART.chart,
      version: TRAEFIK_CHART.version,
      values: [JSON.stringify(this.values)],
      atomic: true,
      cleanupOnFail: true,
      wait: true,
      timeout: 900,
      maxHistory: 10,
      dependsOn: [this.namespace, ...(props.dependsOn ?? [])],
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
    nodeSelector: { "kubernetes.io/os": "linux" },
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
