/**
 * Tenant isolation: every tenant namespace (from the descriptor's tenants) is walled off by Pod Security
 * Admission, a NetworkPolicy that is actually enforced, a quota and a limit range, and cannot open its own
 * load balancer or read API credentials.
 */
import { addressOf, kindOf, labelsOf, metadataOf, nameOf, podBearing, podTemplateOf, selects, type PodTemplate } from "../kubernetes";
import { apiGroupOf, scopeOf } from "../kubernetes-scope";
import { isObject, resources } from "../terraform";
import type { Json, KubernetesObject, PolicyInput, Rule, Violation } from "../types";

const inNamespace = (input: PolicyInput, namespace: string, kind: string): KubernetesObject[] =>
  input.kubernetes.filter((o) => kindOf(o) === kind && o.namespace === namespace);

const spec = (object: KubernetesObject): Json => (isObject(object.manifest.spec) ? object.manifest.spec : {});

/** A `helm test` hook: a short-lived pod that must reach the Service (a known gap in docs/security.md). */
function isHelmTestHook(object: KubernetesObject): boolean {
  const annotations = metadataOf(object).annotations;
  const hooks = isObject(annotations) ? String(annotations["helm.sh/hook"] ?? "") : "";
  return hooks.split(",").some((hook) => hook.trim() === "test");
}

/** Everything in a tenant namespace that makes pods (workloads, Jobs, CronJobs, bare Pods), helm test hooks aside. */
const tenantWorkloads = (input: PolicyInput, namespace: string): { object: KubernetesObject; pod: PodTemplate }[] =>
  podBearing(input.kubernetes.filter((o) => o.namespace === namespace && !isHelmTestHook(o)));

/** A NetworkPolicy restricts ingress when its policyTypes include Ingress (Kubernetes' default when unset). */
const restrictsIngress = (policy: KubernetesObject): boolean => {
  const types = spec(policy).policyTypes;
  return !Array.isArray(types) || types.includes("Ingress");
};

export const tenantNetworkPolicy: Rule = {
  id: "K8S-NET-001",
  title: "Every tenant namespace has an ingress NetworkPolicy selecting all of its workloads",
  control:
    "A tenant's pods accept traffic only from what its NetworkPolicy allows (the ingress controller); a workload no " +
    "policy selects would accept connections from every other tenant.",
  check: (input) =>
    input.tenantNamespaces.flatMap((namespace): Violation[] => {
      const policies = inNamespace(input, namespace, "NetworkPolicy").filter(restrictsIngress);
      if (policies.length === 0) return [{ address: `namespace ${namespace}`, message: "no NetworkPolicy restricting ingress" }];
      return tenantWorkloads(input, namespace).flatMap(({ object, pod }) =>
        policies.some((policy) => selects(spec(policy).podSelector, labelsOf(pod.metadata)))
          ? []
          : [{ address: addressOf(object), message: "its pods are selected by no ingress NetworkPolicy" }],
      );
    }),
};

/** A selector with no matchLabels and no matchExpressions: it selects everything. */
const isEmptySelector = (selector: Json): boolean =>
  Object.values(selector).every((value) => (isObject(value) && Object.keys(value).length === 0) || (Array.isArray(value) && value.length === 0));

/** A `from` peer that admits pods of every namespace, or every address. */
function openPeer(peer: Json): string | undefined {
  if (isObject(peer.namespaceSelector) && isEmptySelector(peer.namespaceSelector)) return "an empty namespaceSelector (every namespace)";
  const block = isObject(peer.ipBlock) ? peer.ipBlock : undefined;
  if (block && /\/0$/.test(String(block.cidr))) return `ipBlock ${String(block.cidr)}`;
  return undefined;
}

