import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * Runs the helm package's synth entry point (what `cdktf synth` runs) on one descriptor, written as
 * gpp0.yaml in a fresh folder, with its own output folder: the exit status, stderr, the descriptor's
 * path and every file the run wrote.
 */
export function synthCli(descriptor: string): { status: number | null; stderr: string; file: string; written: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), "helm-synth-cli-"));
  const file = path.join(dir, "gpp0.yaml");
  writeFileSync(file, descriptor);
  const outdir = path.join(dir, "out");
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: path.resolve(import.meta.dirname, ".."),
    env: { ...process.env, GPP_DEPLOYMENTS_DIR: dir, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  // cdktf creates its empty output folders on construction; only files count as written.
  const written = existsSync(outdir)
    ? readdirSync(outdir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name))
    : [];
  return { status: result.status, stderr: result.stderr, file, written };
}
