/**
 * The iac rule labels a tenant's alerts by reading the tenant id back out of Traefik's service label, which
 * iac models (`tenantServiceLabel`) from the chart's names. This renders the chart as the helm stack
 * releases it (`helm template` with each release's own values) and builds the label from the rendered
 * Ingress the way Traefik does, so a chart change that renames the Service or its port fails here.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseDeployment } from "@gpp/deployment";
import { CHART_DIR } from "helm/chart-values";
import { resolveHelm } from "helm/tools";
import { tenantServiceLabel, traefikIngressServiceLabel } from "iac/tenant-availability";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { synthesizeDeployment } from "../src/synth";

const helm = resolveHelm();
if (!helm.found) console.warn(`SKIPPED rendering the tenant chart: ${helm.reason}`);

type Manifest = { kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown> };
interface Backend {
  service: { name: string; port: { name?: string; number?: number } };
}

describe.runIf(helm.found)("the tenant label of the availability rule matches the chart as the helm stack releases it", () => {
  // Plain, dashed, containing the chart's name (the release name is then the full name), and the longest id.
  const ids = ["acme", "a-b", "my-tech-interview", "x".repeat(40)];
  const deployment = parseDeployment(`deployment_id: av03\nenv: dev\nregion: eu-west-1\ntenants:\n${ids.map((id) => `  - id: ${id}\n`).join("")}`, "av03.yaml");
  const stack = synthesizeDeployment(deployment).helm;
  const releases = Object.values((stack.resource as Record<string, Record<string, { name: string; namespace: string; values: string[] }>>).helm_release ?? {});
  const workDir = mkdtempSync(path.join(tmpdir(), "availability-names-"));

  it.each(ids)("%s: the rendered Ingress's backend gives the service label iac reads the id from", (id) => {
    const release = releases.find((r) => r.namespace === `tenant-${id}`)!;
    expect(release.name).toBe(id);
    const valuesFile = path.join(workDir, `${id}.json`);
    writeFileSync(valuesFile, release.values[0] ?? "{}");
    const run = spawnSync((helm as { path: string }).path, ["template", release.name, CHART_DIR, "--namespace", release.namespace, "-f", valuesFile], { encoding: "utf8", timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const manifests = parseAllDocuments(run.stdout).map((d) => d.toJS() as Manifest | null).filter((m): m is Manifest => m !== null);
    const ingress = manifests.find((m) => m.kind === "Ingress")!;
    const rules = (ingress.spec as { rules: { http: { paths: { backend: Backend }[] } }[] }).rules;
    const backends = rules.flatMap((rule) => rule.http.paths.map((p) => p.backend.service));
    expect(backends).toHaveLength(1);
    const [backend] = backends;
    // The backend is the chart's Service.
    expect(manifests.some((m) => m.kind === "Service" && m.metadata.name === backend!.name)).toBe(true);
    const port = backend!.port.name ?? String(backend!.port.number);
    expect(traefikIngressServiceLabel(release.namespace, backend!.name, port)).toBe(tenantServiceLabel(id));
  });
});
