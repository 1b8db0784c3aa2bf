/**
 * argocd mode: the tenants' objects are not in any Terraform resource but in the ApplicationSet the
 * helm stack applies. Expand it the way Argo CD does (helm/src/argocd-expand.ts) and render every
 * Application's Helm sources from this working copy, so the rules see what Argo CD would apply.
 * Assumes the working copy is the `gitops.revision` the descriptor pins (the deploy checks out that commit).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { expandListGenerator, type Application } from "helm/argocd-expand";
import YAML from "yaml";
import { renderRelease, type RenderOptions } from "./collect";
import { isObject } from "./terraform";
import type { Json, KubernetesObject } from "./types";

export const repositoryRoot = path.resolve(import.meta.dirname, "../../..");

/** Each Application's namespace (as CreateNamespace makes it, with managedNamespaceMetadata) and rendered sources. */
export function applicationSetObjects(applicationSet: KubernetesObject, options: RenderOptions): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (const app of expandListGenerator(applicationSet.manifest) as Application[]) {
    const origin = `${applicationSet.origin} Application ${app.metadata.name}`;
    objects.push({ origin, manifest: { ...app, apiVersion: "argoproj.io/v1alpha1", kind: "Application" } as unknown as Json, namespace: String(applicationSet.namespace) });
    const namespace = String(app.spec.destination?.namespace ?? "");
    const managed = app.spec.syncPolicy?.managedNamespaceMetadata;
    if ((app.spec.syncPolicy?.syncOptions ?? []).includes("CreateNamespace=true")) {
      objects.push({ origin, manifest: { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels: managed?.labels ?? {} } } });
    }
    for (const source of (app.spec.sources ?? [app.spec.source]) as Json[]) {
      const chartDir = path.resolve(repositoryRoot, String(source.path ?? ""));
      if (!source.path || !existsSync(path.join(chartDir, "Chart.yaml"))) throw new Error(`${origin}: source ${String(source.path)} is not a chart in this repository`);
      const helm = isObject(source.helm) ? source.helm : {};
      const release = { name: helm.releaseName ?? app.metadata.name, namespace, values: [YAML.stringify(YAML.parse(String(helm.values ?? "{}")))] };
      objects.push(...renderRelease(release, chartDir, `${origin} ${String(source.path)}`, options));
    }
  }
  return objects;
}
