/**
 * `pnpm --filter iac bench`: synthesizes the default deployment's iac stack several times, each in a fresh
 * process, and prints the median time and peak memory against the targets (2 s, 250 MB on 2 cores).
 * A benchmark, not a test: machines differ, so it reports rather than fails.
 */
import { measureInChild, median } from "@gpp/measure";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import path from "node:path";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_MS = 2000;
const TARGET_MB = 250;
const iacDir = path.resolve(import.meta.dirname, "..");

interface Sample {
  synthMs: number;
  maxRssMb: number;
  processMs: number;
}

function once(): Sample {
  const outdir = mkdtempSync(path.join(tmpdir(), "iac-bench-"));
  try {
    const { result, processMs } = measureInChild<Omit<Sample, "processMs">>(["scripts/measure-synth.ts"], {
      what: "iac synth",
      cwd: iacDir,
      env: { CDKTF_OUTDIR: outdir, GPP_DEPLOYMENT: process.env.GPP_DEPLOYMENT ?? "gpp0" },
    });
    return { ...result, processMs };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

once(); // warm the file-system cache
const samples = Array.from({ length: RUNS }, once);
const synthMs = median(samples.map((s) => s.synthMs));
const maxRssMb = median(samples.map((s) => s.maxRssMb));
const processMs = median(samples.map((s) => s.processMs));
const verdict = (ok: boolean) => (ok ? "within target" : "OVER TARGET");

console.log(`iac synth of the default deployment, median of ${RUNS} runs on ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log(`  load + synth:   ${synthMs.toFixed(0)} ms (target < ${TARGET_MS} ms: ${verdict(synthMs < TARGET_MS)})`);
console.log(`  peak memory:    ${maxRssMb.toFixed(0)} MB (target < ${TARGET_MB} MB: ${verdict(maxRssMb < TARGET_MB)})`);
console.log(`  whole process:  ${processMs.toFixed(0)} ms (including Node and tsx start-up)`);
