import { describe, expect, it } from "vitest";
import { kindOfResourceType, stackKubernetesObjects } from "../src/kubernetes";
import { noPrivilegedContainers, runAsNonRoot } from "../src/rules/kubernetes";
import { noWildcardRbac } from "../src/rules/rbac";
import { networkPolicyEnforced } from "../src/rules/tenancy";
import { input, stack } from "./builders";

describe("a stack's own kubernetes_* resources, as the rules see them", () => {
  it("names the kind each provider resource type manages", () => {
    expect(["kubernetes_namespace_v1", "kubernetes_resource_quota_v1", "kubernetes_daemonset", "kubernetes_cluster_role_binding_v1", "kubernetes_config_map_v1_data", "kubernetes_labels", "kubernetes_manifest"].map(kindOfResourceType)).toEqual(
      ["Namespace", "ResourceQuota", "DaemonSet", "ClusterRoleBinding", "ConfigMap", undefined, undefined],
    );
  });

  it("keeps label keys and quota names as written while camel-casing field names", () => {
    const [namespace, quota] = stackKubernetesObjects(
      stack({
        kubernetes_namespace_v1: { n: { metadata: { name: "tenant-a", labels: { "pod-security.kubernetes.io/enforce": "restricted", odd_label: "x" } } } },
        kubernetes_resource_quota_v1: { q: { metadata: [{ name: "q", namespace: "tenant-a" }], spec: { hard: { "limits.cpu": "1" }, scope_selector: { match_expression: [] } } } },
      }),
    );
    expect(namespace).toEqual({
      origin: "test-stack/kubernetes_namespace_v1.n",
      manifest: { kind: "Namespace", metadata: { name: "tenant-a", labels: { "pod-security.kubernetes.io/enforce": "restricted", odd_label: "x" } } },
    });
    expect(quota?.namespace).toBe("tenant-a");
    expect(quota?.manifest.spec).toEqual({ hard: { "limits.cpu": "1" }, scopeSelector: { matchExpressions: [] } });
  });

  it("lets the pod rules catch a privileged kubernetes_deployment_v1 written in Terraform's snake_case blocks", () => {
    const objects = stackKubernetesObjects(
      stack({
        kubernetes_deployment_v1: {
          d: {
            metadata: { name: "agent", namespace: "ops" },
            spec: {
              template: {
                metadata: { labels: { app: "agent" } },
                spec: {
                  security_context: { run_as_non_root: true },
                  container: [{ name: "agent", image: "x:1", security_context: [{ privileged: true, run_as_non_root: false }] }],
                },
              },
            },
          },
        },
      }),
    );
    const findings = [...noPrivilegedContainers.check(input({ kubernetes: objects })), ...runAsNonRoot.check(input({ kubernetes: objects }))];
    expect(findings).toEqual([
      { address: "test-stack/kubernetes_deployment_v1.d Deployment ops/agent", message: "containers[0] (agent): privileged is true" },
      { address: "test-stack/kubernetes_deployment_v1.d Deployment ops/agent", message: expect.stringContaining("runAsNonRoot is not true") },
    ]);
  });

  it("reads RBAC rules from kubernetes_cluster_role_v1 rule blocks", () => {
    const objects = stackKubernetesObjects(
      stack({ kubernetes_cluster_role_v1: { r: { metadata: { name: "r" }, rule: [{ api_groups: ["*"], resources: ["pods"], verbs: ["get"] }] } } }),
    );
    expect(noWildcardRbac.check(input({ kubernetes: objects }))).toEqual([
      { address: "test-stack/kubernetes_cluster_role_v1.r ClusterRole r", message: 'rules[0].apiGroups contains "*"' },
    ]);
  });

  it("passes kubernetes_manifest objects through, and accepts enforcement set with kubernetes_config_map_v1_data", () => {
    const objects = stackKubernetesObjects(
      stack({
        kubernetes_manifest: { np: { manifest: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "deny", namespace: "t" }, spec: { podSelector: {} } } } },
        kubernetes_config_map_v1_data: { cni: { metadata: { name: "amazon-vpc-cni", namespace: "kube-system" }, data: { "enable-network-policy-controller": "true" }, force: true } },
      }),
    );
    expect(objects.map((o) => `${String(o.manifest.kind)} ${o.namespace}`)).toEqual(["NetworkPolicy t", "ConfigMap kube-system"]);
    expect(networkPolicyEnforced.check(input({ kubernetes: objects }))).toEqual([]);
    expect(networkPolicyEnforced.check(input({ kubernetes: objects.slice(0, 1) }))).toHaveLength(1);
  });
});
