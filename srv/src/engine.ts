import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { contract } from "./contract";
import { ExitCode } from "./report";

/** A container engine CLI; podman accepts every docker flag used here. */
export type EngineName = "docker" | "podman";
export const engineNames: readonly EngineName[] = ["docker", "podman"];

export interface Engine {
  readonly name: EngineName;
}

/** The engine could not pull or start the container: exit code 5, not a verdict on the service. */
export class ContainerError extends Error {
  override name = "ContainerError";
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command without a shell and never throws: a missing binary or a timeout is a failed result. */
export function runCommand(command: string, args: readonly string[], timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr });
      const err = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
      if (err.code === "ENOENT") return resolve({ code: 127, stdout, stderr: "not installed (not found on PATH)" });
      if (err.killed) return resolve({ code: 124, stdout, stderr: `${command} ${args[0] ?? ""}: no answer within ${timeoutMs} ms` });
      resolve({ code: typeof err.code === "number" ? err.code : 1, stdout, stderr: stderr.trim() || err.message });
    });
  });
}

const firstLine = (text: string): string => text.trim().split("\n")[0] ?? "";

export interface EngineDetection {
  readonly engine?: Engine;
  /** Why each engine tried is not usable, for the "no engine" message. */
  readonly reasons: readonly string[];
}

/** The first engine whose `info` answers within the timeout: its CLI exists and its daemon/service is reachable. */
export async function detectEngine(candidates: readonly EngineName[], timeoutMs: number): Promise<EngineDetection> {
  const reasons: string[] = [];
  for (const name of candidates) {
    const result = await runCommand(name, ["info", "--format", "{{json .}}"], timeoutMs);
    if (result.code === 0) return { engine: { name }, reasons };
    reasons.push(`${name}: ${firstLine(result.stderr) || `info exited ${result.code}`}`);
  }
  return { reasons };
}

export const platformOf = (c: typeof contract = contract): string => `${c.platform.os}/${c.platform.architecture}`;

/** The UID:GID a container runs as when its image would otherwise run it as root (distroless's "nonroot"). */
export const fallbackUser = "65532:65532";

/** True when the image's configured user is root: none set, `0`, `root`, with or without a group. */
export function imageRunsAsRoot(configUser: string): boolean {
  const user = configUser.trim().split(":")[0] ?? "";
  return user === "" || user === "0" || user === "root";
}

export interface ContainerSpec {
  readonly image: string;
  readonly name: string;
  readonly hostPort: number;
  /** Only set when the image would run as root; otherwise the image's own non-root user is kept. */
  readonly user?: string;
}

/**
 * `run` arguments: detached, read-only root filesystem, no capabilities, no privilege escalation,
 * the contract port published on loopback only. No `--rm`: the container must outlive a failed check
 * long enough for its logs to be read; it is removed by name afterwards in every case.
 */
export function runArgs(spec: ContainerSpec): string[] {
  return [
    "run",
    "--detach",
    "--name",
    spec.name,
    "--label",
    "gpp.smoke=true",
    "--platform",
    platformOf(),
    "--read-only",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    ...(spec.user ? ["--user", spec.user] : []),
    "--publish",
    `127.0.0.1:${spec.hostPort}:${contract.port}`,
    spec.image,
  ];
}

export const removeArgs = (name: string): string[] => ["rm", "--force", name];

/** A port the kernel just handed out on 127.0.0.1; the engine may still lose a race for it, so callers retry. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

const PORT_TAKEN = /already allocated|address already in use|bind/i;

export const containerName = (): string => `gpp-smoke-${process.pid}-${randomBytes(3).toString("hex")}`;

export interface RunningContainer {
  readonly engine: Engine;
  readonly name: string;
  readonly image: string;
  readonly hostPort: number;
  readonly baseUrl: URL;
  /** The user it runs as and where that came from. */
  readonly user: string;
  /** The engine's view of it (status, exit code) and its last log lines: evidence for a failed check. */
  evidence(): Promise<string>;
}

