import { ClusterRoleBindingV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-binding-v1";
import { ClusterRoleV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-v1";
import type { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Construct } from "constructs";

export interface PrometheusCollectorAccessProps {
  readonly provider: KubernetesProvider;
  /** The Kubernetes user AWS's collector set-up maps the collector to (`PROMETHEUS_COLLECTOR_USER`). */
  readonly userName: string;
}

/**
 * Read-only access for the Amazon Managed Prometheus collector: AWS's documented `aps-collector-role`
 * (service discovery of nodes, pods, services, endpoints and ingresses, and GET /metrics), bound to the
 * user the collector acts as. Without it the collector discovers nothing.
 */
export class PrometheusCollectorAccess extends Construct {
  static readonly roleName = "aps-collector-role";

  readonly role: ClusterRoleV1;
  readonly binding: ClusterRoleBindingV1;

  constructor(scope: Construct, id: string, props: PrometheusCollectorAccessProps) {
    super(scope, id);
    const read = ["get", "list", "watch"];
    this.role = new ClusterRoleV1(this, "role", {
      provider: props.provider,
      metadata: { name: PrometheusCollectorAccess.roleName, labels: { "app.kubernetes.io/part-of": "monitoring" } },
      rule: [
        {
          apiGroups: [""],
          resources: ["nodes", "nodes/proxy", "nodes/metrics", "services", "endpoints", "pods", "configmaps"],
          verbs: read,
        },
        { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "ingresses/status"], verbs: read },
        { nonResourceUrls: ["/metrics"], verbs: ["get"] },
      ],
    });
    this.binding = new ClusterRoleBindingV1(this, "binding", {
      provider: props.provider,
      metadata: { name: `${props.userName}-role-binding`, labels: { "app.kubernetes.io/part-of": "monitoring" } },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: PrometheusCollectorAccess.roleName },
      subject: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: props.userName }],
      dependsOn: [this.role],
    });
  }
}
