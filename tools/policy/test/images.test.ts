import { describe, expect, it } from "vitest";
import { imagesPinnedByDigestInProd } from "../src/rules/images";
import { input, restrictedDeployment, run, stack } from "./builders";

const DIGEST = `sha256:${"c".repeat(64)}`;
const release = (image: object) => stack({ helm_release: { t: { name: "t", chart: "assets/chart", values: [JSON.stringify({ image })] } } });

describe("K8S-IMG-001 prod images pinned by digest", () => {
  it("flags a prod Deployment running a tag", () => {
    const findings = run(imagesPinnedByDigestInProd, input({ env: "prod", kubernetes: [restrictedDeployment("tenant-t", "gradyent/tech-interview:latest")] }));
    expect(findings).toEqual([
      { address: "test-stack/helm_release.t Deployment tenant-t/app", message: 'containers[0] (app) image "gradyent/tech-interview:latest" is not pinned by @sha256 digest' },
    ]);
  });

  it("flags prod release values whose image has no digest, even when nothing was rendered", () => {
    const findings = run(imagesPinnedByDigestInProd, input({ env: "prod", stacks: [release({ repository: "gradyent/tech-interview", tag: "latest", digest: "" })] }));
    expect(findings).toEqual([
      { address: "test-stack/helm_release.t", message: "values[0] image: image gradyent/tech-interview has no sha256 digest" },
    ]);
  });

  it("flags a prod image whose digest is not a whole sha256 digest", () => {
    const truncated = restrictedDeployment("tenant-t", "gradyent/tech-interview@sha256:0123abcd");
    expect(run(imagesPinnedByDigestInProd, input({ env: "prod", kubernetes: [truncated] }))).toHaveLength(1);
  });

  it("reads prod release values written as YAML, and flags values it cannot read rather than passing them", () => {
    const yamlValues = stack({ helm_release: { y: { name: "y", chart: "c", values: ["image:\n  repository: gradyent/tech-interview\n  tag: latest\n"] } } });
    const opaque = stack({ helm_release: { o: { name: "o", chart: "c", values: ["${yamlencode(local.values)}"] } } });
    expect(run(imagesPinnedByDigestInProd, input({ env: "prod", stacks: [yamlValues] }))).toEqual([
      { address: "test-stack/helm_release.y", message: "values[0] image: image gradyent/tech-interview has no sha256 digest" },
    ]);
    expect(run(imagesPinnedByDigestInProd, input({ env: "prod", stacks: [opaque] }))).toEqual([
      { address: "test-stack/helm_release.o", message: expect.stringContaining("cannot be verified") },
    ]);
    const broken = stack({ helm_release: { b: { name: "b", chart: "c", values: ["image: [unclosed"] } } });
    expect(run(imagesPinnedByDigestInProd, input({ env: "prod", stacks: [broken] }))).toEqual([
      { address: "test-stack/helm_release.b", message: "values[0] is not valid YAML, so its images cannot be verified" },
    ]);
  });

  it("passes digest-pinned images in prod, and leaves tags alone outside prod", () => {
    const pinned = input({ env: "prod", stacks: [release({ repository: "r", tag: "latest", digest: DIGEST })], kubernetes: [restrictedDeployment("t", `r:latest@${DIGEST}`)] });
    expect(run(imagesPinnedByDigestInProd, pinned)).toEqual([]);
    expect(run(imagesPinnedByDigestInProd, input({ env: "dev", kubernetes: [restrictedDeployment("t", "r:latest")] }))).toEqual([]);
  });
});
