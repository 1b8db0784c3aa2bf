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
  readonly dependsOn?: ITerraformDependable[];
}

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

  constructor(scope: Construct, id: string, props: TraefikIngressProps) {
    super(scope, id);
    if (props.minReplicas < 2) throw new Error(`Traefik needs at least 2 replicas for HA, got ${props.minReplicas}`);
    if (props.maxReplicas < props.minReplicas) {
      throw new Error(`Traefik maxReplicas (${props.maxReplicas}) is below minReplicas (${props.minReplicas})`);
    }
    const releaseName = "traefik";
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
    metrics: {
      prometheus: {
        entryPoint: "metrics",
        addEntryPointsLabels: true,
        addRoutersLabels: true,
        addServicesLabels: true,
        service: { enabled: true },
      },
    },
    service: {
      annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" },
      spec: {
        type: "LoadBalancer",
        loadBalancerClass: AUTO_MODE_NLB_CLASS,
        // Only nodes running a Traefik pod take traffic: no second hop through kube-proxy, whose SNAT
        // would hide the client address, and the NLB health check follows where Traefik runs.
        externalTrafficPolicy: "Local",
      },
    },
  };
}
