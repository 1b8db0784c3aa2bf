import { describe, expect, it } from "vitest";
import {
  networkPolicyEnforced,
  tenantEgressRestricted,
  tenantLimitRange,
  tenantNetworkPolicy,
  tenantNetworkPolicyNotOpen,
  tenantNoApiCredentials,
  tenantNoLoadBalancers,
  tenantPodSecurityAdmission,
  tenantResourceQuota,
} from "../src/rules/tenancy";
import type { Json, KubernetesObject } from "../src/types";
import { POD_LABELS, input, object, podSpecOf, restrictedDeployment, run } from "./builders";

const NS = "tenant-t";

const namespace = (labels: Record<string, string> = { "pod-security.kubernetes.io/enforce": "restricted" }) =>
  object({ kind: "Namespace", metadata: { name: NS, labels } });
const quota = (hard: Json = { pods: "5", "requests.cpu": "4", "requests.memory": "4Gi", "limits.cpu": "16", "limits.memory": "8Gi", "services.loadbalancers": "0", "services.nodeports": "0" }) =>
  object({ kind: "ResourceQuota", metadata: { name: "tenant", namespace: NS }, spec: { hard } }, NS);
const limitRange = (limits: Json[] = [{ type: "Container", default: { cpu: "500m", memory: "128Mi" } }]) =>
  object({ kind: "LimitRange", metadata: { name: "tenant", namespace: NS }, spec: { limits } }, NS);
const ingressControllerPeer = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "traefik" } },
  podSelector: { matchLabels: { "app.kubernetes.io/name": "traefik" } },
};
const networkPolicy = (spec: Json = { podSelector: { matchLabels: POD_LABELS }, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [ingressControllerPeer] }] }) =>
  object({ kind: "NetworkPolicy", metadata: { name: "app", namespace: NS }, spec }, NS);
const enforcement = object({ kind: "ConfigMap", metadata: { name: "amazon-vpc-cni", namespace: "kube-system" }, data: { "enable-network-policy-controller": "true" } }, "kube-system");

/** One tenant with everything the tenancy rules ask for; each test replaces or removes one part. */
function tenant(replace: Partial<Record<"namespace" | "quota" | "limitRange" | "networkPolicy" | "workload" | "enforcement", KubernetesObject | null>> = {}) {
  const parts = { namespace: namespace(), quota: quota(), limitRange: limitRange(), networkPolicy: networkPolicy(), workload: restrictedDeployment(NS), enforcement, ...replace };
  return input({ tenantNamespaces: [NS], kubernetes: Object.values(parts).filter((o): o is KubernetesObject => o !== null) });
}

describe("a tenant with namespace, quota, limit range, enforced NetworkPolicy and restricted workload", () => {
  it.each([
    tenantNetworkPolicy, tenantNetworkPolicyNotOpen, tenantEgressRestricted, networkPolicyEnforced, tenantResourceQuota,
    tenantLimitRange, tenantPodSecurityAdmission, tenantNoLoadBalancers, tenantNoApiCredentials,
  ].map((rule) => [rule.id, rule] as const))("passes %s", (_id, rule) => {
    expect(run(rule, tenant())).toEqual([]);
  });
});

describe("K8S-NET-001 every tenant namespace has an ingress NetworkPolicy covering its workloads", () => {
  it("flags a tenant namespace without any NetworkPolicy", () => {
    expect(run(tenantNetworkPolicy, tenant({ networkPolicy: null }))).toEqual([{ address: "namespace tenant-t", message: "no NetworkPolicy restricting ingress" }]);
  });

  it("flags a NetworkPolicy that only restricts egress", () => {
    expect(run(tenantNetworkPolicy, tenant({ networkPolicy: networkPolicy({ podSelector: {}, policyTypes: ["Egress"] }) }))).toHaveLength(1);
  });

  it("flags a workload whose pods no NetworkPolicy selects", () => {
    const other = networkPolicy({ podSelector: { matchLabels: { "app.kubernetes.io/name": "something-else" } }, ingress: [{ from: [ingressControllerPeer] }] });
    expect(run(tenantNetworkPolicy, tenant({ networkPolicy: other }))).toEqual([
      { address: "test-stack/helm_release.t Deployment tenant-t/app", message: "its pods are selected by no ingress NetworkPolicy" },
    ]);
  });

  it("reads matchExpressions when deciding what a policy selects", () => {
    const byExpression = networkPolicy({ podSelector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["app"] }] }, ingress: [{ from: [ingressControllerPeer] }] });
    expect(run(tenantNetworkPolicy, tenant({ networkPolicy: byExpression }))).toEqual([]);
    const excluding = networkPolicy({ podSelector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "NotIn", values: ["app"] }] }, ingress: [{ from: [ingressControllerPeer] }] });
    expect(run(tenantNetworkPolicy, tenant({ networkPolicy: excluding }))).toHaveLength(1);
  });
});

