import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES_DIR, helm } from "./deployments";
import { runEntryPoint } from "@gpp/testing/in-process";

const packageDir = path.resolve(import.meta.dirname, "..");

function deploymentsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "policy-deployments-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** The command in this worker (see @gpp/testing/in-process); cli-process.test.ts runs it as a real process. */
async function check(files: Record<string, string>, env: Record<string, string> = {}) {
  const dir = deploymentsDir(files);
  return { ...(await runEntryPoint(path.join(packageDir, "src/cli.ts"), [], { GPP_DEPLOYMENTS_DIR: dir, ...env })), dir };
}

const prodFixture = readFileSync(path.join(FIXTURES_DIR, "prd1.yaml"), "utf8");

describe.skipIf(!helm.found)("pnpm --filter @gpp/policy check", () => {
  const unpinned = prodFixture.replace("deployment_id: prd1", "deployment_id: prd2").replace(/^\s+digest: .*$/m, "");

  it("prints each finding with rule id and address, and exits 1", async () => {
    const run = await check({ "prd1.yaml": prodFixture, "prd2.yaml": unpinned });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("prd1 (prod");
    expect(run.stdout).toMatch(/^prd2 \(prod, .*\): \d+ rules .*: 4 finding\(s\)$/m);
    expect(run.stdout).toMatch(/^K8S-IMG-001 {2}prod-helm-prd2\/helm_release\.tenant-acme_release_\w+ Deployment tenant-acme\/acme-tech-interview$/m);
  });

  // One run for both (each deployment checked is a synth and a helm render): the case above checks every
  // deployment of the folder; here the one GPP_DEPLOYMENT names passes alone, so the command exits 0.
  it("checks only GPP_DEPLOYMENT when it is set, and exits 0 and says so when every deployment checked passes", async () => {
    const run = await check({ "prd1.yaml": prodFixture, "prd2.yaml": unpinned }, { GPP_DEPLOYMENT: "prd1" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^prd1 \(prod, .*prd1\.yaml\): \d+ rules over 2 stacks and \d+ Kubernetes objects: no findings$/m);
    expect(run.stdout).toContain("not rendered: prod-helm-prd1/helm_release.");
    expect(run.stdout).not.toContain("prd2");
  });
});

describe("pnpm --filter @gpp/policy check with bad input", () => {
  it("exits 2 with the reason when helm cannot be found", async () => {
    const run = await check({ "prd1.yaml": prodFixture }, { HELM: "/nonexistent/helm" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("$HELM is set to /nonexistent/helm, which is not an executable file");
  });
});
