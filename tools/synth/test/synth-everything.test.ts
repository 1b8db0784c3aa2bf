import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DeploymentError, loadDefaultDeployment, parseDeployment } from "@gpp/deployment";
import { afterEach, describe, expect, it } from "vitest";
import { synthesizeEverything, type OutputFolders } from "../src/write";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const good = "deployment_id: syn2\nenv: dev\nregion: eu-west-1\ntenants: [{id: acme}]\n";
// Valid for the descriptor schema and the iac stack; only the helm stack refuses it (the chart's schema).
const helmOnlyBad = "deployment_id: syn3\nenv: dev\nregion: eu-west-1\ntenants: [{id: acme, values: {replicaCount: many}}]\n";

const scratch: string[] = [];
function folders(): OutputFolders & { parent: string } {
  const parent = mkdtempSync(path.join(tmpdir(), "gpp-synth-all-"));
  scratch.push(parent);
  return { parent, iac: path.join(parent, "iac", "cdktf.out"), helm: path.join(parent, "helm", "cdktf.out") };
}
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Every file under `dir`, relative, sorted. */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe("pnpm synth writes every package's stacks or none", () => {
  it("writes both packages' stacks, and nothing is left in temporary folders", () => {
    const out = folders();
    const written = synthesizeEverything([parseDeployment(good, "syn2.yaml")], out);
    expect(written).toEqual({ iac: ["dev-iac-syn2"], helm: ["dev-helm-syn2"] });
    expect(existsSync(path.join(out.iac, "stacks/dev-iac-syn2/cdk.tf.json"))).toBe(true);
    expect(existsSync(path.join(out.helm, "stacks/dev-helm-syn2/cdk.tf.json"))).toBe(true);
    expect(readdirSync(path.join(out.parent, "iac"))).toEqual(["cdktf.out"]);
    expect(readdirSync(path.join(out.parent, "helm"))).toEqual(["cdktf.out"]);
  });

  it("writes nothing for either package when only the helm stack refuses a descriptor", () => {
    const out = folders();
    const deployments = [parseDeployment(good, "syn2.yaml"), parseDeployment(helmOnlyBad, "syn3.yaml")];
    expect(() => synthesizeEverything(deployments, out)).toThrow(DeploymentError);
    expect(() => synthesizeEverything(deployments, out)).toThrow(/syn3\.yaml: tenants\[0\]\.values\.replicaCount/);
    expect(files(path.join(out.parent, "iac"))).toEqual([]);
    expect(files(path.join(out.parent, "helm"))).toEqual([]);
  });

  it("keeps the previous output whole when a later synth is refused", () => {
    const out = folders();
    synthesizeEverything([parseDeployment(good, "syn2.yaml")], out);
    const before = files(out.iac).map((f) => [f, readFileSync(path.join(out.iac, f), "utf8")]);
    expect(() => synthesizeEverything([parseDeployment(helmOnlyBad, "syn3.yaml")], out)).toThrow(DeploymentError);
    expect(files(out.iac).map((f) => [f, readFileSync(path.join(out.iac, f), "utf8")])).toEqual(before);
  });

  it("replaces the stacks of a previous run, drops stacks of removed deployments and keeps other output such as plan/", () => {
    const out = folders();
    synthesizeEverything([parseDeployment(good, "syn2.yaml")], out);
    mkdirSync(path.join(out.iac, "plan"), { recursive: true });
    writeFileSync(path.join(out.iac, "plan", "summary.md"), "kept");
    synthesizeEverything([parseDeployment(good.replace(/syn2/g, "syn4"), "syn4.yaml")], out);
    expect(readdirSync(path.join(out.iac, "stacks"))).toEqual(["dev-iac-syn4"]);
    expect(readFileSync(path.join(out.iac, "plan", "summary.md"), "utf8")).toBe("kept");
  });

  it("removes the temporary folder a killed run left behind", () => {
    const out = folders();
    const leftover = path.join(out.parent, "iac", ".cdktf.out.partial-killed");
    mkdirSync(leftover, { recursive: true });
    synthesizeEverything([parseDeployment(good, "syn2.yaml")], out);
    expect(existsSync(leftover)).toBe(false);
  });
});

/** What the root `pnpm synth` runs: the launcher, which builds the bundle when stale and runs it with node. */
const launcher = path.join(root, "tools/synth/bin/synth.mjs");
const repositoryOutputs = { iac: path.join(root, "iac/cdktf.out"), helm: path.join(root, "helm/cdktf.out") };
/** What `cdktf synth` writes into its output folder; iac's plan/ beside them belongs to `pnpm plan`. */
const isSynthOutput = (file: string) => file === "manifest.json" || file.startsWith("stacks/");

