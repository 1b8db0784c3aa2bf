/**
 * The Kubernetes minor versions EKS offers, with the end of their standard and extended support, as AWS's
 * release calendar gives them (EKS User Guide, "Understand the Kubernetes version lifecycle on EKS", and its
 * release calendar, as mirrored by endoflife.date/amazon-eks), read on VERSIONS_AS_OF. A version is under
 * standard support for 14 months after its EKS release, then extended support for 12.
 *
 * The cluster runs with `upgrade_policy.support_type = STANDARD` (iac/src/cluster.ts: extended support costs
 * six times as much per cluster hour), so EKS upgrades a cluster on its own once standard support ends:
 * only versions still under standard support on VERSIONS_AS_OF are accepted. To move to a newer version,
 * add its row here from the calendar (and check the add-ons, KEDA and the chart's kubeVersion for it:
 * docs/operations.md, "Upgrade Kubernetes"); the check is against this date, not the clock, so a
 * descriptor that synthesizes today synthesizes the same way tomorrow.
 */
export const VERSIONS_AS_OF = "2026-12-01";

export interface EksKubernetesVersion {
  readonly version: string;
  readonly endOfStandardSupport: string;
  readonly endOfExtendedSupport: string;
}

export const EKS_KUBERNETES_VERSIONS: readonly EksKubernetesVersion[] = [
  { version: "1.32", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
  { version: "1.33", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
  { version: "1.34", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
  { version: "1.35", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
];

/** The versions a descriptor may name: known to EKS and under standard support on VERSIONS_AS_OF. */
export const SUPPORTED_KUBERNETES_VERSIONS: readonly string[] = EKS_KUBERNETES_VERSIONS.filter(
  (v) => v.endOfStandardSupport > VERSIONS_AS_OF,
).map((v) => v.version);

/** Why `version` cannot be used, or undefined when it can. */
export function kubernetesVersionProblem(version: string): string | undefined {
  const known = EKS_KUBERNETES_VERSIONS.find((v) => v.version === version);
  const allowed = SUPPORTED_KUBERNETES_VERSIONS.map((v) => `"${v}"`).join(", ");
  if (!known) {
    return `Kubernetes ${version} is not a version this project knows EKS to offer (as of ${VERSIONS_AS_OF}); use one of ${allowed}`;
  }
  if (!SUPPORTED_KUBERNETES_VERSIONS.includes(version)) {
    return `Kubernetes ${version} left EKS standard support on ${known.endOfStandardSupport}, and the cluster uses standard support only (EKS would upgrade it by itself); use one of ${allowed}`;
  }
  return undefined;
}
