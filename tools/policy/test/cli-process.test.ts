/**
 * `pnpm policy` as a process of its own (cli.test.ts runs the command in its worker): its exit status and
 * streams. A file of its own, so the child runs on a worker next to the in-process runs, not after them.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const packageDir = path.resolve(import.meta.dirname, "..");

/** The command as `pnpm policy` starts it, over a folder holding `files`. */
function checkInChild(files: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), "policy-deployments-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts"], {
    cwd: packageDir,
    env: { ...process.env, GPP_DEPLOYMENTS_DIR: dir },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { ...result, dir };
}

describe("pnpm --filter @gpp/policy check with bad input, as a process", () => {
  it("names the file and field, exits 1, and checks nothing", () => {
    const run = checkInChild({ "bad1.yaml": "deployment_id: bad1\nenv: prod\nregion: eu-west-1\nstate: {backend: s3, bucket: example-gpp-terraform-state}\n" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${path.join(run.dir, "bad1.yaml")}: cluster.public_access_cidrs: is required for prod`);
    expect(run.stdout).toBe("");
  });
});