export interface ContainerOptions {
  readonly image: string;
  readonly onProgress?: (line: string) => void;
  /** For `pull`, which may download hundreds of megabytes. */
  readonly pullTimeoutMs?: number;
  /** For every other engine command. */
  readonly commandTimeoutMs?: number;
  /** How often to try another free port when the engine lost the race for one. */
  readonly portAttempts?: number;
  /** Ends the process after a signal; tests replace it. */
  readonly exit?: (code: number) => void;
}

/**
 * Pulls the image if it is missing, starts it as specified by `runArgs`, hands it to `use`, and removes
 * it afterwards: after success, after failure, and on SIGINT/SIGTERM (then exits 130/143).
 */
export async function withContainer<T>(engine: Engine, options: ContainerOptions, use: (container: RunningContainer) => Promise<T>): Promise<T> {
  const progress = options.onProgress ?? (() => {});
  const timeout = options.commandTimeoutMs ?? 60_000;
  const cmd = (args: readonly string[], ms = timeout): Promise<CommandResult> => runCommand(engine.name, args, ms);

  const inspectUser = (): Promise<CommandResult> => cmd(["image", "inspect", "--format", "{{.Config.User}}", options.image]);
  let inspected = await inspectUser();
  if (inspected.code !== 0) {
    progress(`${engine.name}: pulling ${options.image} for ${platformOf()}`);
    const pulled = await cmd(["pull", "--platform", platformOf(), options.image], options.pullTimeoutMs ?? 600_000);
    if (pulled.code !== 0) throw new ContainerError(`${engine.name} could not pull ${options.image}: ${pulled.stderr.trim()}`);
    inspected = await inspectUser();
    if (inspected.code !== 0) throw new ContainerError(`${engine.name} could not inspect ${options.image}: ${inspected.stderr.trim()}`);
  }
  const imageUser = inspected.stdout.trim();
  const override = imageRunsAsRoot(imageUser) ? fallbackUser : undefined;
  const userNote = override
    ? `${override} (the image sets no non-root user, so --user overrides it)`
    : `${imageUser} (the image's own non-root user)`;

  const name = containerName();
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n${signal}: removing container ${name}\n`);
    spawnSync(engine.name, removeArgs(name), { stdio: "ignore", timeout });
    exit(signal === "SIGINT" ? ExitCode.interrupted : ExitCode.terminated);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    let hostPort = 0;
    for (let attempt = 1; ; attempt++) {
      hostPort = await freePort();
      const started = await cmd(runArgs({ image: options.image, name, hostPort, ...(override ? { user: override } : {}) }));
      if (started.code === 0) break;
      // A failed `run` can leave a created container behind under our name: clear it before retrying.
      await cmd(removeArgs(name));
      if (!PORT_TAKEN.test(started.stderr) || attempt >= (options.portAttempts ?? 3)) {
        throw new ContainerError(`${engine.name} could not start ${options.image}: ${started.stderr.trim()}`);
      }
      progress(`${engine.name}: port ${hostPort} was taken meanwhile; trying another`);
    }
    progress(`${engine.name}: started ${name} from ${options.image}, ${contract.port}/tcp published on 127.0.0.1:${hostPort}, user ${userNote}`);
    return await use({
      engine,
      name,
      image: options.image,
      hostPort,
      baseUrl: new URL(`http://127.0.0.1:${hostPort}`),
      user: userNote,
      evidence: async () => {
        const state = await cmd(["inspect", "--format", "{{.State.Status}} (exit code {{.State.ExitCode}})", name]);
        const logs = await cmd(["logs", "--tail", "40", name]);
        const logText = `${logs.stdout}${logs.stderr}`.trim();
        return [
          `container ${name}: ${state.code === 0 ? state.stdout.trim() : `state unknown: ${firstLine(state.stderr)}`}`,
          logText ? `last log lines:\n${logText}` : "no log output",
        ].join("\n");
      },
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    const removed = await cmd(removeArgs(name));
    if (removed.code === 0) progress(`${engine.name}: removed ${name}`);
    // "No such container": a failed `run` was already cleared above.
    else if (!/no such container/i.test(removed.stderr)) progress(`${engine.name}: could not remove ${name}: ${firstLine(removed.stderr)}`);
  }
}
