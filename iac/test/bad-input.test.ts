import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const iacDir = path.resolve(import.meta.dirname, "..");

function synthWith(files: Record<string, string>) {
  const deployments = mkdtempSync(path.join(tmpdir(), "deployments-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(deployments, name), text);
  const outdir = path.join(mkdtempSync(path.join(tmpdir(), "iac-out-")), "cdktf.out");
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: iacDir,
    env: { ...process.env, GPP_DEPLOYMENTS_DIR: deployments, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  return { ...result, deployments, outdir };
}

describe("synthesizing with a bad deployment file", () => {
  it("names the file and the field, exits 1 and writes nothing", () => {
    const run = synthWith({
      "gpp0.yaml": "deployment_id: gpp0\nenv: dev\nregion: eu-west-1\n",
      "bad1.yaml": "deployment_id: bad1\nenv: dev\nregion: eu-west-1\nnetwork:\n  vpc_cidr: 10.0.0.0/8\n",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${path.join(run.deployments, "bad1.yaml")}: network.vpc_cidr: must be between /16 and /20`);
    expect(existsSync(run.outdir)).toBe(false);
  });

  it("synthesizes every stack of a good folder", () => {
    const run = synthWith({ "abc1.yaml": "deployment_id: abc1\nenv: dev\nregion: eu-west-1\n", "abc2.yaml": "deployment_id: abc2\nenv: test\nregion: us-east-1\n" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(existsSync(path.join(run.outdir, "stacks/dev-iac-abc1/cdk.tf.json"))).toBe(true);
    expect(existsSync(path.join(run.outdir, "stacks/test-iac-abc2/cdk.tf.json"))).toBe(true);
  });
});