describe("the pnpm synth command", () => {
  const outputs = Object.values(repositoryOutputs);
  // Stack files and manifests only: iac's plan/ may be written by another package's test meanwhile.
  const snapshot = () =>
    outputs.flatMap((dir) =>
      files(dir)
        .filter(isSynthOutput)
        .map((f) => `${dir}/${f} ${statSync(path.join(dir, f)).mtimeMs}`),
    );

  it("refuses a descriptor only the helm stack can refuse: exit 1, file and field named, no trace, and no stack file appears, even later", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gpp-synth-cli-"));
    scratch.push(dir);
    writeFileSync(path.join(dir, "syn3.yaml"), helmOnlyBad);
    const before = snapshot();
    const run = spawnSync(process.execPath, [launcher], {
      env: { ...process.env, GPP_DEPLOYMENTS_DIR: dir, GPP_DEPLOYMENT: "" },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${path.join(dir, "syn3.yaml")}: tenants[0].values.replicaCount:`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // Nothing is still running in the background to write later (the old per-package run did exactly that).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(snapshot()).toEqual(before);
    expect(outputs.flatMap((o) => readdirSync(path.dirname(o)).filter((n) => n.startsWith(".cdktf.out.partial-")))).toEqual([]);
  }, 150_000);
});

describe("the chart's validator in pnpm synth", () => {
  it("is loaded from helm's cache by the bundle, without ajv's compiler, once a run has written it", () => {
    const env = { ...process.env, GPP_DEPLOYMENT: "gpp0", GPP_DEPLOYMENTS_DIR: "" };
    const first = spawnSync(process.execPath, [launcher], { env, encoding: "utf8", timeout: 240_000 });
    expect(first.status, first.stderr).toBe(0);
    // Node's own log of every CommonJS module it loads (the bundle requires ajv's files at run time).
    const run = spawnSync(process.execPath, [launcher], { env: { ...env, NODE_DEBUG: "module" }, encoding: "utf8", timeout: 240_000 });
    expect(run.status, run.stderr).toBe(0);
    const ajvFiles = [...run.stderr.matchAll(/^MODULE \d+: load "[^"]*\/ajv\/(dist\/[^"]+)"/gm)].map((m) => m[1]);
    expect(ajvFiles).toContain("dist/runtime/ucs2length.js");
    expect(ajvFiles.filter((f) => !f?.startsWith("dist/runtime/"))).toEqual([]);
  }, 480_000);
});

describe("byte-identical to cdktf synth", () => {
  it("writes exactly what `cdktf synth` writes in each package folder for the default deployment, from the sources and from the bundle `pnpm synth` runs", () => {
    const out = folders();
    const cdktf = path.join(root, "iac/node_modules/.bin/cdktf");
    const env = { ...process.env, CHECKPOINT_DISABLE: "1", GPP_DEPLOYMENT: "gpp0", GPP_DEPLOYMENTS_DIR: "" };
    synthesizeEverything([loadDefaultDeployment()], out);
    const bundled = spawnSync(process.execPath, [launcher], { env, encoding: "utf8", timeout: 240_000 });
    expect(bundled.status, bundled.stderr).toBe(0);
    for (const pkg of ["iac", "helm"] as const) {
      const cli = path.join(out.parent, `cli-${pkg}`);
      const run = spawnSync(cdktf, ["synth", "--output", cli], { cwd: path.join(root, pkg), env, encoding: "utf8", timeout: 240_000 });
      expect(run.status, run.stderr).toBe(0);
      for (const written of [out[pkg], repositoryOutputs[pkg]]) {
        expect(files(written).filter(isSynthOutput), written).toEqual(files(cli));
        for (const f of files(cli)) expect(readFileSync(path.join(written, f)).equals(readFileSync(path.join(cli, f))), `${written}/${f}`).toBe(true);
      }
    }
  }, 480_000);

  it("keys the bundle on every source it holds from each package, and on the lockfile for node_modules", () => {
    const run = spawnSync(process.execPath, [launcher, "--help"], { encoding: "utf8", timeout: 240_000 });
    expect(run.status, run.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(root, "tools/synth/node_modules/.cache/synth-bundle/manifest.json"), "utf8")) as { files: Record<string, string> };
    expect(Object.keys(manifest.files)).toEqual(
      expect.arrayContaining(["tools/synth/src/cli.ts", "tools/synth/src/write.ts", "iac/src/stack.ts", "iac/src/vpc-module/vpc-module-6.6.0.interface.json", "helm/src/stack.ts", "helm/src/chart-values.ts", "libs/deployment/src/schema.ts", "libs/stack/src/index.ts", "helm/package.json", "pnpm-lock.yaml"]),
    );
    expect(Object.keys(manifest.files).filter((f) => f.includes("node_modules"))).toEqual([]);
  });
});
