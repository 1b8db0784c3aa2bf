/**
 * The one way every benchmark measures: run a TypeScript file in a fresh Node process (so its peak memory
 * is that run's alone), read the JSON object it prints on its last line, and take medians over runs.
 * A package of its own that imports nothing of the packages it measures, so `iac`, `helm` and
 * `@gpp/bench` all use it without a dependency cycle.
 */
import { spawnSync } from "node:child_process";

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The JSON object on the last non-empty line of a child's output. */
export function lastJsonLine<T>(stdout: string, what: string): T {
  const line = stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`${what} printed no JSON result; its output was:\n${stdout}`);
  }
}

export interface ChildOptions {
  /** Names the run in errors, e.g. `iac synth`. */
  readonly what: string;
  readonly cwd?: string;
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ChildMeasurement<T> {
  /** What the child printed as JSON on its last line. */
  readonly result: T;
  /** The whole child process, Node and tsx start-up included. */
  readonly processMs: number;
}

/**
 * Runs `node --import tsx <args>` and returns its last JSON line and wall time. A non-zero exit throws with
 * the child's stderr, so a broken benchmark never reports a number.
 */
export function measureInChild<T>(args: readonly string[], options: ChildOptions): ChildMeasurement<T> {
  const started = performance.now();
  const child = spawnSync(process.execPath, ["--import", "tsx", ...args], {
    cwd: options.cwd,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", ...options.env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const processMs = performance.now() - started;
  if (child.error) throw new Error(`${options.what} could not start: ${child.error.message}`);
  if (child.status !== 0) throw new Error(`${options.what} failed (exit ${child.status ?? child.signal}):\n${child.stderr}`);
  return { result: lastJsonLine<T>(child.stdout, options.what), processMs };
}
