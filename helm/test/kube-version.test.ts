import { spawnSync } from "node:child_process";
import { EKS_KUBERNETES_VERSIONS, SUPPORTED_KUBERNETES_VERSIONS } from "@gpp/deployment";
import { describe, expect, it } from "vitest";
import { CHART_DIR } from "../src/chart-values";
import { helm, helmPath } from "./helm-binary";

// helm itself enforces the chart's `kubeVersion` (Chart.yaml) against --kube-version: the same check a
// real install makes against the cluster's version.
// Once per version: the supported versions are among the EKS calendar's, and both tests render them.
const templates = new Map<string, { status: number | null; stderr: string }>();
function template(kubeVersion: string) {
  let result = templates.get(kubeVersion);
  if (!result) {
    const { status, stderr } = spawnSync(helmPath, ["template", "t", CHART_DIR, "--kube-version", `${kubeVersion}.0`], { encoding: "utf8", timeout: 60_000 });
    templates.set(kubeVersion, (result = { status, stderr }));
  }
  return result;
}

describe.skipIf(!helm.found)("the chart's kubeVersion and the versions a descriptor accepts", () => {
  it("renders for every Kubernetes version a descriptor may name", () => {
    for (const version of SUPPORTED_KUBERNETES_VERSIONS) expect(template(version).status, version).toBe(0);
  });

  it("is a real constraint: helm refuses a version below it", () => {
    const refused = template("1.29");
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/kubeVersion|incompatible/i);
  });

  it("covers every version in the EKS calendar the project keeps", () => {
    for (const { version } of EKS_KUBERNETES_VERSIONS) expect(template(version).status, version).toBe(0);
  });
});
