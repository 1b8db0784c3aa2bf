import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseDeployment } from "@gpp/deployment";
import { describe, expect, it } from "vitest";
import { withSynthesizedDeployment } from "../src";

const deployment = parseDeployment("deployment_id: syn1\nenv: dev\nregion: eu-west-1\ntenants: [{id: acme}]\n", "syn1.yaml");

describe("synthesizing a deployment's stacks", () => {
  it("returns both stacks by their shared names, as cdktf wrote them to disk", () => {
    withSynthesizedDeployment(deployment, ({ iac, helm }) => {
      expect([iac.name, helm.name]).toEqual(["dev-iac-syn1", "dev-helm-syn1"]);
      expect(Object.keys(iac.json.resource as object)).toContain("aws_eks_cluster");
      expect(Object.keys(helm.json.resource as object)).toContain("helm_release");
      expect(JSON.parse(readFileSync(path.join(iac.workingDirectory, "cdk.tf.json"), "utf8"))).toEqual(iac.json);
    });
  });

  it("resolves the tenant chart asset against the helm stack's working directory while it exists", () => {
    const chartDir = withSynthesizedDeployment(deployment, ({ helm }) => {
      const releases = Object.values((helm.json.resource as Record<string, Record<string, { chart: string; repository?: string }>>).helm_release!);
      const local = releases.find((r) => r.repository === undefined)!;
      const dir = path.resolve(helm.workingDirectory, local.chart);
      expect(existsSync(path.join(dir, "Chart.yaml"))).toBe(true);
      return dir;
    });
    expect(existsSync(chartDir)).toBe(false);
  });

  it("refuses an asynchronous callback, which would outlive the folder", () => {
    expect(() => withSynthesizedDeployment(deployment, async () => 1)).toThrow("must be synchronous");
  });
});