describe("K8S-NET-001 and K8S-NET-004 cover every pod-making object of a tenant, except helm test hooks", () => {
  const podSpec = () => podSpecOf(restrictedDeployment(NS));
  const cronJob = object({ kind: "CronJob", metadata: { name: "report", namespace: NS }, spec: { jobTemplate: { spec: { template: { metadata: { labels: { job: "report" } }, spec: podSpec() } } } } }, NS);
  const bare = object({ kind: "Pod", metadata: { name: "debug", namespace: NS, labels: { debug: "yes" } }, spec: podSpec() }, NS);
  const helmTest = object({ kind: "Pod", metadata: { name: "t-test", namespace: NS, labels: { test: "yes" }, annotations: { "helm.sh/hook": "test" } }, spec: podSpec() }, NS);
  const withExtra = (...extra: KubernetesObject[]) => ({ ...tenant(), kubernetes: [...tenant().kubernetes, ...extra] });

  it.each([
    [tenantNetworkPolicy.id, tenantNetworkPolicy, "its pods are selected by no ingress NetworkPolicy"],
    [tenantEgressRestricted.id, tenantEgressRestricted, "its pods are selected by no NetworkPolicy restricting egress"],
  ] as const)("%s flags a CronJob and a bare Pod no policy selects", (_id, rule, message) => {
    expect(run(rule, withExtra(cronJob, bare))).toEqual([
      { address: "test-stack/helm_release.t CronJob tenant-t/report", message },
      { address: "test-stack/helm_release.t Pod tenant-t/debug", message },
    ]);
  });

  it.each([tenantNetworkPolicy, tenantEgressRestricted].map((rule) => [rule.id, rule] as const))("%s leaves the helm test pod to the documented gap", (_id, rule) => {
    expect(run(rule, withExtra(helmTest))).toEqual([]);
  });
});

describe("K8S-NET-004 tenant workloads cannot send traffic anywhere they like", () => {
  it("flags a workload whose only NetworkPolicy restricts ingress", () => {
    const ingressOnly = networkPolicy({ podSelector: { matchLabels: POD_LABELS }, policyTypes: ["Ingress"], ingress: [{ from: [ingressControllerPeer] }] });
    expect(run(tenantEgressRestricted, tenant({ networkPolicy: ingressOnly }))).toEqual([
      { address: "test-stack/helm_release.t Deployment tenant-t/app", message: "its pods are selected by no NetworkPolicy restricting egress" },
    ]);
  });

  it("flags an egress rule without destinations and one to 0.0.0.0/0", () => {
    const open = networkPolicy({ podSelector: { matchLabels: POD_LABELS }, policyTypes: ["Ingress", "Egress"], egress: [{}, { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] });
    expect(run(tenantEgressRestricted, tenant({ networkPolicy: open })).map((v) => v.message)).toEqual([
      "egress[0] has no to: it allows every destination",
      "egress[1].to[0] allows ipBlock 0.0.0.0/0",
    ]);
  });
});

describe("K8S-NET-002 tenant NetworkPolicies are not open", () => {
  it.each([
    ["an ingress rule without from", [{ ports: [{ port: 8080 }] }], "has no from"],
    ["an empty namespaceSelector", [{ from: [{ namespaceSelector: {} }] }], "every namespace"],
    ["an ipBlock of 0.0.0.0/0", [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }], "ipBlock 0.0.0.0/0"],
  ])("flags %s", (_name, ingress, message) => {
    const open = networkPolicy({ podSelector: { matchLabels: POD_LABELS }, policyTypes: ["Ingress"], ingress });
    expect(run(tenantNetworkPolicyNotOpen, tenant({ networkPolicy: open }))).toEqual([
      { address: "test-stack/helm_release.t NetworkPolicy tenant-t/app", message: expect.stringContaining(message) },
    ]);
  });
});

describe("K8S-NET-003 NetworkPolicies are enforced", () => {
  it("flags tenants whose NetworkPolicies nothing enforces", () => {
    expect(run(networkPolicyEnforced, tenant({ enforcement: null }))).toEqual([
      { address: "tst1 ConfigMap kube-system/amazon-vpc-cni", message: expect.stringContaining("not enforced") },
    ]);
  });

  it("flags the ConfigMap when it turns the controller off", () => {
    const off = object({ kind: "ConfigMap", metadata: { name: "amazon-vpc-cni", namespace: "kube-system" }, data: { "enable-network-policy-controller": "false" } }, "kube-system");
    expect(run(networkPolicyEnforced, tenant({ enforcement: off }))).toHaveLength(1);
  });

  it("does not accept the ConfigMap in another namespace than kube-system", () => {
    const elsewhere = object({ kind: "ConfigMap", metadata: { name: "amazon-vpc-cni", namespace: NS }, data: { "enable-network-policy-controller": "true" } }, NS);
    expect(run(networkPolicyEnforced, tenant({ enforcement: elsewhere }))).toHaveLength(1);
  });
});

describe("K8S-NS-001 tenant ResourceQuota", () => {
  it("flags a tenant namespace without a quota", () => {
    expect(run(tenantResourceQuota, tenant({ quota: null }))).toEqual([{ address: "namespace tenant-t", message: "no ResourceQuota" }]);
  });

  it("flags a quota that caps pods but not memory", () => {
    expect(run(tenantResourceQuota, tenant({ quota: quota({ pods: "5", cpu: "4", "limits.cpu": "8" }) }))).toEqual([
      { address: "namespace tenant-t", message: "ResourceQuota does not cap requests.memory, limits.memory" },
    ]);
  });
});

