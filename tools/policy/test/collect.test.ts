import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CHART_DIR } from "helm/chart-values";
import { describe, expect, it } from "vitest";
import { renderRelease, setArguments } from "../src/collect";
import { containersOf, podTemplateOf } from "../src/kubernetes";
import { helm, helmPath } from "./deployments";

const options = () => ({ helmPath: helmPath as string, kubernetesVersion: "1.35", workDir: mkdtempSync(path.join(tmpdir(), "policy-render-")) });
const DIGEST = `sha256:${"d".repeat(64)}`;

describe.skipIf(!helm.found)("rendering a helm_release as the provider would install it", () => {
  it("applies the release's values files in order, then its set entries, in the release's namespace", () => {
    const objects = renderRelease(
      {
        name: "acme",
        namespace: "tenant-acme",
        values: [JSON.stringify({ image: { tag: "v1" } }), JSON.stringify({ image: { tag: "v2" } })],
        set: [{ name: "image.digest", value: DIGEST }],
      },
      CHART_DIR,
      "s/helm_release.acme",
      options(),
    );
    const deployment = objects.find((o) => o.manifest.kind === "Deployment");
    expect(deployment?.namespace).toBe("tenant-acme");
    expect(deployment?.origin).toBe("s/helm_release.acme");
    const [app] = containersOf(podTemplateOf(deployment!)!.spec);
    expect(app?.container.image).toBe(`gradyent/tech-interview:v2@${DIGEST}`);
  });

  it("fails with helm's message when the chart rejects the values", () => {
    expect(() => renderRelease({ name: "bad", namespace: "t", values: [JSON.stringify({ replicas: 3 })] }, CHART_DIR, "s/helm_release.bad", options())).toThrow(
      /helm template of s\/helm_release\.bad failed .*replicas/s,
    );
  });
});

describe("the helm arguments of a release's set entries", () => {
  it("passes set as --set, string-typed and sensitive entries as they are typed, and set_list as a list", () => {
    expect(
      setArguments({
        set: [{ name: "replicas", value: "3" }, { name: "image.tag", value: "1.0", type: "string" }],
        set_sensitive: [{ name: "token", value: "s3cret" }],
        set_list: [{ name: "hosts", value: ["a.example.org", "b.example.org"] }],
      }),
    ).toEqual(["--set", "replicas=3", "--set-string", "image.tag=1.0", "--set", "token=s3cret", "--set", "hosts={a.example.org,b.example.org}"]);
  });

  it("gives no arguments for a release without set entries", () => {
    expect(setArguments({ name: "r" })).toEqual([]);
  });
});
