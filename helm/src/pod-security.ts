/**
 * Labels that make Pod Security Admission enforce (and warn and audit on) the `restricted` profile,
 * pinned to the cluster's Kubernetes minor version so a cluster upgrade cannot tighten or loosen the
 * profile under running workloads without a reviewed change here.
 */
export function restrictedPodSecurityLabels(kubernetesVersion: string): Record<string, string> {
  const version = `v${kubernetesVersion}`;
  const labels: Record<string, string> = {};
  for (const mode of ["enforce", "warn", "audit"] as const) {
    labels[`pod-security.kubernetes.io/${mode}`] = "restricted";
    labels[`pod-security.kubernetes.io/${mode}-version`] = version;
  }
  return labels;
}

/** Labels of a platform component's namespace (Traefik, KEDA, Argo CD): `restricted`, and what it is part of. */
export function platformNamespaceLabels(kubernetesVersion: string, partOf: string): Record<string, string> {
  return { ...restrictedPodSecurityLabels(kubernetesVersion), "app.kubernetes.io/part-of": partOf };
}