describe("K8S-NS-002 tenant LimitRange", () => {
  it("flags a tenant namespace without a LimitRange", () => {
    expect(run(tenantLimitRange, tenant({ limitRange: null }))).toEqual([{ address: "namespace tenant-t", message: "no LimitRange" }]);
  });

  it("flags a LimitRange that sets no default container limits", () => {
    expect(run(tenantLimitRange, tenant({ limitRange: limitRange([{ type: "Container", max: { cpu: "2", memory: "1Gi" } }]) }))).toHaveLength(1);
  });
});

describe("K8S-NS-003 tenant namespaces enforce the restricted profile", () => {
  it("flags a tenant namespace that only enforces baseline", () => {
    expect(run(tenantPodSecurityAdmission, tenant({ namespace: namespace({ "pod-security.kubernetes.io/enforce": "baseline" }) }))).toEqual([
      { address: "test-stack/helm_release.t Namespace tenant-t", message: "pod-security.kubernetes.io/enforce is baseline, not restricted" },
    ]);
  });

  it("flags a tenant whose Namespace no stack creates", () => {
    expect(run(tenantPodSecurityAdmission, tenant({ namespace: null }))).toEqual([{ address: "namespace tenant-t", message: expect.stringContaining("no stack creates") }]);
  });
});

describe("K8S-NS-004 tenants cannot open load balancers", () => {
  it("flags a quota that allows LoadBalancer Services, and a LoadBalancer Service", () => {
    const service = object({ kind: "Service", metadata: { name: "direct", namespace: NS }, spec: { type: "LoadBalancer" } }, NS);
    const lenient = quota({ pods: "5", "requests.cpu": "4", "requests.memory": "4Gi", "limits.cpu": "16", "limits.memory": "8Gi", "services.nodeports": "0" });
    const findings = run(tenantNoLoadBalancers, { ...tenant({ quota: lenient }), kubernetes: [...tenant({ quota: lenient }).kubernetes, service] });
    expect(findings).toEqual([
      { address: "namespace tenant-t", message: "ResourceQuota services.loadbalancers is unset, not 0" },
      { address: "test-stack/helm_release.t Service tenant-t/direct", message: "Service of type LoadBalancer" },
    ]);
  });
});

describe("K8S-NS-004 with several quotas in one namespace", () => {
  // Kubernetes enforces every quota of a namespace, so the strictest one decides.
  const second = (hard: Json) => object({ kind: "ResourceQuota", metadata: { name: "extra", namespace: NS }, spec: { hard } }, NS);

  it("accepts a namespace where any quota allows 0, whichever comes last", () => {
    const base = tenant();
    const lenientLast = { ...base, kubernetes: [...base.kubernetes, second({ "services.loadbalancers": "5", "services.nodeports": "5" })] };
    expect(run(tenantNoLoadBalancers, lenientLast)).toEqual([]);
  });

  it("flags a namespace where no quota allows 0, naming every value", () => {
    const lenient = quota({ pods: "5", "services.loadbalancers": "2", "services.nodeports": "0" });
    const base = tenant({ quota: lenient });
    const both = { ...base, kubernetes: [...base.kubernetes, second({ "services.loadbalancers": "5" })] };
    expect(run(tenantNoLoadBalancers, both)).toEqual([{ address: "namespace tenant-t", message: "ResourceQuota services.loadbalancers is 2, 5, not 0" }]);
  });
});

describe("K8S-NS-004 NodePort Services", () => {
  it("flags a tenant Service of type NodePort", () => {
    const service = object({ kind: "Service", metadata: { name: "direct", namespace: NS }, spec: { type: "NodePort" } }, NS);
    expect(run(tenantNoLoadBalancers, { ...tenant(), kubernetes: [...tenant().kubernetes, service] })).toEqual([
      { address: "test-stack/helm_release.t Service tenant-t/direct", message: "Service of type NodePort" },
    ]);
  });
});

describe("K8S-NS-005 tenant pods have no API credentials", () => {
  it("flags a tenant pod that mounts its service account token", () => {
    const mounting = restrictedDeployment(NS);
    delete podSpecOf(mounting).automountServiceAccountToken;
    expect(run(tenantNoApiCredentials, tenant({ workload: mounting }))).toEqual([
      { address: "test-stack/helm_release.t Deployment tenant-t/app", message: expect.stringContaining("automountServiceAccountToken") },
    ]);
  });

  it("accepts a pod whose ServiceAccount turns the token off", () => {
    const pod = restrictedDeployment(NS);
    delete podSpecOf(pod).automountServiceAccountToken;
    podSpecOf(pod).serviceAccountName = "app";
    const account = object({ kind: "ServiceAccount", metadata: { name: "app", namespace: NS }, automountServiceAccountToken: false }, NS);
    const withAccount = tenant({ workload: pod });
    expect(run(tenantNoApiCredentials, { ...withAccount, kubernetes: [...withAccount.kubernetes, account] })).toEqual([]);
  });
});
