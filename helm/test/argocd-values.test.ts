/**
 * The Argo CD chart's values against the chart itself: every key this stack sets exists in
 * charts/argo-cd/values.yaml of argoproj/argo-helm at the pinned tag (a misspelt key is silently
 * ignored by helm), the chart ships the Argo CD version the code says, and each `configs.params` key is
 * one argo-cd documents for argocd-cmd-params-cm at that version. Both repositories are read at test
 * time from local bare clones (`$GPP_ARGOHELM_GIT_DIR`, `$GPP_ARGOCD_GIT_DIR`, else the mirrors on the
 * project's machines), never copied here; without them the tests skip and say why.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { ARGOCD_CHART, argoCdValues } from "../src/argocd";
import { argoCdRepo, gitShow } from "./argocd-crds";

const ARGO_HELM = process.env.GPP_ARGOHELM_GIT_DIR ?? "/work/.mirror/argoproj+argo-helm/repo";
const argoCd = argoCdRepo();
const found = existsSync(ARGO_HELM) && argoCd.found;
if (!found) console.warn(`[Argo CD chart values tests skipped] no clone of argoproj/argo-helm at ${ARGO_HELM} or of argoproj/argo-cd (set GPP_ARGOHELM_GIT_DIR, GPP_ARGOCD_GIT_DIR)`);

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === "object" && v !== null && !Array.isArray(v);

/** Maps whose keys are not the chart's own: Kubernetes objects or ConfigMap data. */
const FREE_FORM = new Set(["resources", "containerSecurityContext", "nodeSelector", "params"]);

/** Paths in `ours` the chart's defaults do not have. */
function unknownKeys(ours: Tree, chart: Tree, prefix = ""): string[] {
  return Object.entries(ours).flatMap(([key, value]) => {
    const here = `${prefix}${key}`;
    if (!(key in chart)) return [here];
    const theirs = chart[key];
    if (FREE_FORM.has(key) || !isTree(value) || !isTree(theirs) || Object.keys(theirs).length === 0) return [];
    return unknownKeys(value, theirs, `${here}.`);
  });
}

describe.skipIf(!found)(`chart argo-cd ${ARGOCD_CHART.version} (argoproj/argo-helm tag argo-cd-${ARGOCD_CHART.version})`, () => {
  const tag = `argo-cd-${ARGOCD_CHART.version}`;
  const chartValues = () => YAML.parse(gitShow(ARGO_HELM, tag, "charts/argo-cd/values.yaml")) as Tree;

  it(`ships Argo CD ${ARGOCD_CHART.appVersion}`, () => {
    expect((YAML.parse(gitShow(ARGO_HELM, tag, "charts/argo-cd/Chart.yaml")) as Tree).appVersion).toBe(ARGOCD_CHART.appVersion);
  });

  it.each([true, false])("has every key the stack sets (HA %s)", (highAvailability) => {
    expect(unknownKeys(argoCdValues({ highAvailability, nodeSelector: { "karpenter.sh/nodepool": "workloads" } }), chartValues())).toEqual([]);
  });

  it("would notice a misspelt key (the check is not vacuous)", () => {
    expect(unknownKeys({ server: { replica: 2 }, redisHa: {} }, chartValues())).toEqual(["server.replica", "redisHa"]);
  });

  it(`sets only argocd-cmd-params-cm keys Argo CD ${ARGOCD_CHART.appVersion} documents`, () => {
    const documented = (YAML.parse(gitShow((argoCd as { gitDir: string }).gitDir, ARGOCD_CHART.appVersion, "docs/operator-manual/argocd-cmd-params-cm.yaml")) as { data: Tree }).data;
    const params = (argoCdValues({ highAvailability: true, nodeSelector: {} }).configs as { params: Tree }).params;
    expect(Object.keys(params).filter((key) => !(key in documented))).toEqual([]);
  });
});
