/**
 * Whole commands timed as a user runs them (`pnpm synth`, `pnpm plan`, `bash .ci/run`): wall time from
 * spawning to exit, and the peak memory of the largest process in the tree, which GNU time reads from the
 * kernel's accounting of the reaped children (`/usr/bin/time -f %M`, in KiB). Node has no API for a
 * child's resource usage, hence the tool; without it the memory is left unmeasured, not guessed.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isExecutable } from "@gpp/files/executable";

export const GNU_TIME = "/usr/bin/time";

export interface CommandSample {
  readonly ms: number;
  /** Peak RSS of the largest process the command ran, or undefined without GNU time. */
  readonly maxRssMb: number | undefined;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** What a report keeps of a run. */
export type CommandFigures = Pick<CommandSample, "ms" | "maxRssMb">;

export interface CommandOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The time tool to use (tests point it elsewhere); default /usr/bin/time when it is executable. */
  readonly timeTool?: string | null;
}

/** GNU time's `%M` line: the last line of its output file. */
export function parseMaxRssKib(text: string): number | undefined {
  const last = text.trim().split("\n").pop() ?? "";
  return /^\d+$/.test(last) ? Number(last) : undefined;
}

/** Runs `argv` once. A command that cannot start throws; a non-zero exit is returned for the caller to judge. */
export function runCommand(argv: readonly string[], options: CommandOptions): CommandSample {
  const timeTool = options.timeTool === undefined ? (isExecutable(GNU_TIME) ? GNU_TIME : null) : options.timeTool;
  const scratch = mkdtempSync(path.join(tmpdir(), "gpp-bench-time-"));
  const usage = path.join(scratch, "usage");
  try {
    const [file, ...args] = timeTool ? [timeTool, "-f", "%M", "-o", usage, ...argv] : argv;
    const started = performance.now();
    const child = spawnSync(file!, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const ms = performance.now() - started;
    if (child.error) throw new Error(`cannot run ${argv.join(" ")}: ${child.error.message}`);
    let kib: number | undefined;
    try {
      kib = timeTool ? parseMaxRssKib(readFileSync(usage, "utf8")) : undefined;
    } catch {
      kib = undefined;
    }
    return { ms, maxRssMb: kib === undefined ? undefined : kib / 1024, exitCode: child.status ?? 1, stdout: child.stdout, stderr: child.stderr };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
