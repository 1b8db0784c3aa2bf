import { describe, expect, it } from "vitest";
import { CLUSTER_SCOPED_KINDS, NAMESPACED_KINDS, scopeOf } from "../src/kubernetes-scope";

describe("the Kubernetes 1.35 scope table", () => {
  it("gives no kind of a group both scopes", () => {
    for (const [group, kinds] of Object.entries(CLUSTER_SCOPED_KINDS)) {
      expect(kinds.filter((kind) => NAMESPACED_KINDS[group]?.includes(kind)), group).toEqual([]);
    }
  });

  it.each([
    ["rbac.authorization.k8s.io/v1", "ClusterRole", "Cluster"],
    ["rbac.authorization.k8s.io/v1", "RoleBinding", "Namespaced"],
    ["apiextensions.k8s.io/v1", "CustomResourceDefinition", "Cluster"],
    ["admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", "Cluster"],
    ["scheduling.k8s.io/v1", "PriorityClass", "Cluster"],
    ["storage.k8s.io/v1", "StorageClass", "Cluster"],
    ["v1", "Namespace", "Cluster"],
    ["v1", "PersistentVolume", "Cluster"],
    ["networking.k8s.io/v1", "IngressClass", "Cluster"],
    ["apps/v1", "Deployment", "Namespaced"],
    ["policy/v1", "PodDisruptionBudget", "Namespaced"],
    ["keda.sh/v1alpha1", "ScaledObject", "Namespaced"],
  ])("reads %s %s as %s", (apiVersion, kind, scope) => {
    expect(scopeOf({ apiVersion, kind })).toBe(scope);
  });

  it("knows no scope for a kind outside the table, or a known kind under another group", () => {
    expect(scopeOf({ apiVersion: "example.com/v1", kind: "Widget" })).toBeUndefined();
    expect(scopeOf({ apiVersion: "example.com/v1", kind: "Deployment" })).toBeUndefined();
    expect(scopeOf({ kind: "Deployment" })).toBeUndefined();
  });
});
