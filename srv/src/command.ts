import { DeploymentError, DeploymentsError, loadDeploymentFile, type Deployment } from "@gpp/deployment";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { LookupFunction } from "node:net";
import path from "node:path";
import { contract, describeAccepted } from "./contract";
import { ContainerError, detectEngine, engineNames, withContainer, type EngineName } from "./engine";
import {
  ExitCode,
  JunitPathError,
  checkJunitPath,
  exitCodeFor,
  exitCodeHelp,
  formatJson,
  formatJunit,
  formatText,
  overallVerdict,
  writeReportFile,
  type SmokeReport,
} from "./report";
import type { Backoff } from "./retry";
import { redactUrl, redactUrlText } from "./probe";
import { checkTarget, checkTargets, type SmokeOptions, type Target, type TargetResult } from "./smoke";

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Seams for tests: everything else comes from the command line. */
export interface MainOptions {
  readonly io?: Io;
  readonly backoff?: Backoff;
  readonly lookup?: LookupFunction;
  /** How long `docker info` / `podman info` may take before the engine counts as unreachable. */
  readonly engineTimeoutMs?: number;
  /** Ends the process after SIGINT/SIGTERM in --image mode. */
  readonly exit?: (code: number) => void;
  /**
   * The folder relative `--deployment` and `--junit` paths are resolved from (default: the process's).
   * `pnpm --filter srv smoke` runs in srv/, so the entry point passes the folder pnpm was started in.
   */
  readonly cwd?: string;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * The longest wait a Node.js timer holds: setTimeout stores the delay as a signed 32-bit integer and
 * replaces anything larger by 1 ms (Node.js docs, "setTimeout": "When delay is larger than 2147483647 or
 * less than 1 or NaN, the delay will be set to 1"). About 24.8 days.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** Milliseconds, bare or with a unit: `500`, `500ms`, `2s`, `1.5m`. */
export function parseDuration(value: string, option: string, { allowZero }: { allowZero: boolean }): number {
  const match = /^(-?\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`${option} must be a duration such as 500, 500ms, 2s or 1m; got "${value}".`);
  const ms = Math.round(Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[(match[2] ?? "ms") as "ms" | "s" | "m"]);
  if (ms < 0) throw new InvalidArgumentError(`${option} must not be negative; got "${value}".`);
  if (ms === 0 && !allowZero) throw new InvalidArgumentError(`${option} must be greater than zero (at least 1ms); got "${value}".`);
  if (ms > MAX_TIMER_MS) {
    throw new InvalidArgumentError(`${option} must be at most ${MAX_TIMER_MS}ms (about 24 days, the longest a timer can wait); got "${value}".`);
  }
  return ms;
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > 10_000) {
    throw new InvalidArgumentError(`--requests must be a whole number from 1 to 10000; got "${value}".`);
  }
  return Number(value);
}

export function parseBaseUrl(value: string): URL {
  let url: URL;
  // The value may carry credentials (https://user:token@host): errors show it redacted.
  const shown = redactUrlText(value);
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`--url must be an absolute http:// or https:// URL such as http://127.0.0.1:8080; got "${shown}".`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidArgumentError(`--url must use http:// or https://; got "${url.protocol}" in "${shown}".`);
  }
  if (url.search || url.hash) throw new InvalidArgumentError(`--url is a base URL and takes no query or fragment; got "${redactUrl(url)}".`);
  return url;
}

