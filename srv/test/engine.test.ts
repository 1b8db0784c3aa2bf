import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../src/command";
import { contract } from "../src/contract";
import { fallbackUser, freePort, imageRunsAsRoot, runArgs } from "../src/engine";
import { ExitCode } from "../src/report";

const here = path.dirname(fileURLToPath(import.meta.url));
const image = `${contract.image}:${contract.defaultTag}`;

describe("engine command construction", () => {
  it("runs detached, read-only, without capabilities, publishing the contract port on loopback only", () => {
    const args = runArgs({ image, name: "gpp-smoke-1", hostPort: 40123 });
    expect(args.slice(0, 2)).toEqual(["run", "--detach"]);
    expect(args.at(-1)).toBe(image);
    const pairs = args.slice(1, -1).join(" ");
    expect(pairs).toContain("--name gpp-smoke-1");
    expect(pairs).toContain("--platform linux/amd64");
    expect(pairs).toContain("--read-only");
    expect(pairs).toContain("--cap-drop ALL");
    expect(pairs).toContain("--security-opt no-new-privileges");
    expect(pairs).toContain("--publish 127.0.0.1:40123:8080");
    // No --rm: the container must survive a failed check until its logs are read.
    expect(args).not.toContain("--rm");
    expect(args).not.toContain("--user");
  });

  it("overrides the user only when asked to", () => {
    const args = runArgs({ image, name: "n", hostPort: 1, user: fallbackUser });
    expect(args[args.indexOf("--user") + 1]).toBe("65532:65532");
  });

  it.each([
    ["", true],
    ["0", true],
    ["root", true],
    ["0:0", true],
    ["root:wheel", true],
    ["nonroot", false],
    ["65532", false],
    ["1000:1000", false],
  ])("image user %j runs as root: %s", (user, root) => {
    expect(imageRunsAsRoot(user)).toBe(root);
  });

  it("picks a host port that is free on 127.0.0.1", async () => {
    const port = await freePort();
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
    server.close();
    expect(port).toBeGreaterThan(0);
  });
});

describe("the fake service behind the fake engine", () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill();
    child = undefined;
  });

  const get = (port: number, urlPath: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const request = http.get({ host: "127.0.0.1", port, path: urlPath, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      });
      request.on("error", reject);
    });

  async function start(env: Record<string, string>): Promise<number> {
    const port = await freePort();
    child = spawn(process.execPath, [path.join(here, "fixtures", "fake-service.mjs"), String(port), String(contract.port)], {
      env: { ...process.env, ...env },
      stdio: "ignore",
    });
    for (let i = 0; i < 200; i++) {
      const up = await get(port, "/").then(
        () => true,
        () => false,
      );
      if (up) return port;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("fake-service.mjs did not start");
  }

  it("serves the real image's answers byte for byte by default", async () => {
    const port = await start({});
    for (const endpoint of [contract.readiness, contract.liveness]) {
      const answer = await get(port, endpoint.path);
      expect(answer.status).toBe(endpoint.status);
      expect(answer.body.toString("utf8")).toBe(endpoint.served.body);
      expect(answer.headers["content-type"]).toBe(endpoint.served.contentType);
      expect(answer.headers["content-length"]).toBe(String(endpoint.served.contentLength));
    }
  });

  it("serves the documented answers when asked to", async () => {
    const port = await start({ FAKE_SERVICE_BODIES: "documented" });
    expect((await get(port, contract.readiness.path)).body.toString()).toBe(contract.readiness.documented.body);
    expect((await get(port, contract.liveness.path)).body.toString()).toBe(contract.liveness.documented.body);
  });
});

