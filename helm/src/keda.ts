import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { Release } from "@cdktf/provider-helm/lib/release";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import type { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { platformNamespaceLabels } from "./pod-security";
import { RELEASE_POLICY } from "./release-policy";

/**
 * The KEDA chart this stack installs for off-hours scale-to-zero (see helm/README.md for where the
 * version was confirmed). Its default pod and container security contexts meet the `restricted`
 * Pod Security profile, so its namespace enforces it like every other.
 */
export const KEDA_CHART = {
  repository: "https://kedacore.github.io/charts",
  chart: "keda",
  version: "2.20.2",
} as const;

export interface KedaProps {
  readonly helmProvider: HelmProvider;
  readonly kubernetesProvider: KubernetesProvider;
  /** The cluster's Kubernetes minor version, e.g. "1.35" (pins the Pod Security labels). */
  readonly kubernetesVersion: string;
  readonly namespace: string;
  /**
   * For the operator, metrics API server and webhooks: the chart's top-level `nodeSelector` is each
   * one's default (`operator.nodeSelector | default .Values.nodeSelector` in the templates at v2.20.2).
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly dependsOn?: ITerraformDependable[];
}

/** KEDA: its CRDs (ScaledObject), operator, metrics API server and admission webhooks. */
export class Keda extends Construct {
  readonly namespace: NamespaceV1;
  readonly release: Release;
  readonly values: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: KedaProps) {
    super(scope, id);
    this.namespace = new NamespaceV1(this, "namespace", {
      provider: props.kubernetesProvider,
      metadata: {
        name: props.namespace,
        labels: platformNamespaceLabels(props.kubernetesVersion, "autoscaling"),
      },
    });
    this.values = {
      // The chart's own CRDs: every tenant's ScaledObject needs them before its release. Everything
      // else stays at the chart's defaults (requests and limits on all three pods, restricted-ready
      // security contexts, no host network).
      crds: { install: true },
      ...(props.nodeSelector ? { nodeSelector: { ...props.nodeSelector } } : {}),
    };
    this.release = new Release(this, "release", {
      provider: props.helmProvider,
      name: "keda",
      namespace: props.namespace,
      repository: KEDA_CHART.repository,
      chart: KEDA_CHART.chart,
      version: KEDA_CHART.version,
      values: [JSON.stringify(this.values)],
      ...RELEASE_POLICY,
      timeout: 600,
      dependsOn: [this.namespace, ...(props.dependsOn ?? [])],
    });
  }
}
