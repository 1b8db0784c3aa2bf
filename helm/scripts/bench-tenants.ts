/**
 * The helm stack at 10, 100, 500 and 1000 tenants, in both tenant-delivery modes: Terraform resources
 * in the synthesized stack, synth time, peak memory, and in argocd mode the size of the one
 * ApplicationSet. Each size and mode runs in its own child process (this file with --child), so peak
 * RSS belongs to that run alone. Not a test: run it with `pnpm --filter helm bench`
 * (`-- --markdown` prints the table docs/scaling.md shows). `--child <n>` without `--mode` is the
 * terraform mode, as `pnpm bench` (tools/bench) calls it.
 */
import { measureInChild } from "@gpp/measure";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SIZES = [10, 100, 500, 1000];
const MODES = ["terraform", "argocd"] as const;
type Mode = (typeof MODES)[number];

interface Sample {
  tenants: number;
  mode: Mode;
  ms: number;
  maxRssMb: number;
  resources: number;
  /** argocd mode: bytes of the ApplicationSet as JSON (etcd refuses a request above 1.5 MiB). */
  applicationSetBytes?: number;
}

// A fixed tag, not a real release of this repository: the bench only synthesizes.
const GITOPS = ["gitops:", "  engine: argocd", "  repo_url: https://github.com/example/gpp-platform.git", "  revision: v0.0.0-bench"];

async function child(tenants: number, mode: Mode): Promise<void> {
  const { parseDeployment } = await import("@gpp/deployment");
  const { App } = await import("cdktf");
  const { HelmStack } = await import("../src/stack");
  const text = ["deployment_id: bnch", "env: dev", "region: eu-west-1", ...(mode === "argocd" ? GITOPS : []), "tenants:"]
    .concat(Array.from({ length: tenants }, (_, i) => `  - id: tenant-${String(i).padStart(4, "0")}`))
    .join("\n");
  const deployment = parseDeployment(text, "bench.yaml");
  const outdir = mkdtempSync(path.join(tmpdir(), "helm-bench-"));
  const started = performance.now();
  const app = new App({ outdir });
  const stack = new HelmStack(app, deployment);
  app.synth();
  const ms = performance.now() - started;
  const stackDir = path.join(outdir, "stacks", readdirSync(path.join(outdir, "stacks"))[0] as string);
  const json = JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as { resource: Record<string, Record<string, unknown>> };
  const resources = Object.values(json.resource).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
  const applicationSet = stack.gitops?.delivery.applicationSet;
  rmSync(outdir, { recursive: true, force: true });
  const sample: Sample = {
    tenants,
    mode,
    ms,
    // resourceUsage().maxRSS is in kilobytes.
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    resources,
    ...(applicationSet ? { applicationSetBytes: Buffer.byteLength(JSON.stringify(applicationSet)) } : {}),
  };
  process.stdout.write(JSON.stringify(sample));
}

function parent(markdown: boolean): void {
  const self = fileURLToPath(import.meta.url);
  const rows = SIZES.flatMap((tenants) =>
    MODES.map((mode) => measureInChild<Sample>([self, "--child", String(tenants), "--mode", mode], { what: `${tenants} tenants, ${mode} mode` }).result),
  );
  const header = ["tenants", "mode", "Terraform resources", "synth ms", "ms/tenant", "peak RSS MB", "ApplicationSet KiB"];
  const cells = rows.map((r) => [
    String(r.tenants),
    r.mode,
    String(r.resources),
    r.ms.toFixed(0),
    (r.ms / r.tenants).toFixed(2),
    r.maxRssMb.toFixed(0),
    r.applicationSetBytes === undefined ? "" : (r.applicationSetBytes / 1024).toFixed(0),
  ]);
  if (markdown) {
    console.log(`| ${header.join(" | ")} |`);
    console.log(`| ${header.map(() => "---").join(" | ")} |`);
    for (const c of cells) console.log(`| ${c.join(" | ")} |`);
    return;
  }
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  console.log(header.map((h, i) => h.padStart(widths[i] as number)).join(" | "));
  console.log(widths.map((w) => "-".repeat(w)).join(" | "));
  for (const c of cells) console.log(c.map((v, i) => v.padStart(widths[i] as number)).join(" | "));
}

const childIndex = process.argv.indexOf("--child");
const modeIndex = process.argv.indexOf("--mode");
if (childIndex >= 0) await child(Number(process.argv[childIndex + 1]), modeIndex >= 0 ? (process.argv[modeIndex + 1] as Mode) : "terraform");
else parent(process.argv.includes("--markdown"));
