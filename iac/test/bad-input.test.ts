import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runEntryPoint } from "@gpp/testing/in-process";

const iacDir = path.resolve(import.meta.dirname, "..");

/** A deployments folder holding `files`, and an output folder that does not exist yet. */
function folders(files: Record<string, string>) {
  const deployments = mkdtempSync(path.join(tmpdir(), "deployments-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(deployments, name), text);
  const outdir = path.join(mkdtempSync(path.join(tmpdir(), "iac-out-")), "cdktf.out");
  return { deployments, outdir };
}

/** The synth entry point as `cdktf synth` starts it: a process of its own, for its exit status and streams. */
function synthInChild(files: Record<string, string>) {
  const { deployments, outdir } = folders(files);
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: iacDir,
    env: { ...process.env, GPP_DEPLOYMENTS_DIR: deployments, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  return { ...result, deployments, outdir };
}

/** The same entry point in this worker (@gpp/testing/in-process): seconds cheaper, for what is not about the process. */
async function synthInProcess(files: Record<string, string>) {
  const { deployments, outdir } = folders(files);
  const result = await runEntryPoint(path.join(iacDir, "src/main.ts"), [], { GPP_DEPLOYMENTS_DIR: deployments, CDKTF_OUTDIR: outdir });
  return { ...result, deployments, outdir };
}

describe("synthesizing with a bad deployment file", () => {
  it("names the file and the field, exits 1 and writes nothing", () => {
    const run = synthInChild({
      "gpp0.yaml": "deployment_id: gpp0\nenv: dev\nregion: eu-west-1\n",
      "bad1.yaml": "deployment_id: bad1\nenv: dev\nregion: eu-west-1\nnetwork:\n  vpc_cidr: 10.0.0.0/8\n",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${path.join(run.deployments, "bad1.yaml")}: network.vpc_cidr: must be between /16 and /20`);
    expect(existsSync(run.outdir)).toBe(false);
  });

  it("synthesizes every stack of a good folder", async () => {
    const run = await synthInProcess({ "abc1.yaml": "deployment_id: abc1\nenv: dev\nregion: eu-west-1\n", "abc2.yaml": "deployment_id: abc2\nenv: test\nregion: us-east-1\n" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(existsSync(path.join(run.outdir, "stacks/dev-iac-abc1/cdk.tf.json"))).toBe(true);
    expect(existsSync(path.join(run.outdir, "stacks/test-iac-abc2/cdk.tf.json"))).toBe(true);
  });
});
