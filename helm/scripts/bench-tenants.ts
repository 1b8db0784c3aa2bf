/**
 * Synth time and peak memory of the helm stack for 10, 100 and 500 tenants. Each size runs in its own
 * child process (this file with --child), so peak RSS belongs to that run alone. Not a test: run it
 * with `pnpm --filter helm bench`, and compare the ms/tenant column across sizes (near-constant =
 * near-linear).
 */
import { measureInChild } from "@gpp/measure";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SIZES = [10, 100, 500];

async function child(tenants: number): Promise<void> {
  const { parseDeployment } = await import("@gpp/deployment");
  const { App } = await import("cdktf");
  const { HelmStack } = await import("../src/stack");
  const text = ["deployment_id: bnch", "env: dev", "region: eu-west-1", "tenants:"]
    .concat(Array.from({ length: tenants }, (_, i) => `  - id: tenant-${String(i).padStart(4, "0")}`))
    .join("\n");
  const deployment = parseDeployment(text, "bench.yaml");
  const outdir = mkdtempSync(path.join(tmpdir(), "helm-bench-"));
  const started = performance.now();
  const app = new App({ outdir });
  new HelmStack(app, deployment);
  app.synth();
  const ms = performance.now() - started;
  rmSync(outdir, { recursive: true, force: true });
  // resourceUsage().maxRSS is in kilobytes.
  process.stdout.write(JSON.stringify({ tenants, ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

function parent(): void {
  const self = fileURLToPath(import.meta.url);
  const rows = SIZES.map(
    (tenants) => measureInChild<{ tenants: number; ms: number; maxRssMb: number }>([self, "--child", String(tenants)], { what: `${tenants} tenants` }).result,
  );
  console.log("tenants | synth ms | ms/tenant | peak RSS MB");
  console.log("------- | -------- | --------- | -----------");
  for (const r of rows) {
    console.log(`${String(r.tenants).padStart(7)} | ${r.ms.toFixed(0).padStart(8)} | ${(r.ms / r.tenants).toFixed(2).padStart(9)} | ${r.maxRssMb.toFixed(0).padStart(11)}`);
  }
}

const childIndex = process.argv.indexOf("--child");
if (childIndex >= 0) await child(Number(process.argv[childIndex + 1]));
else parent();
