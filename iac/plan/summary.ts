import type { OfflinePlanResult, ResourceChange } from "./run";

/** Resource count per type and action, e.g. `aws_subnet: 6 create`. */
export function countByType(changes: readonly ResourceChange[]): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const change of changes) {
    const action = change.change.actions.join("+");
    const perType = (counts[change.type] ??= {});
    perType[action] = (perType[action] ?? 0) + 1;
  }
  return counts;
}

/** A short Markdown review of an offline plan: what gets created, the cluster's key settings, what the plan could not check. */
export function planSummary(result: OfflinePlanResult): string {
  const changes = result.plan.resource_changes;
  const counts = countByType(changes);
  const lines = [
    `# Offline plan: ${result.stackName}`,
    "",
    `Planned against the real hashicorp/aws ${result.awsVersion} provider from a local mirror, no refresh, fake credentials;`,
    "the registry VPC module is replaced by a stand-in generated from its published interface (VPC, subnets,",
    "internet and NAT gateways, flow log; not the module's route tables, NACLs or default security group);",
    "data sources that need AWS credentials get stand-in values (listed below).",
    "",
    `${changes.length} resource changes:`,
    "",
    "| resource type | count | action |",
    "| --- | --- | --- |",
    ...Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([type, actions]) => Object.entries(actions).map(([action, n]) => `| ${type} | ${n} | ${action} |`)),
    "",
  ];
  const cluster = changes.find((c) => c.type === "aws_eks_cluster")?.change.after;
  if (cluster) {
    const vpc = (cluster.vpc_config as Record<string, unknown>[] | undefined)?.[0] ?? {};
    const compute = (cluster.compute_config as Record<string, unknown>[] | undefined)?.[0] ?? {};
    lines.push(
      "## EKS cluster",
      "",
      `- name ${String(cluster.name)}, Kubernetes ${String(cluster.version)}`,
      `- Auto Mode compute ${String(compute.enabled)}, node pools ${JSON.stringify(compute.node_pools)}`,
      `- endpoint: private ${String(vpc.endpoint_private_access)}, public ${String(vpc.endpoint_public_access)} from ${JSON.stringify(vpc.public_access_cidrs)}`,
      `- control-plane logs ${JSON.stringify(cluster.enabled_cluster_log_types)}`,
      "",
    );
  }
  if (result.standIns.length > 0) {
    lines.push(
      "## Resolved against AWS at apply",
      "",
      "These data sources call AWS when read, so this plan used stand-in values; a real plan reads them from the account:",
      "",
      ...result.standIns.map((s) => `- \`${s.address}.${s.attribute}\`: stand-in \`${s.value}\``),
      "",
    );
  }
  if (result.removed.length > 0) {
    lines.push(
      `## Not checked by this plan`,
      "",
      `The mirror's provider (${result.awsVersion}) predates these arguments, so they were removed from the planned copy; synth assertions cover them:`,
      "",
      ...result.removed.map((r) => `- \`${r.address}\`: \`${r.attribute}\``),
      "",
    );
  }
  return lines.join("\n");
}
