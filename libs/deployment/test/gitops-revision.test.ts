import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { deploymentsFromEnvironment } from "../src";

const dir = mkdtempSync(path.join(tmpdir(), "gpp-gitops-revision-"));
writeFileSync(
  path.join(dir, "arg1.yaml"),
  "deployment_id: arg1\nenv: dev\nregion: eu-west-1\nnetwork: {vpc_cidr: 10.61.0.0/16}\ngitops: {engine: argocd, repo_url: 'https://github.com/example/gpp-platform.git', revision: v1.0.0}\ntenants: [{id: acme}]\n",
);
writeFileSync(path.join(dir, "tfm1.yaml"), "deployment_id: tfm1\nenv: dev\nregion: eu-west-1\nnetwork: {vpc_cidr: 10.62.0.0/16}\ntenants: [{id: acme}]\n");
const SHA = "0123456789abcdef0123456789abcdef01234567";

describe("GPP_GITOPS_REVISION, the commit the deploy workflow deploys", () => {
  it("replaces the descriptor's gitops.revision, so Argo CD renders exactly that commit", () => {
    const [arg1, tfm1] = deploymentsFromEnvironment({ GPP_DEPLOYMENTS_DIR: dir, GPP_GITOPS_REVISION: SHA });
    expect(arg1?.gitops?.revision).toBe(SHA);
    expect(tfm1?.gitops).toBeUndefined();
  });

  it("leaves the descriptor's revision without it", () => {
    expect(deploymentsFromEnvironment({ GPP_DEPLOYMENTS_DIR: dir })[0]?.gitops?.revision).toBe("v1.0.0");
  });

  it("is checked like the field: a branch or an abbreviated SHA is refused, naming the variable", () => {
    expect(() => deploymentsFromEnvironment({ GPP_DEPLOYMENTS_DIR: dir, GPP_GITOPS_REVISION: "main" })).toThrow(/GPP_GITOPS_REVISION: main names a branch/);
    expect(() => deploymentsFromEnvironment({ GPP_DEPLOYMENTS_DIR: dir, GPP_GITOPS_REVISION: "0123456" })).toThrow(/GPP_GITOPS_REVISION: 0123456 looks like an abbreviated commit SHA/);
  });
});
