import { accessSync, constants, mkdirSync, rmSync, statSync, type Stats } from "node:fs";
import path from "node:path";
import { writeFileAtomically } from "@gpp/files/atomic-write";
import junit from "junit-report-builder";
import { contract, describeAccepted } from "./contract";
import type { EndpointResult, TargetResult, Verdict } from "./smoke";

/** The process exit codes, documented in README.md and `--help` (a test keeps the README's table equal to `exitCodeMeanings`). */
export const ExitCode = {
  pass: 0,
  contractFailure: 1,
  badUsage: 2,
  unreachable: 3,
  noEngine: 4,
  containerFailed: 5,
  interrupted: 130,
  terminated: 143,
} as const;

/** What each exit code means, in the words both `--help` and srv/README.md print. */
export const exitCodeMeanings: readonly (readonly [code: number, meaning: string])[] = [
  [ExitCode.pass, "every check passed"],
  [ExitCode.contractFailure, "contract failure: the service answered, but with a wrong status or body"],
  [ExitCode.badUsage, "bad usage: missing or conflicting options, malformed values, bad deployment file, unwritable --junit path"],
  [ExitCode.unreachable, `unreachable: refused, reset, timeout, DNS or TLS failure, no route (wins over ${ExitCode.contractFailure} when targets differ)`],
  [ExitCode.noEngine, "--image: no reachable docker or podman engine"],
  [ExitCode.containerFailed, "--image: the engine could not pull or start the container"],
  [ExitCode.interrupted, "interrupted by Ctrl-C (SIGINT); a started container is still removed"],
  [ExitCode.terminated, "terminated by SIGTERM; a started container is still removed"],
];

export const exitCodeHelp = exitCodeMeanings.map(([code, meaning]) => `${String(code).padEnd(5)}${meaning}`).join("\n");

export interface SmokeReport {
  readonly verdict: Verdict;
  readonly exitCode: number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly settings: { readonly timeoutMs: number; readonly deadlineMs: number; readonly requests: number };
  readonly targets: readonly TargetResult[];
}

export function overallVerdict(targets: readonly TargetResult[]): Verdict {
  if (targets.some((t) => t.verdict === "unreachable")) return "unreachable";
  if (targets.some((t) => t.verdict === "contract-failure")) return "contract-failure";
  return "pass";
}

export function exitCodeFor(verdict: Verdict): number {
  if (verdict === "pass") return ExitCode.pass;
  return verdict === "unreachable" ? ExitCode.unreachable : ExitCode.contractFailure;
}

const ms = (value: number): string => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

function endpointLine(endpoint: EndpointResult): string {
  const total = endpoint.passed + endpoint.failed;
  const head = `  ${endpoint.failed === 0 ? "ok  " : "FAIL"} ${endpoint.name.padEnd(9)} GET ${endpoint.path.padEnd(7)} ${endpoint.passed}/${total} passed`;
  const latency = endpoint.latencyMs
    ? `  latency p50 ${ms(endpoint.latencyMs.p50)}, p95 ${ms(endpoint.latencyMs.p95)}, max ${ms(endpoint.latencyMs.max)}`
    : "";
  const expected = `  (expects ${endpoint.expected.status} ${describeAccepted(endpoint.expected)})`;
  const why = endpoint.failure ? `\n       ${endpoint.failure.message}` : "";
  return `${head}${latency}${endpoint.failed === 0 ? expected : ""}${why}`;
}

const verdictWords: Record<Verdict, string> = {
  pass: "PASS",
  "contract-failure": "FAIL (contract failure: wrong answers)",
  unreachable: "FAIL (unreachable)",
};

/** The human-readable report. */
export function formatText(report: SmokeReport): string {
  const lines: string[] = [];
  for (const target of report.targets) {
    lines.push(`${target.verdict === "pass" ? "ok  " : "FAIL"} ${target.name}  ${target.url}${target.host ? `  Host: ${target.host}` : ""}`);
    const { readiness } = target;
    if (readiness.ready) {
      lines.push(`  ready after ${readiness.attempts} attempt${readiness.attempts === 1 ? "" : "s"} (${ms(readiness.elapsedMs)})`);
    } else {
      lines.push(`  not ready after ${readiness.attempts} attempt${readiness.attempts === 1 ? "" : "s"} over ${ms(readiness.elapsedMs)}:`);
      lines.push(`       ${readiness.failure?.message}`);
    }
    for (const endpoint of target.endpoints) lines.push(endpointLine(endpoint));
    for (const note of target.notes) lines.push(...note.split("\n").map((line) => `  | ${line}`));
  }
  const passed = report.targets.filter((t) => t.verdict === "pass").length;
  lines.push(
    `${verdictWords[report.verdict]}: ${passed}/${report.targets.length} target${report.targets.length === 1 ? "" : "s"} passed in ${ms(report.durationMs)} (exit ${report.exitCode})`,
  );
  return `${lines.join("\n")}\n`;
}