const HOST = /^(?=.{1,253}(:\d+)?$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i;

function parseHost(value: string): string {
  if (!HOST.test(value)) throw new InvalidArgumentError(`--host must be a host name such as acme.apps.example.org; got "${value}".`);
  return value.toLowerCase();
}

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const IMAGE_REF = new RegExp(
  `^(?:[a-zA-Z0-9.-]+(?::\\d+)?/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

export function parseImage(value: string): string {
  if (!IMAGE_REF.test(value)) {
    throw new InvalidArgumentError(
      `--image must be an image reference such as ${contract.image}:${contract.defaultTag} or ${contract.image}@sha256:<64 hex digits>; got "${value}".`,
    );
  }
  return value;
}

interface Flags {
  url?: URL;
  host?: string;
  deployment?: string;
  image?: string;
  engine?: EngineName;
  timeout: number;
  deadline: number;
  requests: number;
  json?: boolean;
  junit?: string;
  quiet?: boolean;
}

function buildProgram(io: Io): Command {
  return new Command("smoke")
    .description(
      `Checks that the service honours its contract: GET ${contract.readiness.path} -> ${contract.readiness.status} ${describeAccepted(contract.readiness)} (readiness) and ` +
        `GET ${contract.liveness.path} -> ${contract.liveness.status} ${describeAccepted(contract.liveness)} (liveness), ` +
        "ignoring case and surrounding whitespace. " +
        "Waits for readiness with backoff until the deadline (one deadline for the whole run), then sends --requests requests to each endpoint " +
        "and reports status, body and latency (p50, p95, max). Diagnoses failures in plain words.",
    )
    .addOption(new Option("--url <base>", "base URL of the service, or of the shared entry point with --host/--deployment").argParser(parseBaseUrl).conflicts("image"))
    .addOption(new Option("--host <name>", "Host header (and TLS server name) of one tenant behind --url").argParser(parseHost).conflicts(["deployment", "image"]))
    .addOption(new Option("--deployment <file>", "deployment descriptor: check each of its tenants through --url, one Host header per tenant").conflicts("image"))
    .addOption(
      new Option("--image <ref>", `run this image with docker or podman and check it, e.g. ${contract.image}:${contract.defaultTag} or ...@sha256:<digest>`).argParser(parseImage),
    )
    .addOption(new Option("--engine <name>", "with --image: the container engine to use (default: the first reachable of docker, podman)").choices(engineNames))
    .addOption(
      new Option("--timeout <duration>", "per-request timeout (500, 500ms, 2s, 1m)")
        .default(2000, "2s")
        .argParser((v) => parseDuration(v, "--timeout", { allowZero: false })),
    )
    .addOption(
      new Option("--deadline <duration>", "how long, from the start of the run, every target may take to become ready (0: one attempt each)")
        .default(30_000, "30s")
        .argParser((v) => parseDuration(v, "--deadline", { allowZero: true })),
    )
    .addOption(new Option("--requests <n>", "requests per endpoint once ready").default(10).argParser(parseCount))
    .option("--json", "print the report as JSON on stdout (progress stays on stderr)")
    .option("--junit <file>", "also write the report as JUnit XML to this file")
    .option("--quiet", "no progress lines while waiting")
    .addHelpText(
      "after",
      `\nExit codes:\n${exitCodeHelp.replace(/^/gm, "  ")}\n\nExamples:\n` +
        "  pnpm --filter srv smoke -- --url http://127.0.0.1:8080\n" +
        "  pnpm --filter srv smoke -- --url https://lb.example.org --host acme.apps.example.org\n" +
        "  pnpm --filter srv smoke -- --url https://lb.example.org --deployment deployments/gpp0.yaml --junit smoke.xml\n" +
        `  pnpm --filter srv smoke -- --image ${contract.image}:${contract.defaultTag}\n`,
    )
    .showHelpAfterError()
    // commander echoes a refused value ("argument '<value>' is invalid"): no credentials in that either.
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(redactUrlText(text)) })
    .exitOverride()
    .allowExcessArguments(false);
}

/** Parses argv (without node and script) and runs the checks; resolves to the process exit code. */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIo;
  const program = buildProgram(io);
  let flags: Flags;
  try {
    // `pnpm smoke -- --url ...` passes the `--` through; to commander it would end the options.
    program.parse(argv[0] === "--" ? argv.slice(1) : [...argv], { from: "user" });
    flags = program.opts<Flags>();
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.pass : ExitCode.badUsage;
    }
    throw error;
  }
  const usage = (message: string): number => {
    io.stderr(`error: ${message}\n\n${program.helpInformation()}`);
    return ExitCode.badUsage;
  };
  if (flags.deployment && !flags.url) return usage("--deployment needs --url <base> of the shared entry point its tenants are reached through.");
  if (!flags.url && !flags.image) return usage("give a target: --url <base> (optionally with --host or --deployment), or --image <ref>.");
  if (flags.engine && !flags.image) return usage("--engine only applies with --image.");
  const cwd = options.cwd ?? process.cwd();
  const junitFile = flags.junit ? path.resolve(cwd, flags.junit) : undefined;
  if (junitFile) {
    // Before any check runs: a report nobody can write should not cost a whole run.
    try {
      checkJunitPath(junitFile);
    } catch (error) {
      if (!(error instanceof JunitPathError)) throw error;
      return usage(error.message);
    }
  }

  const started = Date.now();
  const progress = flags.quiet ? () => {} : (line: string) => io.stderr(`${line}\n`);
  const smokeOptions: SmokeOptions = {
    timeoutMs: flags.timeout,
    deadlineMs: flags.deadline,
    requests: flags.requests,
    onProgress: progress,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.lookup ? { lookup: options.lookup } : {}),
  };

  let results: TargetResult[];
  if (flags.image) {
    const detected = await detectEngine(flags.engine ? [flags.engine] : engineNames, options.engineTimeoutMs ?? 5000);
    if (!detected.engine) {
      io.stderr(
        `No container engine is reachable, so the image cannot be checked here:\n${detected.reasons.map((r) => `  ${r}`).join("\n")}\n` +
          "Start Docker or Podman (or point DOCKER_HOST at one), or check a running service with --url.\n",
      );
      return ExitCode.noEngine;
    }
    const image = flags.image;
    try {
      const result = await withContainer(
        detected.engine,
        { image, onProgress: progress, ...(options.exit ? { exit: options.exit } : {}) },
        async (container) => {
          const target: Target = { name: image, baseUrl: container.baseUrl };
          const checked = await checkTarget(target, smokeOptions);
          const notes = [`${container.engine.name} container ${container.name}, user ${container.user}`];
          if (checked.verdict !== "pass") notes.push(await container.evidence());
          return { ...checked, notes };
        },
      );
      results = [result];
    } catch (error) {
      if (!(error instanceof ContainerError)) throw error;
      io.stderr(`${error.message}\n`);
      return ExitCode.containerFailed;
    }
  } else {
    const baseUrl = flags.url as URL;
    let targets: Target[];
    if (flags.deployment) {
      const deploymentFile = path.resolve(cwd, flags.deployment);
      let deployment: Deployment;
      try {
        deployment = loadDeploymentFile(deploymentFile);
      } catch (error) {
        if (!(error instanceof DeploymentError || error instanceof DeploymentsError)) throw error;
        io.stderr(`Invalid deployment input:\n${error.message}\n`);
        return ExitCode.badUsage;
      }
      if (deployment.tenants.length === 0) {
        io.stderr(`Invalid deployment input:\n${deploymentFile}: tenants: lists no tenants, so there is nothing to check.\n`);
        return ExitCode.badUsage;
      }
      targets = deployment.tenants.map((tenant) => ({ name: `${deployment.deployment_id}/${tenant.id}`, baseUrl, host: tenant.host }));
    } else {
      targets = [{ name: flags.host ?? baseUrl.host, baseUrl, ...(flags.host ? { host: flags.host } : {}) }];
    }
    results = await checkTargets(targets, smokeOptions);
  }

  const verdict = overallVerdict(results);
  const report: SmokeReport = {
    verdict,
    exitCode: exitCodeFor(verdict),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    settings: { timeoutMs: flags.timeout, deadlineMs: flags.deadline, requests: flags.requests },
    targets: results,
  };
  io.stdout(flags.json ? formatJson(report) : formatText(report));
  if (junitFile) {
    try {
      writeReportFile(junitFile, formatJunit(report));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      io.stderr(`error: --junit: cannot write ${junitFile} (${reason}); the report above was not saved.\n`);
      return ExitCode.badUsage;
    }
  }
  return report.exitCode;
}
