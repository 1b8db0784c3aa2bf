/**
 * Builds the policy input of a deployment: both stacks synthesized exactly as `cdktf synth` writes them
 * (into a temporary folder, so the chart asset exists on disk), the stack's own kubernetes_* resources,
 * and every local chart release rendered by `helm template` with exactly the values the release carries.
 */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Deployment } from "@gpp/deployment";
import { withSynthesizedDeployment } from "@gpp/synth";
import { tenantNamespace } from "helm/stack";
import YAML from "yaml";
import { applicationSetObjects } from "./argocd";
import { stackKubernetesObjects } from "./kubernetes";
import { blocks, isObject } from "./terraform";
import type { Json, KubernetesObject, PolicyInput, SynthesizedStack } from "./types";

/** A helm_release that could not be rendered here, and why (shown by the CLI, listed in docs/security.md). */
export interface Unrendered {
  readonly address: string;
  readonly reason: string;
}

export interface Evidence {
  readonly input: PolicyInput;
  readonly unrendered: readonly Unrendered[];
}

/** `helm template` arguments for the `set`, `set_list` and `set_sensitive` entries of a release. */
export function setArguments(release: Json): string[] {
  const args: string[] = [];
  const entries = (field: string) => (Array.isArray(release[field]) ? release[field].filter(isObject) : []);
  for (const field of ["set", "set_sensitive"]) {
    for (const entry of entries(field)) {
      args.push(entry.type === "string" ? "--set-string" : "--set", `${String(entry.name)}=${String(entry.value)}`);
    }
  }
  for (const entry of entries("set_list")) {
    const values = Array.isArray(entry.value) ? entry.value.map(String) : [];
    args.push("--set", `${String(entry.name)}={${values.join(",")}}`);
  }
  return args;
}

export interface RenderOptions {
  readonly helmPath: string;
  readonly kubernetesVersion: string;
  /** Scratch folder for values files. */
  readonly workDir: string;
}

/** Renders one helm_release of a local chart; throws with helm's message when it fails. */
export function renderRelease(release: Json, chartDir: string, origin: string, options: RenderOptions): KubernetesObject[] {
  const name = String(release.name);
  const namespace = typeof release.namespace === "string" ? release.namespace : "default";
  const valueFiles = (Array.isArray(release.values) ? release.values : []).map((text, i) => {
    const file = path.join(options.workDir, `${name}-${namespace}-${i}.yaml`);
    writeFileSync(file, String(text));
    return file;
  });
  const args = [
    "template", name, chartDir,
    "--namespace", namespace,
    "--include-crds",
    "--kube-version", options.kubernetesVersion,
    ...valueFiles.flatMap((file) => ["-f", file]),
    ...setArguments(release),
  ];
  const result = spawnSync(options.helmPath, args, { encoding: "utf8", timeout: 120_000 });
  if (result.status !== 0) {
    throw new Error(`helm template of ${origin} failed (exit ${result.status ?? result.signal}): ${result.stderr || result.error?.message}`);
  }
  return YAML.parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as unknown)
    .filter(isObject)
    .map((manifest) => {
      const metadata = isObject(manifest.metadata) ? manifest.metadata : {};
      const ownNamespace = typeof metadata.namespace === "string" ? metadata.namespace : undefined;
      return { origin, namespace: ownNamespace ?? namespace, manifest };
    });
}

/**
 * Everything the rules need for one deployment. `helmPath` undefined skips rendering: every local chart
 * release is then listed in `unrendered`.
 */
export function collectEvidence(deployment: Deployment, helmPath: string | undefined): Evidence {
  return withSynthesizedDeployment(deployment, ({ iac, helm }) => {
    const synthesized = [iac, helm].map(({ name, json, workingDirectory }) => ({ stack: { name, json } as SynthesizedStack, workingDirectory }));
    const kubernetes: KubernetesObject[] = [];
    const unrendered: Unrendered[] = [];
    for (const { stack, workingDirectory } of synthesized) {
      kubernetes.push(...stackKubernetesObjects(stack));
      for (const release of blocks(stack, ["resource"], ["helm_release"])) {
        const chart = String(release.body.chart ?? "");
        const chartDir = path.resolve(workingDirectory, chart);
        if (release.body.repository !== undefined || !existsSync(path.join(chartDir, "Chart.yaml"))) {
          const from = release.body.repository ? `${String(release.body.repository)} ` : "";
          unrendered.push({ address: release.address, reason: `remote chart ${from}${chart}@${String(release.body.version ?? "?")} is not rendered offline` });
          continue;
        }
        if (!helmPath) {
          unrendered.push({ address: release.address, reason: "helm is not available" });
          continue;
        }
        const options = { helmPath, kubernetesVersion: deployment.cluster.kubernetes_version, workDir: workingDirectory };
        const rendered = renderRelease(release.body, chartDir, release.address, options);
        kubernetes.push(...rendered);
        // argocd mode: what each generated Application would apply (./argocd.ts).
        for (const applicationSet of rendered.filter((o) => o.manifest.kind === "ApplicationSet")) kubernetes.push(...applicationSetObjects(applicationSet, options));
      }
    }
    return {
      input: {
        deploymentId: deployment.deployment_id,
        env: deployment.env,
        stacks: synthesized.map((s) => s.stack),
        kubernetes,
        tenantNamespaces: deployment.tenants.map((tenant) => tenantNamespace(tenant.id)),
      },
      unrendered,
    };
  });
}