export const tenantNetworkPolicyNotOpen: Rule = {
  id: "K8S-NET-002",
  title: "Tenant NetworkPolicies do not admit every namespace or every address",
  control: "An ingress rule with no `from`, an empty namespaceSelector or a /0 ipBlock would let other tenants in.",
  check: (input) =>
    input.tenantNamespaces.flatMap((namespace) =>
      inNamespace(input, namespace, "NetworkPolicy").flatMap((policy) => {
        const rules = Array.isArray(spec(policy).ingress) ? (spec(policy).ingress as unknown[]).filter(isObject) : [];
        return rules.flatMap((rule, i): Violation[] => {
          const from = Array.isArray(rule.from) ? rule.from.filter(isObject) : [];
          if (from.length === 0) return [{ address: addressOf(policy), message: `ingress[${i}] has no from: it admits every source` }];
          return from.flatMap((peer, j) => {
            const open = openPeer(peer);
            return open ? [{ address: addressOf(policy), message: `ingress[${i}].from[${j}] admits ${open}` }] : [];
          });
        });
      }),
    ),
};

/** A NetworkPolicy restricts egress only when its policyTypes name Egress (unset means Ingress only). */
const restrictsEgress = (policy: KubernetesObject): boolean => {
  const types = spec(policy).policyTypes;
  return Array.isArray(types) && types.includes("Egress");
};

export const tenantEgressRestricted: Rule = {
  id: "K8S-NET-004",
  title: "Every tenant workload is selected by a NetworkPolicy that restricts egress, to no open destination",
  control:
    "The service makes no outbound calls: a compromised tenant pod must not reach other tenants, the node's " +
    "metadata service or the internet.",
  check: (input) =>
    input.tenantNamespaces.flatMap((namespace): Violation[] => {
      const policies = inNamespace(input, namespace, "NetworkPolicy").filter(restrictsEgress);
      const uncovered = tenantWorkloads(input, namespace)
        .filter(({ pod }) => !policies.some((policy) => selects(spec(policy).podSelector, labelsOf(pod.metadata))))
        .map(({ object }) => ({ address: addressOf(object), message: "its pods are selected by no NetworkPolicy restricting egress" }));
      const open = policies.flatMap((policy) => {
        const rules = Array.isArray(spec(policy).egress) ? (spec(policy).egress as unknown[]).filter(isObject) : [];
        return rules.flatMap((rule, i): Violation[] => {
          const to = Array.isArray(rule.to) ? rule.to.filter(isObject) : [];
          if (to.length === 0) return [{ address: addressOf(policy), message: `egress[${i}] has no to: it allows every destination` }];
          return to.flatMap((peer, j) => {
            const peerOpen = openPeer(peer);
            return peerOpen ? [{ address: addressOf(policy), message: `egress[${i}].to[${j}] allows ${peerOpen}` }] : [];
          });
        });
      });
      return [...uncovered, ...open];
    }),
};

export const ENFORCEMENT_CONFIG_MAP = { namespace: "kube-system", name: "amazon-vpc-cni", key: "enable-network-policy-controller" } as const;

export const networkPolicyEnforced: Rule = {
  id: "K8S-NET-003",
  title: "NetworkPolicies are enforced (EKS Auto Mode network policy controller on)",
  control:
    "EKS Auto Mode accepts NetworkPolicy objects but ignores them until ConfigMap kube-system/amazon-vpc-cni sets " +
    "enable-network-policy-controller: \"true\"; without it every policy above is decoration.",
  check: (input) => {
    const policies = input.kubernetes.filter((o) => kindOf(o) === "NetworkPolicy");
    if (policies.length === 0 && input.tenantNamespaces.length === 0) return [];
    const enabled = input.kubernetes.some(
      (o) =>
        kindOf(o) === "ConfigMap" &&
        o.namespace === ENFORCEMENT_CONFIG_MAP.namespace &&
        nameOf(o) === ENFORCEMENT_CONFIG_MAP.name &&
        isObject(o.manifest.data) &&
        o.manifest.data[ENFORCEMENT_CONFIG_MAP.key] === "true",
    );
    return enabled
      ? []
      : [{ address: `${input.deploymentId} ConfigMap ${ENFORCEMENT_CONFIG_MAP.namespace}/${ENFORCEMENT_CONFIG_MAP.name}`, message: `no stack sets ${ENFORCEMENT_CONFIG_MAP.key}: "true", so NetworkPolicies are not enforced` }];
  },
};

