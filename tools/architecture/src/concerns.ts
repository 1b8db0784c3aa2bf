/**
 * Which concern a node belongs to. The construct tree already groups a stack by concern (`network/...`,
 * `eks/...`, `tenant-acme/...`), so the top-level construct decides; IAM is pulled together from
 * wherever it is declared, and a construct this table does not know keeps its own name as its group,
 * so a new part of a stack shows up in the diagram without a change here.
 */
import type { StackNode } from "./graph";

export type PackageName = "iac" | "helm";

/** Group titles in the order the diagram lists them; anything else follows, sorted. */
export const CONCERN_ORDER: Record<PackageName, readonly string[]> = {
  iac: ["network", "IAM", "cluster", "add-ons", "monitoring", "cost", "DNS and TLS"],
  helm: ["cluster access", "ingress", "network policy", "scaling", "monitoring", "tenants"],
};

const BY_CONSTRUCT: Record<PackageName, Readonly<Record<string, string>>> = {
  iac: {
    network: "network",
    iam: "IAM",
    eks: "cluster",
    addons: "add-ons",
    prometheus: "monitoring",
    alerts: "monitoring",
    alarms: "monitoring",
    budget: "cost",
    tls: "DNS and TLS",
  },
  helm: {
    cluster: "cluster access",
    ingress: "ingress",
    "network-policy": "network policy",
    keda: "scaling",
    "prometheus-collector": "monitoring",
  },
};

const BY_TYPE: readonly [RegExp, string][] = [
  [/^aws_(acm|route53)_/, "DNS and TLS"],
  [/^aws_(budgets|ce)_/, "cost"],
  [/^aws_(cloudwatch_metric_alarm|sns_|prometheus_)/, "monitoring"],
  [/^aws_eks_(addon|pod_identity_association)$/, "add-ons"],
];

export const constructRoot = (node: StackNode): string => node.path.split("/")[0] ?? node.path;

export function concernOf(pkg: PackageName, node: StackNode): string {
  if (/^aws_iam_/.test(node.type)) return "IAM";
  if (node.kind === "provider") return pkg === "helm" ? "cluster access" : "providers";
  const root = constructRoot(node);
  if (pkg === "helm" && root.startsWith("tenant-")) return "tenants";
  // A dedicated tenant's NodeClass and NodePool (helm/src/isolation.ts) sit with the shared ones.
  if (pkg === "helm" && root.startsWith("dedicated-")) return "capacity";
  const known = BY_CONSTRUCT[pkg][root];
  if (known) return known;
  for (const [pattern, concern] of BY_TYPE) if (pattern.test(node.type)) return concern;
  return root;
}

export function sortConcerns(pkg: PackageName, concerns: Iterable<string>): string[] {
  const order = CONCERN_ORDER[pkg];
  const rank = (c: string) => (order.includes(c) ? order.indexOf(c) : order.length);
  return [...new Set(concerns)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
