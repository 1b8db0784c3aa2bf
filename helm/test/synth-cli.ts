import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runEntryPoint } from "@gpp/testing/in-process";

type SynthRun = { status: number | null; stderr: string; file: string; written: string[] };

const packageDir = path.resolve(import.meta.dirname, "..");

/** `descriptor` written as gpp0.yaml in a fresh folder, and an output folder of its own. */
function folders(descriptor: string): { dir: string; file: string; outdir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "helm-synth-cli-"));
  const file = path.join(dir, "gpp0.yaml");
  writeFileSync(file, descriptor);
  return { dir, file, outdir: path.join(dir, "out") };
}

// cdktf creates its empty output folders on construction; only files count as written.
function filesIn(outdir: string): string[] {
  return existsSync(outdir)
    ? readdirSync(outdir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name))
    : [];
}

/**
 * Runs the helm package's synth entry point (what `cdktf synth` runs) on one descriptor, in a process of
 * its own: the exit status, stderr, the descriptor's path and every file the run wrote.
 */
export function synthCli(descriptor: string): SynthRun {
  const { dir, file, outdir } = folders(descriptor);
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: packageDir,
    env: { ...process.env, GPP_DEPLOYMENTS_DIR: dir, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  return { status: result.status, stderr: result.stderr, file, written: filesIn(outdir) };
}

/**
 * The same entry point and the same report, run in this worker (@gpp/testing/in-process): seconds cheaper than a
 * process, for tests whose subject is the input, not the process (synthCli keeps one real run).
 */
export async function synthInProcess(descriptor: string): Promise<SynthRun> {
  const { dir, file, outdir } = folders(descriptor);
  const result = await runEntryPoint(path.join(packageDir, "src/main.ts"), [], { GPP_DEPLOYMENTS_DIR: dir, CDKTF_OUTDIR: outdir });
  return { status: result.status, stderr: result.stderr, file, written: filesIn(outdir) };
}
