import { describe, expect, it } from "vitest";
import { noClusterAdminBindings, noWildcardRbac } from "../src/rules/rbac";
import { input, object, run } from "./builders";

const clusterRole = (rules: object[]) => object({ kind: "ClusterRole", metadata: { name: "collector" }, rules });
const binding = (roleRef: object, subjects: object[]) => object({ kind: "ClusterRoleBinding", metadata: { name: "b" }, roleRef, subjects });

describe("K8S-RBAC-001 no wildcard RBAC", () => {
  it("passes a read-only role that names its resources and verbs", () => {
    const role = clusterRole([{ apiGroups: [""], resources: ["pods", "services"], verbs: ["get", "list", "watch"] }, { nonResourceURLs: ["/metrics"], verbs: ["get"] }]);
    expect(run(noWildcardRbac, input({ kubernetes: [role] }))).toEqual([]);
  });

  it("flags a role granting every verb on every resource", () => {
    const findings = run(noWildcardRbac, input({ kubernetes: [clusterRole([{ apiGroups: [""], resources: ["*"], verbs: ["*"] }])] }));
    expect(findings).toEqual([
      { address: "test-stack/helm_release.t ClusterRole collector", message: 'rules[0].verbs contains "*"' },
      { address: "test-stack/helm_release.t ClusterRole collector", message: 'rules[0].resources contains "*"' },
    ]);
  });
});

describe("K8S-RBAC-002 no in-cluster admin bindings", () => {
  it("flags a binding to cluster-admin and one to the system:masters group", () => {
    const toClusterAdmin = binding({ kind: "ClusterRole", name: "cluster-admin" }, [{ kind: "User", name: "collector" }]);
    const toMasters = binding({ kind: "ClusterRole", name: "view" }, [{ kind: "Group", name: "system:masters" }]);
    expect(run(noClusterAdminBindings, input({ kubernetes: [toClusterAdmin, toMasters] })).map((f) => f.message)).toEqual([
      "binds ClusterRole cluster-admin",
      "binds the group system:masters",
    ]);
  });

  it("flags a binding to the aggregated admin ClusterRole", () => {
    expect(run(noClusterAdminBindings, input({ kubernetes: [binding({ kind: "ClusterRole", name: "admin" }, [{ kind: "User", name: "u" }])] }))).toEqual([
      { address: "test-stack/helm_release.t ClusterRoleBinding b", message: "binds ClusterRole admin" },
    ]);
  });

  it("passes a binding of a narrow role to a named user", () => {
    expect(run(noClusterAdminBindings, input({ kubernetes: [binding({ kind: "ClusterRole", name: "collector" }, [{ kind: "User", name: "collector" }])] }))).toEqual([]);
  });
});