export function formatJson(report: SmokeReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** JUnit XML: one suite per target, one case for readiness within the deadline and one per endpoint. */
export function formatJunit(report: SmokeReport): string {
  const builder = junit.newBuilder();
  for (const target of report.targets) {
    const className = `srv.smoke.${target.name}`;
    const suite = builder
      .testSuite()
      .name(`srv smoke: ${target.name}`)
      .timestamp(new Date(report.startedAt))
      .property("url", target.url);
    if (target.host) suite.property("host", target.host);
    const ready = suite
      .testCase()
      .className(className)
      .name(`ready before the ${report.settings.deadlineMs} ms deadline`)
      .time(target.readiness.elapsedMs / 1000);
    if (!target.readiness.ready) ready.failure(target.readiness.failure?.message, target.readiness.failure?.kind);
    if (target.notes.length > 0) ready.standardOutput(target.notes.join("\n"));
    const checked = new Map(target.endpoints.map((e) => [e.name, e]));
    for (const name of ["readiness", "liveness"] as const) {
      const endpoint = checked.get(name);
      const testCase = suite.testCase().className(className).name(`${name} GET ${contract[name].path}`);
      if (!endpoint) {
        testCase.skipped();
        continue;
      }
      testCase.time(endpoint.samples.reduce((sum, s) => sum + s.latencyMs, 0) / 1000);
      if (endpoint.failure) {
        testCase.failure(`${endpoint.failed}/${endpoint.passed + endpoint.failed} requests failed: ${endpoint.failure.message}`, endpoint.failure.kind);
      }
      if (endpoint.latencyMs) {
        testCase.standardOutput(`latency p50 ${endpoint.latencyMs.p50} ms, p95 ${endpoint.latencyMs.p95} ms, max ${endpoint.latencyMs.max} ms`);
      }
    }
  }
  return builder.build();
}

/** What is at `file`, or undefined when nothing is (a missing entry, or a file where a folder should be). */
function statIfAny(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new JunitPathError(`--junit: cannot write ${file} (${code ?? (error as Error).message}).`);
  }
}

/** A `--junit` path that cannot be written, found before the run. */
export class JunitPathError extends Error {}

/**
 * Refuses a `--junit` path that can be seen to be unwritable without writing anything: a directory, a
 * path under a file, or a folder this process may not write to. Creating missing folders is left to the
 * write itself.
 */
export function checkJunitPath(file: string): void {
  const existing = statIfAny(file);
  if (existing?.isDirectory()) throw new JunitPathError(`--junit: ${file} is a directory; give a file name such as ${path.join(file, "smoke.xml")}.`);
  let folder = path.dirname(file);
  for (;;) {
    const stat = statIfAny(folder);
    if (stat) {
      if (!stat.isDirectory()) throw new JunitPathError(`--junit: cannot write ${file}: ${folder} is not a directory.`);
      try {
        accessSync(folder, constants.W_OK | constants.X_OK);
      } catch {
        throw new JunitPathError(`--junit: cannot write ${file}: ${folder} is not writable.`);
      }
      return;
    }
    const parent = path.dirname(folder);
    if (parent === folder) return;
    folder = parent;
  }
}

/**
 * Writes the report whole or not at all (`writeFileAtomically`), creating its folder first; on any failure
 * the folders this call created are removed again, as the temporary file is.
 */
export function writeReportFile(file: string, text: string): void {
  const target = path.resolve(file);
  const created = mkdirSync(path.dirname(target), { recursive: true });
  try {
    writeFileAtomically(target, text);
  } catch (error) {
    try {
      if (created) rmSync(created, { recursive: true, force: true });
    } catch {
      // nothing was created there
    }
    throw error;
  }
}
