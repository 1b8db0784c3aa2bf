/** Kubernetes RBAC granted by the stacks and charts: least privilege, no cluster-admin. */
import { addressOf, kindOf } from "../kubernetes";
import { isObject } from "../terraform";
import type { Json, Rule, Violation } from "../types";

const ROLE_KINDS = ["Role", "ClusterRole"];
const BINDING_KINDS = ["RoleBinding", "ClusterRoleBinding"];

export const noWildcardRbac: Rule = {
  id: "K8S-RBAC-001",
  title: "No Role or ClusterRole grants wildcard verbs, resources or API groups",
  control: "In-cluster identities (the metrics collector, controllers) get the verbs on the resources they need, nothing more.",
  check: ({ kubernetes }) =>
    kubernetes
      .filter((o) => ROLE_KINDS.includes(kindOf(o)))
      .flatMap((role) =>
        (Array.isArray(role.manifest.rules) ? role.manifest.rules.filter(isObject) : []).flatMap((rule: Json, i): Violation[] =>
          ["verbs", "resources", "apiGroups", "nonResourceURLs"].flatMap((field) => {
            const values = Array.isArray(rule[field]) ? rule[field].map(String) : [];
            return values.includes("*") ? [{ address: addressOf(role), message: `rules[${i}].${field} contains "*"` }] : [];
          }),
        ),
      ),
};

/** Grants that make a subject a cluster administrator. */
const ADMIN_ROLES = ["cluster-admin", "admin"];
const ADMIN_GROUPS = ["system:masters"];

export const noClusterAdminBindings: Rule = {
  id: "K8S-RBAC-002",
  title: "No binding to cluster-admin, admin or the system:masters group",
  control:
    "Cluster administration is granted only through EKS access entries (AWS-EKS-005), reviewed in the iac stack, " +
    "never by an in-cluster binding a chart could add.",
  check: ({ kubernetes }) =>
    kubernetes
      .filter((o) => BINDING_KINDS.includes(kindOf(o)))
      .flatMap((binding): Violation[] => {
        const found: Violation[] = [];
        const roleRef = isObject(binding.manifest.roleRef) ? binding.manifest.roleRef : {};
        if (ADMIN_ROLES.includes(String(roleRef.name)) && roleRef.kind === "ClusterRole") {
          found.push({ address: addressOf(binding), message: `binds ClusterRole ${String(roleRef.name)}` });
        }
        const subjects = Array.isArray(binding.manifest.subjects) ? binding.manifest.subjects.filter(isObject) : [];
        for (const subject of subjects.filter((s) => s.kind === "Group" && ADMIN_GROUPS.includes(String(s.name)))) {
          found.push({ address: addressOf(binding), message: `binds the group ${String(subject.name)}` });
        }
        return found;
      }),
};

export const RBAC_RULES: readonly Rule[] = [noWildcardRbac, noClusterAdminBindings];