/** What a tenant quota must cap: pods, and CPU and memory requested and limited. */
export const REQUIRED_QUOTA = ["pods", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"] as const;

export const tenantResourceQuota: Rule = {
  id: "K8S-NS-001",
  title: "Every tenant namespace has a ResourceQuota on pods, CPU and memory",
  control: "One tenant cannot starve the others (or run up the bill) by scaling without bound: its total is capped.",
  check: (input) =>
    input.tenantNamespaces.flatMap((namespace): Violation[] => {
      const quotas = inNamespace(input, namespace, "ResourceQuota");
      if (quotas.length === 0) return [{ address: `namespace ${namespace}`, message: "no ResourceQuota" }];
      const hard = new Set(quotas.flatMap((q) => (isObject(spec(q).hard) ? Object.keys(spec(q).hard as Json) : [])));
      // `cpu`/`memory` in a quota are the requests.
      const missing = REQUIRED_QUOTA.filter((key) => !hard.has(key) && !(key.startsWith("requests.") && hard.has(key.slice("requests.".length))));
      return missing.length === 0 ? [] : [{ address: `namespace ${namespace}`, message: `ResourceQuota does not cap ${missing.join(", ")}` }];
    }),
};

export const tenantLimitRange: Rule = {
  id: "K8S-NS-002",
  title: "Every tenant namespace has a LimitRange giving containers default limits",
  control: "A container that declares no resources still gets CPU and memory limits, so it counts against the quota and cannot take a node.",
  check: (input) =>
    input.tenantNamespaces.flatMap((namespace): Violation[] => {
      const ranges = inNamespace(input, namespace, "LimitRange");
      const containerDefaults = ranges.some((range) =>
        (Array.isArray(spec(range).limits) ? (spec(range).limits as unknown[]).filter(isObject) : []).some(
          (limit) => limit.type === "Container" && isObject(limit.default) && "cpu" in limit.default && "memory" in limit.default,
        ),
      );
      if (ranges.length === 0) return [{ address: `namespace ${namespace}`, message: "no LimitRange" }];
      return containerDefaults ? [] : [{ address: `namespace ${namespace}`, message: "no LimitRange gives Containers a default cpu and memory limit" }];
    }),
};

export const PSA_ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";

export const tenantPodSecurityAdmission: Rule = {
  id: "K8S-NS-003",
  title: "Every tenant namespace enforces the restricted Pod Security Standard",
  control:
    "The API server itself refuses any pod in a tenant namespace that breaks the restricted profile, whatever a " +
    "tenant's values or a future chart change render.",
  check: (input) =>
    input.tenantNamespaces.flatMap((namespace): Violation[] => {
      const object = input.kubernetes.find((o) => kindOf(o) === "Namespace" && nameOf(o) === namespace);
      if (!object) return [{ address: `namespace ${namespace}`, message: "no stack creates this tenant's Namespace" }];
      const level = labelsOf(metadataOf(object))[PSA_ENFORCE_LABEL];
      return level === "restricted" ? [] : [{ address: addressOf(object), message: `${PSA_ENFORCE_LABEL} is ${level ?? "unset"}, not restricted` }];
    }),
};

export const tenantNoLoadBalancers: Rule = {
  id: "K8S-NS-004",
  title: "Tenants cannot open their own load balancers or node ports",
  control:
    "The shared NLB and ingress controller are the only way in from the internet: tenant quotas allow 0 LoadBalancer and " +
    "NodePort Services, and no tenant Service is of either type.",
  check: (input) =>
    input.tenantNamespaces.flatMap((namespace): Violation[] => {
      const found: Violation[] = [];
      // Every quota of a namespace applies at once, so one that allows 0 is enough.
      const hards = inNamespace(input, namespace, "ResourceQuota").map((q): Json => {
        const hard = spec(q).hard;
        return isObject(hard) ? hard : {};
      });
      for (const key of ["services.loadbalancers", "services.nodeports"]) {
        if (hards.some((hard) => String(hard[key]) === "0")) continue;
        const set = hards.map((hard) => hard[key]).filter((value) => value !== undefined).map(String);
        found.push({ address: `namespace ${namespace}`, message: `ResourceQuota ${key} is ${set.length === 0 ? "unset" : set.join(", ")}, not 0` });
      }
      for (const service of inNamespace(input, namespace, "Service")) {
        const type = spec(service).type;
        if (type === "LoadBalancer" || type === "NodePort") found.push({ address: addressOf(service), message: `Service of type ${type}` });
      }
      return found;
    }),
};

export const tenantNoApiCredentials: Rule = {
  id: "K8S-NS-005",
  title: "Tenant pods do not mount Kubernetes API credentials",
  control: "A compromised tenant container holds no service-account token to probe or attack the API server with.",
  check: (input) =>
    input.kubernetes
      .filter((o) => o.namespace !== undefined && input.tenantNamespaces.includes(o.namespace))
      .flatMap((object): Violation[] => {
        const pod = podTemplateOf(object);
        if (!pod) return [];
        const accountName = String(pod.spec.serviceAccountName ?? pod.spec.serviceAccount ?? "default");
        const account = inNamespace(input, object.namespace as string, "ServiceAccount").find((sa) => nameOf(sa) === accountName);
        const mounted = pod.spec.automountServiceAccountToken ?? account?.manifest.automountServiceAccountToken ?? true;
        return mounted === false ? [] : [{ address: addressOf(object), message: "automountServiceAccountToken is not false (on the pod or its ServiceAccount)" }];
      }),
};

/** The helm_releases installed into a tenant namespace, by Terraform address (the origin of what they render). */
export function tenantReleases(input: PolicyInput): Map<string, string> {
  const releases = new Map<string, string>();
  for (const release of resources(input.stacks, ["helm_release"])) {
    const namespace = release.body.namespace;
    if (typeof namespace === "string" && input.tenantNamespaces.includes(namespace)) releases.set(release.address, namespace);
  }
  return releases;
}

export const tenantReleasesNamespaced: Rule = {
  id: "K8S-NS-006",
  title: "Tenant releases ship only namespaced objects, all in the tenant's own namespace",
  control:
    "A tenant is a namespace: a tenant release that ships a cluster-scoped object (ClusterRole, ClusterRoleBinding, " +
    "CRD, webhook, PriorityClass, StorageClass, another Namespace, ...) or an object in another namespace reaches " +
    "beyond its tenant. Scope is decided from Kubernetes 1.35's own API types; a kind of unknown scope is a finding.",
  check: (input) => {
    const releases = tenantReleases(input);
    return input.kubernetes.flatMap((object): Violation[] => {
      const namespace = releases.get(object.origin);
      if (namespace === undefined) return [];
      const kind = `${apiGroupOf(object.manifest) || "core"}/${kindOf(object)}`;
      const scope = scopeOf(object.manifest);
      const address = `${object.origin} ${kindOf(object)} ${nameOf(object)}`;
      if (scope === undefined) {
        return [{ address, message: `${kind} (${String(object.manifest.apiVersion)}) is neither a Kubernetes 1.35 kind nor a listed custom resource, so it may be cluster-scoped` }];
      }
      if (scope === "Cluster") {
        // Its own Namespace is the one cluster-scoped object a tenant may carry.
        if (kind === "core/Namespace" && nameOf(object) === namespace) return [];
        return [{ address, message: `${kind} is cluster-scoped; a tenant release may only ship objects of its namespace ${namespace}` }];
      }
      const own = metadataOf(object).namespace;
      return own === undefined || own === namespace ? [] : [{ address, message: `${kind} targets namespace ${String(own)}, not the release's namespace ${namespace}` }];
    });
  },
};

export const TENANCY_RULES: readonly Rule[] = [
  tenantNetworkPolicy,
  tenantNetworkPolicyNotOpen,
  tenantEgressRestricted,
  networkPolicyEnforced,
  tenantResourceQuota,
  tenantLimitRange,
  tenantPodSecurityAdmission,
  tenantNoLoadBalancers,
  tenantNoApiCredentials,
  tenantReleasesNamespaced,
];
