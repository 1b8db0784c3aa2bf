/**
 * The GitOps path of argocd mode, from the helm stack's synthesized JSON: the Argo CD release, and the
 * ApplicationSet the tenant-delivery release applies, expanded the way Argo CD expands it
 * (helm/argocd-expand), its Applications grouped by the RollingSync step that syncs them.
 */
import { expandListGenerator, rollingSyncStep } from "helm/argocd-expand";
import { deliveredApplicationSet } from "helm/gitops";
import { edgeLine, mermaidId, nodeLine } from "./mermaid";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface GitopsFacts {
  readonly argocd: { readonly chart: string; readonly version: string; readonly namespace: string };
  readonly source: { readonly repoURL: string; readonly revision: string; readonly paths: readonly string[] };
  /** Each RollingSync step, in order, with the Applications (tenant namespaces) it syncs. */
  readonly steps: readonly { readonly groups: readonly string[]; readonly applications: readonly string[] }[];
}

/** The facts of the GitOps path, or undefined for a helm stack that delivers tenants itself (terraform mode). */
export function gitopsFacts(helm: Json): GitopsFacts | undefined {
  const argocd = (Object.values(helm.resource?.helm_release ?? {}) as Json[]).find((r) => r.chart === "argo-cd");
  const applicationSet = deliveredApplicationSet(helm) as Json | undefined;
  if (!argocd || !applicationSet) return undefined;
  const apps = expandListGenerator(applicationSet);
  const steps = ((applicationSet.spec?.strategy?.rollingSync?.steps ?? []) as Json[]).map((step, i) => ({
    groups: ((step.matchExpressions ?? []) as Json[]).flatMap((e) => (e.values ?? []) as string[]),
    applications: apps.filter((app) => rollingSyncStep(applicationSet, app) === i).map((app) => String(app.metadata.name)),
  }));
  const sources = ((apps[0]?.spec.sources ?? applicationSet.spec?.template?.spec?.sources ?? []) as Json[]);
  return {
    argocd: { chart: String(argocd.chart), version: String(argocd.version), namespace: String(argocd.namespace) },
    source: {
      repoURL: String(sources[0]?.repoURL ?? ""),
      revision: String(sources[0]?.targetRevision ?? ""),
      paths: sources.map((s) => String(s.path)),
    },
    steps,
  };
}

/** Git -> Argo CD -> one Application per tenant, step by step (each step waits for the previous to be Healthy). */
export function gitopsPathDiagram(facts: GitopsFacts): string[] {
  const git = mermaidId("gitops", "git");
  const controller = mermaidId("gitops", "argocd");
  const lines = [
    "flowchart LR",
    `  ${nodeLine(git, ["Git repository", facts.source.repoURL, `revision ${facts.source.revision}`, ...facts.source.paths], "cylinder")}`,
    `  ${nodeLine(controller, [`Argo CD (${facts.argocd.chart} ${facts.argocd.version})`, `namespace ${facts.argocd.namespace}`, "ApplicationSet, RollingSync"])}`,
    `  ${edgeLine(git, controller, { text: "charts at the pinned revision" })}`,
  ];
  let previous = controller;
  facts.steps.forEach((step, i) => {
    const id = mermaidId("gitops", "step", String(i + 1));
    lines.push(`  subgraph ${id}["step ${i + 1}: rollout group ${step.groups.join(", ")}"]`);
    for (const app of step.applications) lines.push(`    ${nodeLine(mermaidId("gitops", "app", app), [`Application ${app}`, `namespace ${app}`], "round")}`);
    lines.push("  end");
    lines.push(`  ${edgeLine(previous, id, { text: i === 0 ? "syncs first" : "then, once Healthy" })}`);
    previous = id;
  });
  return lines;
}
