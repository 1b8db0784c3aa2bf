/** Kubernetes RBAC granted by the stacks and charts: least privilege, no cluster-admin. */
import { addressOf, kindOf, labelsOf, metadataOf, nameOf, selects } from "../kubernetes";
import { isObject } from "../terraform";
import type { Json, KubernetesObject, PolicyInput, Rule, Violation } from "../types";

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

// ---- What tenant subjects may be granted ------------------------------------------------------------

/** Built-in ClusterRoles that hand out secrets and exec (Kubernetes bootstrap policy: edit and admin aggregate system:aggregate-to-edit). */
const TENANT_FORBIDDEN_ROLES = ["cluster-admin", "admin", "edit"];

/**
 * The built-in ClusterRoles as the Kubernetes bootstrap policy defines them (kubernetes/kubernetes
 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/cluster-roles.yaml): the labels they carry and
 * the aggregation labels they collect. `system:aggregate-to-edit` is the one holding secrets read and
 * pods/exec, attach, portforward; `view` and its source hold neither. Other `system:` roles are not modelled
 * and count as unknown.
 */
const BUILT_IN_CLUSTER_ROLES: Record<string, { labels: Record<string, string>; aggregates?: string; grantsSecretsOrExec: boolean }> = {
  "cluster-admin": { labels: {}, grantsSecretsOrExec: true },
  admin: { labels: {}, aggregates: "rbac.authorization.k8s.io/aggregate-to-admin", grantsSecretsOrExec: true },
  edit: { labels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" }, aggregates: "rbac.authorization.k8s.io/aggregate-to-edit", grantsSecretsOrExec: true },
  view: { labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" }, aggregates: "rbac.authorization.k8s.io/aggregate-to-view", grantsSecretsOrExec: false },
  "system:aggregate-to-admin": { labels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" }, grantsSecretsOrExec: false },
  "system:aggregate-to-edit": { labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" }, grantsSecretsOrExec: true },
  "system:aggregate-to-view": { labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" }, grantsSecretsOrExec: false },
};

const SECRET_READ_VERBS = ["get", "list", "watch", "*"];
/** Subresources that run a command in, attach to, or tunnel into a pod (any verb: SPDY uses create, WebSocket get). */
const POD_ACCESS = ["pods/exec", "pods/attach", "pods/portforward"];

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** What one RBAC rule grants that a tenant must not hold, as RBAC matches it: a star resource, or star-slash-subresource. */
function forbiddenGrants(rule: Json): string[] {
  const groups = list(rule.apiGroups);
  if (!groups.includes("") && !groups.includes("*")) return [];
  const resources = list(rule.resources);
  const verbs = list(rule.verbs);
  const found: string[] = [];
  if ((resources.includes("secrets") || resources.includes("*")) && verbs.some((v) => SECRET_READ_VERBS.includes(v))) {
    found.push(`secrets ${verbs.filter((v) => SECRET_READ_VERBS.includes(v)).join("/")}`);
  }
  if (verbs.length > 0) {
    for (const access of POD_ACCESS) {
      const sub = access.slice("pods/".length);
      if (resources.includes(access) || resources.includes("*") || resources.includes(`*/${sub}`)) found.push(access);
    }
  }
  return found;
}

/** A ServiceAccount (or every ServiceAccount) of a tenant namespace, however a subject names it. */
function tenantSubject(subject: Json, bindingNamespace: string | undefined, tenants: readonly string[]): string | undefined {
  const name = String(subject.name ?? "");
  if (subject.kind === "ServiceAccount") {
    const namespace = typeof subject.namespace === "string" && subject.namespace !== "" ? subject.namespace : bindingNamespace;
    return namespace !== undefined && tenants.includes(namespace) ? `ServiceAccount ${namespace}/${name}` : undefined;
  }
  if (subject.kind === "User") {
    const match = /^system:serviceaccount:([^:]+):/.exec(name);
    return match && tenants.includes(match[1] as string) ? `User ${name}` : undefined;
  }
  if (subject.kind === "Group") {
    // Every tenant ServiceAccount is in these groups too.
    if (name === "system:serviceaccounts" || name === "system:authenticated") return `Group ${name}`;
    const match = /^system:serviceaccounts:(.+)$/.exec(name);
    return match && tenants.includes(match[1] as string) ? `Group ${name}` : undefined;
  }
  return undefined;
}

const rulesOf = (role: KubernetesObject): Json[] => (Array.isArray(role.manifest.rules) ? role.manifest.rules.filter(isObject) : []);

const selectorsOf = (role: KubernetesObject): unknown[] => {
  const aggregation = role.manifest.aggregationRule;
  return isObject(aggregation) && Array.isArray(aggregation.clusterRoleSelectors) ? aggregation.clusterRoleSelectors : [];
};

/**
 * What a role grants that a tenant must not hold: its own rules, and those of every ClusterRole it aggregates
 * (in the stacks and releases, and the built-in ones). `undefined` when the role cannot be seen here.
 */
function forbiddenOfRole(input: PolicyInput, kind: "Role" | "ClusterRole", name: string, namespace: string | undefined, seen = new Set<string>()): string[] | undefined {
  const key = `${kind}/${namespace ?? ""}/${name}`;
  if (seen.has(key)) return [];
  seen.add(key);
  const defined = input.kubernetes.find((o) => kindOf(o) === kind && nameOf(o) === name && (kind === "ClusterRole" || o.namespace === namespace));
  const builtIn = kind === "ClusterRole" ? BUILT_IN_CLUSTER_ROLES[name] : undefined;
  if (!defined && !builtIn) return undefined;
  const found = defined ? rulesOf(defined).flatMap(forbiddenGrants) : builtIn?.grantsSecretsOrExec ? ["secrets get/list/watch", ...POD_ACCESS] : [];
  const selectors = defined ? selectorsOf(defined) : builtIn?.aggregates ? [{ matchLabels: { [builtIn.aggregates]: "true" } }] : [];
  if (selectors.length === 0) return found;
  const clusterRoles = input.kubernetes.filter((o) => kindOf(o) === "ClusterRole");
  for (const member of clusterRoles) {
    if (selectors.some((selector) => selects(selector, labelsOf(metadataOf(member))))) {
      found.push(...(forbiddenOfRole(input, "ClusterRole", nameOf(member), undefined, seen) ?? []));
    }
  }
  for (const [builtInName, role] of Object.entries(BUILT_IN_CLUSTER_ROLES)) {
    if (selectors.some((selector) => selects(selector, role.labels))) found.push(...(forbiddenOfRole(input, "ClusterRole", builtInName, undefined, seen) ?? []));
  }
  return found;
}

export const noSecretsOrExecForTenants: Rule = {
  id: "K8S-RBAC-003",
  title: "No tenant subject is granted edit/admin/cluster-admin, secrets read, or pods/exec, attach, portforward",
  control:
    "A tenant workload that is compromised must not read Secrets or run commands in pods (its own or others'): no " +
    "RoleBinding or ClusterRoleBinding gives a tenant ServiceAccount (or a group holding them all) the edit, admin or " +
    "cluster-admin ClusterRole, or any role granting secrets get/list/watch or pods/exec, pods/attach, " +
    "pods/portforward, directly, through `*`, or through aggregated ClusterRoles. A role that cannot be seen is a finding.",
  check: (input) =>
    input.kubernetes
      .filter((o) => BINDING_KINDS.includes(kindOf(o)))
      .flatMap((binding): Violation[] => {
        const bindingNamespace = kindOf(binding) === "RoleBinding" ? (binding.namespace ?? (metadataOf(binding).namespace as string | undefined)) : undefined;
        const subjects = (Array.isArray(binding.manifest.subjects) ? binding.manifest.subjects.filter(isObject) : [])
          .map((subject) => tenantSubject(subject, bindingNamespace, input.tenantNamespaces))
          .filter((subject): subject is string => subject !== undefined);
        if (subjects.length === 0) return [];
        const who = subjects.join(", ");
        const roleRef = isObject(binding.manifest.roleRef) ? binding.manifest.roleRef : {};
        const roleKind = roleRef.kind === "Role" ? "Role" : "ClusterRole";
        const roleName = String(roleRef.name ?? "");
        if (roleKind === "ClusterRole" && TENANT_FORBIDDEN_ROLES.includes(roleName)) {
          return [{ address: addressOf(binding), message: `gives ${who} the ClusterRole ${roleName}` }];
        }
        const forbidden = forbiddenOfRole(input, roleKind, roleName, bindingNamespace);
        if (forbidden === undefined) {
          return [{ address: addressOf(binding), message: `gives ${who} the ${roleKind} ${roleName}, which no stack or release defines, so what it grants cannot be checked` }];
        }
        const unique = [...new Set(forbidden)];
        return unique.length === 0 ? [] : [{ address: addressOf(binding), message: `gives ${who} ${unique.join(", ")} through the ${roleKind} ${roleName}` }];
      }),
};

export const RBAC_RULES: readonly Rule[] = [noWildcardRbac, noClusterAdminBindings, noSecretsOrExecForTenants];
