/**
 * Argo CD, installed from its official chart in argocd mode (descriptor `gitops.engine: argocd`): the
 * in-cluster controller that delivers tenants, so Terraform does not hold one release per tenant.
 */
import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { Release } from "@cdktf/provider-helm/lib/release";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import type { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { platformNamespaceLabels } from "./pod-security";
import { RELEASE_POLICY } from "./release-policy";

/**
 * Chart `argo-cd` 10.1.1 ships Argo CD v3.4.4 (`appVersion` in charts/argo-cd/Chart.yaml at tag
 * argo-cd-10.1.1 of argoproj/argo-helm, 2026-07-02): the newest chart in the argo-helm snapshot read
 * here. No chart shipping v3.5.x was found there, so this pins the newest one that exists rather than
 * overriding the image tag under a chart built for another version. Progressive syncs (RollingSync)
 * are Beta from v3.3.0 (docs/operator-manual/applicationset/Progressive-Syncs.md at v3.4.4), so this
 * version has them.
 */
export const ARGOCD_CHART = {
  repository: "https://argoproj.github.io/argo-helm",
  chart: "argo-cd",
  version: "10.1.1",
  appVersion: "v3.4.4",
} as const;

export const ARGOCD_NAMESPACE = "argocd";

/**
 * The `argocd-cmd-params-cm` key that turns progressive syncs on in the ApplicationSet controller
 * (Progressive-Syncs.md, "Enabling Progressive Syncs"); the chart writes `configs.params` into that
 * ConfigMap (templates/argocd-configs/argocd-cmd-params-cm.yaml at argo-cd-10.1.1).
 */
export const PROGRESSIVE_SYNCS_PARAM = "applicationsetcontroller.enable.progressive.syncs";

/** What every Argo CD container gets: the Pod Security `restricted` profile's requirements. */
const RESTRICTED_CONTAINER = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  seccompProfile: { type: "RuntimeDefault" },
  capabilities: { drop: ["ALL"] },
};

const requests = (cpu: string, memory: string, memoryLimit: string) => ({ requests: { cpu, memory }, limits: { memory: memoryLimit } });

export interface ArgoCdValuesInput {
  /** HA: two replicas of the API server, repo server and ApplicationSet controller, and Redis HA. */
  readonly highAvailability: boolean;
  readonly nodeSelector: Readonly<Record<string, string>>;
}

/**
 * The chart's values. Keys checked in charts/argo-cd/values.yaml at argo-cd-10.1.1; the HA shape is
 * the chart README's "HA mode without autoscaling" (redis-ha on, controller 1 replica: it shards, not
 * replicates, so more replicas only help with several clusters). Chart defaults kept: containers
 * already run `runAsNonRoot`, read-only root, no privilege escalation, RuntimeDefault seccomp, all
 * capabilities dropped; set here again so the profile does not depend on a future default.
 */
export function argoCdValues(input: ArgoCdValuesInput): Record<string, unknown> {
  const replicas = input.highAvailability ? 2 : 1;
  const component = (res: ReturnType<typeof requests>, extra: Record<string, unknown> = {}) => ({
    resources: res,
    containerSecurityContext: RESTRICTED_CONTAINER,
    ...extra,
  });
  return {
    global: { nodeSelector: { ...input.nodeSelector } },
    // The CRDs come with the chart (and stay if it is uninstalled): the ApplicationSet needs them.
    crds: { install: true, keep: true },
    configs: {
      params: {
        [PROGRESSIVE_SYNCS_PARAM]: true,
        // Argo CD's sizing guidance for 1000 Applications (docs/operator-manual/high_availability.md
        // at v3.4.4: "we use 50 for --status-processors and 25 for --operation-processors"; defaults 20, 10).
        "controller.status.processors": 50,
        "controller.operation.processors": 25,
      },
      // No SSO is configured: operators reach the API through `kubectl port-forward` with the admin
      // secret (docs/operations.md); no one can exec into pods from the UI.
      cm: { "exec.enabled": false, "admin.enabled": true },
    },
    // No public UI: the API server's Service stays ClusterIP and no Ingress or route is made.
    server: component(requests("50m", "128Mi", "256Mi"), { replicas, service: { type: "ClusterIP" }, ingress: { enabled: false } }),
    repoServer: component(requests("100m", "256Mi", "1Gi"), { replicas }),
    applicationSet: component(requests("50m", "128Mi", "512Mi"), { replicas }),
    // The application controller's memory grows with the resources it watches (Argo CD high_availability.md).
    controller: component(requests("250m", "1Gi", "2Gi"), { replicas: 1 }),
    redis: component(requests("50m", "64Mi", "256Mi"), { enabled: !input.highAvailability }),
    "redis-ha": {
      enabled: input.highAvailability,
      containerSecurityContext: RESTRICTED_CONTAINER,
      haproxy: { containerSecurityContext: RESTRICTED_CONTAINER },
    },
    dex: { enabled: false },
    notifications: { enabled: false },
  };
}

export interface ArgoCdProps {
  readonly helmProvider: HelmProvider;
  readonly kubernetesProvider: KubernetesProvider;
  readonly kubernetesVersion: string;
  readonly values: Record<string, unknown>;
  readonly dependsOn?: ITerraformDependable[];
}

/** Namespace `argocd` (Pod Security `restricted`) and the chart's release. */
export class ArgoCd extends Construct {
  readonly namespace: NamespaceV1;
  readonly release: Release;

  constructor(scope: Construct, id: string, props: ArgoCdProps) {
    super(scope, id);
    this.namespace = new NamespaceV1(this, "namespace", {
      provider: props.kubernetesProvider,
      metadata: {
        name: ARGOCD_NAMESPACE,
        labels: platformNamespaceLabels(props.kubernetesVersion, "gitops"),
      },
    });
    this.release = new Release(this, "release", {
      provider: props.helmProvider,
      name: "argocd",
      namespace: ARGOCD_NAMESPACE,
      repository: ARGOCD_CHART.repository,
      chart: ARGOCD_CHART.chart,
      version: ARGOCD_CHART.version,
      values: [JSON.stringify(props.values)],
      ...RELEASE_POLICY,
      timeout: 900,
      dependsOn: [this.namespace, ...(props.dependsOn ?? [])],
    });
  }
}