// Each case starts processes (the fake engine, a node fake service): seconds each on a busy machine.
describe("container lifecycle with a fake engine on PATH", { timeout: 30_000 }, () => {
  let dir: string;
  const savedEnv = { ...process.env };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "srv-engine-"));
    copyFileSync(path.join(here, "fixtures", "fake-engine.sh"), path.join(dir, "docker"));
    chmodSync(path.join(dir, "docker"), 0o755);
    copyFileSync(path.join(here, "fixtures", "fake-service.mjs"), path.join(dir, "fake-service.mjs"));
    process.env.PATH = `${dir}${path.delimiter}${savedEnv.PATH}`;
    process.env.FAKE_ENGINE_DIR = dir;
  });

  afterEach(() => {
    // Stop any fake service a failing test left behind.
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".pid"))) {
      try {
        process.kill(Number(readFileSync(path.join(dir, file), "utf8")));
      } catch {
        // already gone
      }
    }
    process.env = { ...savedEnv };
  });

  const calls = (): string[][] =>
    readFileSync(path.join(dir, "calls.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as string[]);
  const runCall = (): string[] => calls().find((c) => c[0] === "run") as string[];
  const leftRunning = (): string[] => readdirSync(dir).filter((f) => f.endsWith(".pid"));

  async function smokeImage(...extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(["--image", image, "--engine", "docker", "--timeout", "500ms", "--deadline", "3s", "--requests", "2", ...extra], {
      io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
      backoff: { initialDelayMs: 50, factor: 2, maxDelayMs: 200 },
    });
    return { code, stdout, stderr };
  }

  it("passes an image that answers the assignment's documented bodies", async () => {
    process.env.FAKE_SERVICE_BODIES = "documented";
    const { code, stdout } = await smokeImage();
    expect(code).toBe(ExitCode.pass);
    expect(stdout).toContain("PASS: 1/1 target passed");
  });

  it("starts the image, checks it through the published port and removes it", async () => {
    const { code, stdout, stderr } = await smokeImage();
    expect(code).toBe(ExitCode.pass);
    expect(stdout).toContain("PASS: 1/1 target passed");
    expect(stdout).toContain("user nonroot (the image's own non-root user)");
    const run = runCall();
    const name = run[run.indexOf("--name") + 1] as string;
    expect(calls().map((c) => c.slice(0, 2).join(" "))).toEqual(["info --format", "image inspect", "run --detach", "rm --force"]);
    expect(calls().at(-1)).toEqual(["rm", "--force", name]);
    expect(run).not.toContain("--user");
    expect(stderr).toContain(`removed ${name}`);
    expect(leftRunning()).toEqual([]);
  });

  it("runs an image that would run as root as 65532:65532", async () => {
    process.env.FAKE_ENGINE_USER = "";
    const { code, stdout } = await smokeImage();
    expect(code).toBe(ExitCode.pass);
    expect(runCall().join(" ")).toContain("--user 65532:65532");
    expect(stdout).toContain("the image sets no non-root user, so --user overrides it");
  });

  it("pulls a missing image for linux/amd64 first", async () => {
    process.env.FAKE_ENGINE_IMAGE = "absent";
    const { code } = await smokeImage();
    expect(code).toBe(ExitCode.pass);
    expect(calls()).toContainEqual(["pull", "--platform", "linux/amd64", image]);
  });

  it("exits 5 with the engine's words when the pull fails, and starts nothing", async () => {
    process.env.FAKE_ENGINE_IMAGE = "absent";
    process.env.FAKE_ENGINE_PULL = "fail";
    const { code, stderr } = await smokeImage();
    expect(code).toBe(ExitCode.containerFailed);
    expect(stderr).toContain(`docker could not pull ${image}: Error response from daemon: pull access denied`);
    expect(calls().some((c) => c[0] === "run")).toBe(false);
  });

  it("tries another port when the engine lost the race for the free one", async () => {
    process.env.FAKE_ENGINE_RUN_PORT_TAKEN = "1";
    const { code, stderr } = await smokeImage();
    expect(code).toBe(ExitCode.pass);
    expect(stderr).toMatch(/port \d+ was taken meanwhile; trying another/);
    const sequence = calls().map((c) => c[0]);
    expect(sequence).toEqual(["info", "image", "run", "rm", "run", "rm"]);
  });

  it("removes the container after a failed check and reports its state and logs", async () => {
    process.env.FAKE_SERVICE_BROKEN = "1";
    // Long enough for the fake service (a fresh node process) to start on a busy machine.
    const { code, stdout } = await smokeImage("--deadline", "2s");
    expect(code).toBe(ExitCode.contractFailure);
    expect(stdout).toContain("wrong status: GET / answered 500");
    expect(stdout).toContain("running (exit code 0)");
    expect(stdout).toContain("| fake service log line");
    expect(calls().at(-1)?.slice(0, 2)).toEqual(["rm", "--force"]);
    expect(leftRunning()).toEqual([]);
  });

  it("says so and exits 4 when no engine is reachable", async () => {
    process.env.FAKE_ENGINE_INFO = "fail";
    const { code, stderr, stdout } = await smokeImage();
    expect(code).toBe(ExitCode.noEngine);
    expect(stderr).toContain("No container engine is reachable");
    expect(stderr).toContain("docker: Cannot connect to the Docker daemon");
    expect(stdout).toBe("");
    expect(calls().map((c) => c[0])).toEqual(["info"]);
  });

  // One real process, so a real signal and the exit status the shell sees are what is checked.
  it("removes the container on SIGINT and exits 130", async () => {
    process.env.FAKE_SERVICE_BROKEN = "1"; // keeps the command waiting for readiness
    const child = spawn(process.execPath, ["--import", "tsx", path.join(here, "..", "src", "cli.ts"), "--image", image, "--engine", "docker", "--deadline", "20s"], {
      cwd: path.join(here, ".."),
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // Interrupt once the command is waiting on the started container.
    // The child compiles TypeScript on start: allow for a busy machine.
    for (let i = 0; i < 500 && !/attempt 1:/.test(stderr); i++) await new Promise((r) => setTimeout(r, 50));
    expect(stderr).toContain("attempt 1:");
    const name = runCall()[runCall().indexOf("--name") + 1] as string;
    child.kill("SIGINT");
    expect(await exited).toBe(ExitCode.interrupted);
    expect(stderr).toContain(`SIGINT: removing container ${name}`);
    expect(calls().at(-1)).toEqual(["rm", "--force", name]);
    expect(existsSync(path.join(dir, `${name}.pid`))).toBe(false);
  }, 45_000);

  // The same handler in this process (a second node + tsx start costs more than the rest of the file's
  // cases together): the SIGTERM listener the run installed is called, and the exit seam records its code.
  it("removes the container on SIGTERM and exits 143", async () => {
    process.env.FAKE_SERVICE_BROKEN = "1"; // keeps the command waiting for readiness
    let stderr = "";
    const written = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    const before = new Set(process.listeners("SIGTERM"));
    const exits: number[] = [];
    try {
      const run = main(["--image", image, "--engine", "docker", "--timeout", "250ms", "--deadline", "1s"], {
        io: { stdout: () => {}, stderr: (t) => (stderr += t) },
        backoff: { initialDelayMs: 50, factor: 2, maxDelayMs: 200 },
        exit: (code) => exits.push(code),
      });
      for (let i = 0; i < 200 && !/attempt 1:/.test(stderr); i++) await new Promise((r) => setTimeout(r, 20));
      expect(stderr).toContain("attempt 1:");
      const name = runCall()[runCall().indexOf("--name") + 1] as string;
      // Only the run's own listener: whatever else listens for SIGTERM in a test worker is not called.
      const installed = process.listeners("SIGTERM").filter((listener) => !before.has(listener));
      expect(installed).toHaveLength(1);
      for (const listener of installed) listener("SIGTERM");
      expect(exits).toEqual([ExitCode.terminated]);
      expect(stderr).toContain(`SIGTERM: removing container ${name}`);
      expect(calls().at(-1)).toEqual(["rm", "--force", name]);
      expect(existsSync(path.join(dir, `${name}.pid`))).toBe(false);
      // The exit seam does not end the run: it goes on to its deadline, then lets go of the signal.
      await run;
      expect(process.listeners("SIGTERM").filter((listener) => !before.has(listener))).toEqual([]);
    } finally {
      written.mockRestore();
    }
  });
});
